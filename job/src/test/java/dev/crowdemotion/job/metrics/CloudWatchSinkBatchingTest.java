package dev.crowdemotion.job.metrics;

import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.cloudwatch.CloudWatchStandIn;
import dev.crowdemotion.local.cloudwatch.Datapoint;
import dev.crowdemotion.local.cloudwatch.MetricSeries;
import dev.crowdemotion.local.cloudwatch.RequestRecord;
import dev.crowdemotion.metrics.CloudWatchSink;
import dev.crowdemotion.metrics.MetricPoint;
import dev.crowdemotion.metrics.PutMetricDataLimits;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CloudWatchSink} on a Flink mini-cluster against the CloudWatch stand-in, through the real
 * {@code CloudWatchAsyncClient}: requests stay within PutMetricData's 1000 datums and 1 MB, the
 * SDK's gzip bodies are decoded, and every datapoint arrives exactly once.
 */
class CloudWatchSinkBatchingTest {
    static final String NS = "CrowdEmotionIT";

    private CloudWatchStandIn standIn;

    @BeforeEach
    void start() {
        standIn = CloudWatchStandIn.start();
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    static CloudWatchSink sink(CloudWatchStandIn standIn) {
        Properties aws = new Properties();
        aws.setProperty("aws.region", LocalAws.REGION);
        aws.setProperty("aws.endpoint", standIn.endpoint().toString());
        return CloudWatchSink.builder().namespace(NS).clientProperties(aws).build();
    }

    static CloudWatchMiniCluster run(List<MetricPoint> points, CloudWatchSink sink) throws Exception {
        return new CloudWatchMiniCluster().run(1, env -> env.fromData(points, TypeInformation.of(MetricPoint.class))
                .sinkTo(sink).name("cloudwatch"));
    }

    /** Every (metric, dimensions, timestamp, value) the stand-in holds, asserting none is held twice. */
    static Set<String> heldOnce(CloudWatchStandIn standIn) {
        Set<String> held = new HashSet<>();
        for (MetricSeries s : standIn.series()) {
            for (Datapoint d : s.datapoints()) {
                String key = s.metricName() + s.dimensions() + "@" + d.timestampMs() + "=" + d.value();
                assertThat(held.add(key)).as("held once: %s", key).isTrue();
            }
        }
        return held;
    }

    static Set<String> keys(List<MetricPoint> points) {
        Set<String> keys = new HashSet<>();
        for (MetricPoint p : points) {
            keys.add(p.name() + new java.util.TreeMap<>(p.dimensions()) + "@" + p.timestampMs() + "=" + p.value());
        }
        return keys;
    }

    @Test
    void twentyFiveHundredDatumsGoInRequestsOfAtMostAThousand() throws Exception {
        long now = System.currentTimeMillis();
        List<MetricPoint> points = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            points.add(MetricPoint.of("EmotionConfidence", Map.of("Stage", "stage-" + (i % 50), "Emotion", "HAPPY"), i / 4.0,
                    StandardUnit.PERCENT, now - i * 1000L));
        }
        CloudWatchMiniCluster job = run(points, sink(standIn));

        List<RequestRecord> requests = standIn.requests();
        assertThat(requests).as("no request refused").allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.action()).isEqualTo("PutMetricData");
            assertThat(r.datums()).isBetween(1, PutMetricDataLimits.MAX_DATUMS_PER_REQUEST);
            assertThat(r.bodyBytes()).isLessThanOrEqualTo(PutMetricDataLimits.MAX_REQUEST_BYTES);
        });
        assertThat(requests.stream().mapToInt(RequestRecord::datums).sum()).isEqualTo(2500);
        assertThat(requests.size()).isGreaterThanOrEqualTo(3);
        assertThat(requests.stream().mapToInt(RequestRecord::datums).max().orElse(0)).as("full batches").isEqualTo(1000);
        assertThat(requests).filteredOn(r -> r.bodyBytes() >= 10 * 1024).as("the SDK gzips large bodies; decoded here")
                .isNotEmpty().allSatisfy(r -> assertThat(r.gzip()).isTrue());
        assertThat(heldOnce(standIn)).isEqualTo(keys(points));
        assertThat(job.counter(CloudWatchSink.PUBLISHED_COUNTER)).isEqualTo(2500);
        assertThat(job.counter(CloudWatchSink.REJECTED_COUNTER)).isZero();
        System.out.println("2500 datums: " + requests.size() + " requests of " + requests.stream().map(RequestRecord::datums).toList()
                + " datums, " + requests.stream().map(RequestRecord::bodyBytes).toList() + " bytes");
    }

    @Test
    void largeDatumsGoInRequestsOfAtMostOneMegabyte() throws Exception {
        long now = System.currentTimeMillis();
        List<MetricPoint> points = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Map<String, String> dims = new LinkedHashMap<>();
            dims.put("Stage", "stage-" + i);
            for (int d = 1; d < 30; d++) {
                dims.put("D" + d, String.valueOf((char) ('a' + (i + d) % 26)).repeat(1024));
            }
            points.add(MetricPoint.of("Energy", dims, i, StandardUnit.NONE, now - i));
        }
        run(points, sink(standIn));

        List<RequestRecord> requests = standIn.requests();
        assertThat(requests).as("none refused: no 413").allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.bodyBytes()).isLessThanOrEqualTo(PutMetricDataLimits.MAX_REQUEST_BYTES);
            assertThat(r.gzip()).isTrue();
        });
        assertThat(requests.stream().mapToInt(RequestRecord::datums).sum()).isEqualTo(200);
        // batches are cut by size, not by count: they come close to the limit
        assertThat(requests.stream().mapToInt(RequestRecord::bodyBytes).max().orElse(0))
                .isGreaterThan(PutMetricDataLimits.MAX_REQUEST_BYTES * 9 / 10);
        assertThat(requests.size()).isGreaterThanOrEqualTo(6);
        assertThat(heldOnce(standIn)).isEqualTo(keys(points));
        System.out.println("200 datums of ~33 KB: " + requests.size() + " requests of " + requests.stream().map(RequestRecord::datums).toList()
                + " datums, " + requests.stream().map(RequestRecord::bodyBytes).toList() + " bytes (gzip: "
                + requests.stream().map(RequestRecord::wireBytes).toList() + ")");
    }
}
