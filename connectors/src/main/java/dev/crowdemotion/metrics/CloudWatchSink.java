package dev.crowdemotion.metrics;

import org.apache.flink.api.connector.sink2.StatefulSink;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Properties;

/**
 * A Flink async sink ({@link AsyncSinkBase}) publishing {@link MetricPoint}s to Amazon CloudWatch
 * with {@code PutMetricData}, in one namespace, through the SDK v2 {@code CloudWatchAsyncClient}
 * ({@link CloudWatchClients}).
 *
 * <p><b>Batching</b> within PutMetricData's limits ({@link PutMetricDataLimits}, from the API
 * reference https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html):
 * at most {@value PutMetricDataLimits#MAX_DATUMS_PER_REQUEST} datums and at most 1 MB of form-encoded
 * body per request; the writer sizes each point with {@link MetricPoint#encodedSizeBound()} and
 * leaves room for the request's fixed part. A batch goes out when it is full or after
 * {@link Builder#maxTimeInBufferMs} at the latest; at a checkpoint the writer waits for the
 * requests in flight and checkpoints the points still buffered.
 *
 * <p><b>Failures</b> (see {@code CloudWatchErrors}): throttling, 5xx, network errors and timeouts
 * are retried by the SDK (standard strategy, backoff) and then handed back to the writer, which
 * sends them again (at-least-once: a checkpoint waits for them, and buffered points are part of
 * the checkpoint). A request refused for its data ({@code InvalidParameterValue},
 * {@code MissingParameter}, {@code InvalidParameterCombination}, {@code InvalidFormat}, HTTP 413)
 * is split in halves until the refused datums are isolated; those, and every datum of a request
 * refused for another permanent reason (e.g. {@code AccessDenied}), are counted in the counter
 * {@value #REJECTED_COUNTER} of the metric group {@value #METRIC_GROUP} and logged, never retried
 * and never allowed to fail the job. Only an unexpected non-SDK exception fails the job.
 *
 * <p>Counters in {@value #METRIC_GROUP} (which MSF publishes to CloudWatch):
 * {@value #PUBLISHED_COUNTER} (datums accepted), {@value #RETRIED_COUNTER} (datums handed back for
 * another attempt), {@value #REJECTED_COUNTER} (datums refused for good).
 */
public class CloudWatchSink extends AsyncSinkBase<MetricPoint, MetricPoint> {
    private static final long serialVersionUID = 1L;

    /** The Flink metric group MSF forwards to CloudWatch (the job's {@code JobMetrics.GROUP}). */
    public static final String METRIC_GROUP = "kinesisanalytics";
    /** Counter: datums CloudWatch accepted. */
    public static final String PUBLISHED_COUNTER = "cloudWatchPublished";
    /** Counter: datums handed back to the writer after a transient failure (each time). */
    public static final String RETRIED_COUNTER = "cloudWatchRetried";
    /** Counter: datums CloudWatch refused for good (not retried). */
    public static final String REJECTED_COUNTER = "cloudWatchRejected";

    /** Default datums buffered before {@code write} blocks (back-pressure): about 20 min of 20 stages at 10 s windows. */
    public static final int DEFAULT_MAX_BUFFERED = 50_000;
    /** Default concurrent PutMetricData requests. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;
    /** Default longest time a point waits in the buffer, ms. */
    public static final long DEFAULT_MAX_TIME_IN_BUFFER_MS = 5_000;
    /** Timeout of one request as the writer sees it (SDK retries and batch splitting included), ms; then retried. */
    public static final long REQUEST_TIMEOUT_MS = 5 * 60_000;
    /** Bytes kept free below the 1 MB limit, on top of the exact fixed part of a request. */
    static final long SAFETY_MARGIN_BYTES = 1024;

    private final String namespace;
    private final Properties clientProperties;

    private CloudWatchSink(Builder b) {
        super(identity(), b.maxBatchSize, b.maxInFlightRequests, b.maxBufferedRequests,
                maxBatchBytes(b.namespace, b.maxBatchSizeInBytes), b.maxTimeInBufferMs,
                maxBatchBytes(b.namespace, b.maxBatchSizeInBytes), REQUEST_TIMEOUT_MS, false);
        this.namespace = b.namespace;
        this.clientProperties = new Properties();
        this.clientProperties.putAll(b.clientProperties);
    }

    /** A builder with the defaults above and PutMetricData's limits. */
    public static Builder builder() {
        return new Builder();
    }

    /** The namespace the points are published in. */
    public String namespace() {
        return namespace;
    }

    /** Bytes of datums one request may carry: the requested bound, within 1 MB less the fixed part and a margin. */
    static long maxBatchBytes(String namespace, long requested) {
        long limit = PutMetricDataLimits.MAX_REQUEST_BYTES - QueryEncoding.requestOverhead(namespace) - SAFETY_MARGIN_BYTES;
        return Math.min(limit, requested);
    }

