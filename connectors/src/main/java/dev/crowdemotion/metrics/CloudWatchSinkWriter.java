package dev.crowdemotion.metrics;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The writer of {@link CloudWatchSink}: one {@code PutMetricData} call per batch the
 * {@link AsyncSinkWriter} hands it, failures classified by {@link CloudWatchErrors}. See the
 * sink's documentation for the policy.
 */
class CloudWatchSinkWriter extends AsyncSinkWriter<MetricPoint, MetricPoint> {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchSinkWriter.class);
    /** Points named in a rejection log line. */
    private static final int LOGGED_POINTS = 3;

    private final String namespace;
    private final CloudWatchAsyncClient client;
    private final Counter published;
    private final Counter retried;
    private final Counter rejected;

    @SuppressWarnings("deprecation")
    CloudWatchSinkWriter(ElementConverter<MetricPoint, MetricPoint> elementConverter, Sink.InitContext context,
                         int maxBatchSize, int maxInFlightRequests, int maxBufferedRequests, long maxBatchSizeInBytes,
                         long maxTimeInBufferMs, long maxRecordSizeInBytes, long requestTimeoutMs, String namespace,
                         Properties clientProperties, Collection<BufferedRequestState<MetricPoint>> states) {
        super(elementConverter, context, AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(maxBatchSize)
                .setMaxBatchSizeInBytes(maxBatchSizeInBytes)
                .setMaxInFlightRequests(maxInFlightRequests)
                .setMaxBufferedRequests(maxBufferedRequests)
                .setMaxTimeInBufferMS(maxTimeInBufferMs)
                .setMaxRecordSizeInBytes(maxRecordSizeInBytes)
                .setRequestTimeoutMS(requestTimeoutMs)
                .setFailOnTimeout(false)
                .build(), states);
        this.namespace = namespace;
        // a split batch may have both halves in flight
        this.client = CloudWatchClients.create(clientProperties, 2 * maxInFlightRequests + 2);
        MetricGroup group = context.metricGroup().addGroup(CloudWatchSink.METRIC_GROUP);
        this.published = group.counter(CloudWatchSink.PUBLISHED_COUNTER, new ThreadSafeSimpleCounter());
        this.retried = group.counter(CloudWatchSink.RETRIED_COUNTER, new ThreadSafeSimpleCounter());
        this.rejected = group.counter(CloudWatchSink.REJECTED_COUNTER, new ThreadSafeSimpleCounter());
    }

    @Override
    protected void submitRequestEntries(List<MetricPoint> entries, ResultHandler<MetricPoint> result) {
        put(entries).whenComplete((outcome, error) -> {
            if (error != null) {
                Throwable cause = CloudWatchErrors.unwrap(error);
                LOG.error("PutMetricData failed with an unexpected error; failing the job", cause);
                result.completeExceptionally(cause instanceof Exception ? (Exception) cause : new RuntimeException(cause));
                return;
            }
            published.inc(outcome.published);
            rejected.inc(outcome.rejected);
            if (outcome.retry.isEmpty()) {
                result.complete();
            } else {
                retried.inc(outcome.retry.size());
                result.retryForEntries(outcome.retry);
            }
        });
    }

    /** Sends {@code entries} in one request; on a data error, each half on its own, recursively. */
    private CompletableFuture<Outcome> put(List<MetricPoint> entries) {
        PutMetricDataRequest request = PutMetricDataRequest.builder().namespace(namespace)
                .metricData(entries.stream().map(MetricPoint::toDatum).collect(Collectors.toList()))
                .build();
        CompletableFuture<PutMetricDataResponse> call;
        try {
            call = client.putMetricData(request);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((response, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(Outcome.published(entries.size()));
            }
            switch (CloudWatchErrors.classify(error)) {
                case RETRY:
                    LOG.warn("PutMetricData of {} datums failed ({}); handing them back for another attempt",
                            entries.size(), CloudWatchErrors.describe(error));
                    return CompletableFuture.completedFuture(Outcome.retry(entries));
                case INVALID_DATA:
                    if (entries.size() > 1) {
                        LOG.info("PutMetricData of {} datums refused ({}); splitting the batch to isolate the refused datums",
                                entries.size(), CloudWatchErrors.describe(error));
                        int half = entries.size() / 2;
                        List<MetricPoint> left = new ArrayList<>(entries.subList(0, half));
                        List<MetricPoint> right = new ArrayList<>(entries.subList(half, entries.size()));
                        return put(left).thenCombine(put(right), Outcome::plus);
                    }
                    return CompletableFuture.completedFuture(reject(entries, error));
                case REJECTED:
                    return CompletableFuture.completedFuture(reject(entries, error));
                case FATAL:
                default:
                    return CompletableFuture.<Outcome>failedFuture(CloudWatchErrors.unwrap(error));
            }
        }).thenCompose(f -> f);
    }

    private static Outcome reject(List<MetricPoint> entries, Throwable error) {
        LOG.error("CloudWatch refused {} datum(s) for good, not retried ({}): {}{}", entries.size(),
                CloudWatchErrors.describe(error), entries.subList(0, Math.min(LOGGED_POINTS, entries.size())),
                entries.size() > LOGGED_POINTS ? " ..." : "");
        return Outcome.rejected(entries.size());
    }

    @Override
    protected long getSizeInBytes(MetricPoint point) {
        return point.encodedSizeBound();
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            client.close();
        }
    }

    /** What became of a batch: datums published, datums to retry, datums rejected for good. */
    private static final class Outcome {
        final long published;
        final List<MetricPoint> retry;
        final long rejected;

        private Outcome(long published, List<MetricPoint> retry, long rejected) {
            this.published = published;
            this.retry = retry;
            this.rejected = rejected;
        }

        static Outcome published(int n) {
            return new Outcome(n, Collections.emptyList(), 0);
        }

        static Outcome retry(List<MetricPoint> entries) {
            return new Outcome(0, entries, 0);
        }

        static Outcome rejected(int n) {
            return new Outcome(0, Collections.emptyList(), n);
        }

        Outcome plus(Outcome o) {
            List<MetricPoint> r = new ArrayList<>(retry);
            r.addAll(o.retry);
            return new Outcome(published + o.published, r, rejected + o.rejected);
        }
    }
}
