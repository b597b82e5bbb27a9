package dev.crowdemotion.job.metrics;

import dev.crowdemotion.local.cloudwatch.CloudWatchStandIn;
import dev.crowdemotion.local.cloudwatch.RequestRecord;
import dev.crowdemotion.metrics.CloudWatchSink;
import dev.crowdemotion.metrics.MetricPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.crowdemotion.job.metrics.CloudWatchSinkBatchingTest.heldOnce;
import static dev.crowdemotion.job.metrics.CloudWatchSinkBatchingTest.keys;
import static dev.crowdemotion.job.metrics.CloudWatchSinkBatchingTest.run;
import static dev.crowdemotion.job.metrics.CloudWatchSinkBatchingTest.sink;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CloudWatchSink} on a Flink mini-cluster against the CloudWatch stand-in with failures:
 * throttling and 5xx beyond the SDK's own attempts are retried through the writer and every
 * datapoint arrives exactly once; datums CloudWatch refuses for good are isolated, counted in
 * {@code cloudWatchRejected} and do not fail the job.
 */
class CloudWatchSinkRetryTest {
    private CloudWatchStandIn standIn;

    @BeforeEach
    void start() {
        standIn = CloudWatchStandIn.start();
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    private static List<MetricPoint> points(int n, long now) {
        List<MetricPoint> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(MetricPoint.of("FramesSeen", Map.of("Stage", "stage-" + (i % 7)), i, StandardUnit.COUNT, now - i * 10L));
        }
        return points;
    }

    @Test
    void throttlingAndServerErrorsAreRetriedAndEveryDatapointArrivesOnce() throws Exception {
        List<MetricPoint> points = points(1500, System.currentTimeMillis());
        // more failures in a row than the SDK's 3 attempts per call: the writer must retry too
        standIn.injectNext(CloudWatchStandIn.THROTTLING, 4);
        standIn.injectNext(CloudWatchStandIn.INTERNAL_SERVICE_ERROR, 3);
        standIn.injectNext(CloudWatchStandIn.SERVICE_UNAVAILABLE, 1);
        long t0 = System.nanoTime();
        CloudWatchMiniCluster job = run(points, sink(standIn));

        assertThat(standIn.pendingInjected()).isZero();
        List<RequestRecord> requests = standIn.requests();
        assertThat(requests).filteredOn(r -> r.errorCode() != null).extracting(RequestRecord::errorCode)
                .containsExactly("Throttling", "Throttling", "Throttling", "Throttling", "InternalServiceError",
                        "InternalServiceError", "InternalServiceError", "ServiceUnavailable");
        assertThat(heldOnce(standIn)).isEqualTo(keys(points));
        assertThat(job.counter(CloudWatchSink.PUBLISHED_COUNTER)).isEqualTo(1500);
        assertThat(job.counter(CloudWatchSink.RETRIED_COUNTER)).as("handed back to the writer").isGreaterThan(0);
        assertThat(job.counter(CloudWatchSink.REJECTED_COUNTER)).isZero();
        System.out.println("8 injected errors: " + requests.size() + " requests, retried datums "
                + job.counter(CloudWatchSink.RETRIED_COUNTER) + ", " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    }

    @Test
    void refusedDatumsAreIsolatedCountedAndLoggedWithoutFailingTheJob() throws Exception {
        long now = System.currentTimeMillis();
        List<MetricPoint> good = points(997, now);
        List<MetricPoint> all = new ArrayList<>(good);
        long threeWeeksAgo = now - TimeUnit.DAYS.toMillis(21);
        // three datums CloudWatch refuses (older than two weeks), amid the good ones of the same batch
        all.add(100, MetricPoint.of("FramesSeen", Map.of("Stage", "late"), 1, StandardUnit.COUNT, threeWeeksAgo));
        all.add(500, MetricPoint.of("FramesSeen", Map.of("Stage", "late"), 2, StandardUnit.COUNT, threeWeeksAgo));
        all.add(all.size(), MetricPoint.of("FramesSeen", Map.of("Stage", "late"), 3, StandardUnit.COUNT, threeWeeksAgo));
        CloudWatchMiniCluster job = run(all, sink(standIn));

        assertThat(heldOnce(standIn)).isEqualTo(keys(good));
        assertThat(job.counter(CloudWatchSink.REJECTED_COUNTER)).isEqualTo(3);
        assertThat(job.counter(CloudWatchSink.PUBLISHED_COUNTER)).isEqualTo(997);
        assertThat(job.counter(CloudWatchSink.RETRIED_COUNTER)).isZero();
        assertThat(standIn.requests()).filteredOn(r -> "InvalidParameterValue".equals(r.errorCode())).isNotEmpty()
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(400));
        System.out.println("3 refused datums in 1000: " + standIn.requests().size() + " requests");
    }

    @Test
    void aRequestRefusedWhateverItsDataIsCountedWhole() throws Exception {
        List<MetricPoint> points = points(10, System.currentTimeMillis());
        standIn.injectNext(CloudWatchStandIn.ACCESS_DENIED, 1);
        CloudWatchMiniCluster job = run(points, sink(standIn));

        assertThat(standIn.requests()).hasSize(1).first().extracting(RequestRecord::errorCode).isEqualTo("AccessDenied");
        assertThat(standIn.series()).isEmpty();
        assertThat(job.counter(CloudWatchSink.REJECTED_COUNTER)).isEqualTo(10);
        assertThat(job.counter(CloudWatchSink.PUBLISHED_COUNTER)).isZero();
    }
}