    private static ElementConverter<MetricPoint, MetricPoint> identity() {
        return (point, context) -> point;
    }

    @Override
    @SuppressWarnings("deprecation")
    public StatefulSink.StatefulSinkWriter<MetricPoint, BufferedRequestState<MetricPoint>> createWriter(InitContext context) {
        return restoreWriter(context, Collections.emptyList());
    }

    @Override
    @SuppressWarnings("deprecation")
    public StatefulSink.StatefulSinkWriter<MetricPoint, BufferedRequestState<MetricPoint>> restoreWriter(
            InitContext context, Collection<BufferedRequestState<MetricPoint>> recoveredState) {
        return new CloudWatchSinkWriter(getElementConverter(), context, getMaxBatchSize(), getMaxInFlightRequests(),
                getMaxBufferedRequests(), getMaxBatchSizeInBytes(), getMaxTimeInBufferMS(), getMaxRecordSizeInBytes(),
                getRequestTimeoutMS(), namespace, clientProperties, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<MetricPoint>> getWriterStateSerializer() {
        return new MetricPointStateSerializer();
    }

    /** Builds a {@link CloudWatchSink}; every setter validates and returns {@code this}. */
    public static final class Builder {
        private String namespace;
        private final Properties clientProperties = new Properties();
        private int maxBatchSize = PutMetricDataLimits.MAX_DATUMS_PER_REQUEST;
        private long maxBatchSizeInBytes = PutMetricDataLimits.MAX_REQUEST_BYTES;
        private int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT;
        private int maxBufferedRequests = DEFAULT_MAX_BUFFERED;
        private long maxTimeInBufferMs = DEFAULT_MAX_TIME_IN_BUFFER_MS;

        private Builder() {}

        /** Required: the CloudWatch namespace, 1-255 characters, not starting with {@code AWS/}. */
        public Builder namespace(String namespace) {
            if (namespace == null || namespace.isBlank() || namespace.length() > PutMetricDataLimits.MAX_NAME_LENGTH
                    || namespace.startsWith("AWS/")) {
                throw new IllegalArgumentException("namespace must be 1-255 characters, not starting with AWS/: " + namespace);
            }
            this.namespace = namespace;
            return this;
        }

        /** The client's {@code aws.region} and {@code aws.endpoint} (other keys are ignored). */
        public Builder clientProperties(Properties properties) {
            Objects.requireNonNull(properties, "properties");
            clientProperties.clear();
            clientProperties.putAll(properties);
            return this;
        }

        /** Datums per request, 1-1000 (default 1000). */
        public Builder maxBatchSize(int n) {
            if (n < 1 || n > PutMetricDataLimits.MAX_DATUMS_PER_REQUEST) {
                throw new IllegalArgumentException("maxBatchSize must be 1-1000, not " + n);
            }
            this.maxBatchSize = n;
            return this;
        }

        /** Form-encoded datum bytes per request (default and upper bound: 1 MB less the request's fixed part). */
        public Builder maxBatchSizeInBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxBatchSizeInBytes must be >= 1024, not " + bytes);
            }
            this.maxBatchSizeInBytes = bytes;
            return this;
        }

        /** Concurrent requests (default {@value CloudWatchSink#DEFAULT_MAX_IN_FLIGHT}). */
        public Builder maxInFlightRequests(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxInFlightRequests must be >= 1, not " + n);
            }
            this.maxInFlightRequests = n;
            return this;
        }

        /** Points buffered before the sink back-pressures (default {@value CloudWatchSink#DEFAULT_MAX_BUFFERED}); more than the batch size. */
        public Builder maxBufferedRequests(int n) {
            this.maxBufferedRequests = n;
            return this;
        }

        /** Longest time a point waits for its batch to fill, ms (default {@value CloudWatchSink#DEFAULT_MAX_TIME_IN_BUFFER_MS}). */
        public Builder maxTimeInBufferMs(long ms) {
            if (ms < 1) {
                throw new IllegalArgumentException("maxTimeInBufferMs must be >= 1, not " + ms);
            }
            this.maxTimeInBufferMs = ms;
            return this;
        }

        /**
         * @throws IllegalStateException without a namespace
         * @throws IllegalArgumentException if the buffer is not larger than a batch
         */
        public CloudWatchSink build() {
            if (namespace == null) {
                throw new IllegalStateException("namespace is required");
            }
            if (maxBufferedRequests <= maxBatchSize) {
                throw new IllegalArgumentException("maxBufferedRequests (" + maxBufferedRequests
                        + ") must be larger than maxBatchSize (" + maxBatchSize + ")");
            }
            return new CloudWatchSink(this);
        }
    }
}
