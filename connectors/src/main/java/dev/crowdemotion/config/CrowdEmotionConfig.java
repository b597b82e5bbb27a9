package dev.crowdemotion.config;

import dev.crowdemotion.frame.FrameCodec;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static dev.crowdemotion.config.ConfigKeys.*;

/**
 * Typed, serialisable view of the job's property groups ({@link ConfigKeys}). Unknown keys are
 * kept and passed on (e.g. extra {@code aws.*} settings for the AWS connectors).
 */
public final class CrowdEmotionConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, Properties> groups;

    /**
     * @param groups property groups by id, as loaded by {@link ApplicationProperties}
     * @throws IllegalArgumentException if a required key is missing or a value does not parse
     */
    public CrowdEmotionConfig(Map<String, Properties> groups) {
        this.groups = new HashMap<>();
        groups.forEach((k, v) -> {
            Properties copy = new Properties();
            copy.putAll(v);
            this.groups.put(k, copy);
        });
        validate();
    }

    private void validate() {
        require(GROUP_FRAME_SOURCE, STREAM_ARN);
        String pos = initialPosition();
        if (!pos.equals("LATEST") && !pos.equals("TRIM_HORIZON")) {
            throw new IllegalArgumentException(GROUP_FRAME_SOURCE + "." + INITIAL_POSITION
                    + " must be LATEST or TRIM_HORIZON, not " + pos);
        }
        if (maxFutureMs() < 0 || dedupeTtlMs() < 0) {
            throw new IllegalArgumentException(GROUP_FRAME_SOURCE + "." + MAX_FUTURE_MS + " and "
                    + DEDUPE_TTL_MS + " must be >= 0");
        }
        for (String stage : allowedStages()) {
            if (!FrameCodec.isValidId(stage)) {
                throw new IllegalArgumentException(GROUP_FRAME_SOURCE + "." + ALLOWED_STAGES + ": '" + stage
                        + "' does not satisfy the id rule " + FrameCodec.ID_PATTERN.pattern());
            }
        }
        if (maxFacesPerFrame() < 1) {
            throw new IllegalArgumentException(GROUP_DETECTION + "." + MAX_FACES_PER_FRAME + " must be >= 1");
        }
        if (detectorMode() == DetectorMode.SAGEMAKER) {
            require(GROUP_SAGEMAKER, ENDPOINT_NAME);
            if (sageMakerMaxTps() <= 0 || sageMakerCallTimeoutMs() <= 0 || sageMakerAsyncTimeoutMs() <= 0
                    || sageMakerRetryMaxAttempts() < 1) {
                throw new IllegalArgumentException(GROUP_SAGEMAKER
                        + ": max.tps, async.timeout.ms and call.timeout.ms must be > 0, retry.max.attempts >= 1");
            }
        }
        if (windowSizeMs() <= 0) {
            throw new IllegalArgumentException(GROUP_AGGREGATION + "." + WINDOW_SIZE_MS + " must be > 0");
        }
        if (windowSlideMs() <= 0 || windowSlideMs() > windowSizeMs() || windowSizeMs() % windowSlideMs() != 0) {
            throw new IllegalArgumentException(GROUP_AGGREGATION + "." + WINDOW_SLIDE_MS
                    + " must be > 0 and divide " + WINDOW_SIZE_MS + ", is " + windowSlideMs());
        }
        if (allowedLatenessMs() < 0 || ttlDays() < 0) {
            throw new IllegalArgumentException(GROUP_AGGREGATION + "." + ALLOWED_LATENESS_MS + " and "
                    + GROUP_SCORES_SINK + "." + TTL_DAYS + " must be >= 0");
        }
        if (setlistStreamArn() != null && setlistFilePath() != null) {
            throw new IllegalArgumentException(GROUP_SETLIST + ": set stream.arn or file.path, not both");
        }
        if (deadLetterStreamArn() != null && deadLetterFilePath() != null) {
            throw new IllegalArgumentException(GROUP_DEAD_LETTERS + ": set stream.arn or file.path, not both");
        }
        if (cloudWatchEnabled() && (cloudWatchMaxStages() < 1 || cloudWatchNamespace().startsWith("AWS/"))) {
            throw new IllegalArgumentException(GROUP_CLOUDWATCH + ": max.stages must be >= 1 and the namespace must not start with AWS/");
        }
        if (maxTps() <= 0 || asyncTimeoutMs() <= 0 || callTimeoutMs() <= 0 || retryMaxAttempts() < 1) {
            throw new IllegalArgumentException(GROUP_REKOGNITION
                    + ": max.tps, async.timeout.ms and call.timeout.ms must be > 0, retry.max.attempts >= 1");
        }
        if (mosaicMaxFaces() < 1 || mosaicMaxFaces() > 100) {
            throw new IllegalArgumentException(GROUP_REKOGNITION + "." + MOSAIC_MAX_FACES
                    + " must be 1..100 (DetectFaces returns at most 100 faces)");
        }
    }

    /** A copy of one group's properties (empty if the group is absent). */
    public Properties group(String groupId) {
        Properties copy = new Properties();
        Properties p = groups.get(groupId);
        if (p != null) {
            copy.putAll(p);
        }
        return copy;
    }

    /**
     * The {@code aws.*} keys of one group ({@code aws.region}, {@code aws.endpoint},
     * {@code aws.credentials.provider}, ...), as the AWS connectors and clients take them.
     */
    public Properties awsProperties(String groupId) {
        Properties aws = new Properties();
        Properties p = groups.get(groupId);
        if (p != null) {
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("aws.")) {
                    aws.setProperty(key, p.getProperty(key));
                }
            }
        }
        return aws;
    }

    public String streamArn() { return get(GROUP_FRAME_SOURCE, STREAM_ARN, null); }
    public String initialPosition() { return get(GROUP_FRAME_SOURCE, INITIAL_POSITION, DEFAULT_INITIAL_POSITION); }
    /** {@code FrameSource.max.future.ms}: how far ahead of processing time a capture time may be, ms. */
    public long maxFutureMs() { return getLong(GROUP_FRAME_SOURCE, MAX_FUTURE_MS, DEFAULT_MAX_FUTURE_MS); }
    /** {@code FrameSource.allowed.stages}: the accepted stage ids; empty for every valid id. */
    public Set<String> allowedStages() {
        String v = get(GROUP_FRAME_SOURCE, ALLOWED_STAGES, "");
        Set<String> out = new TreeSet<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }
    /** {@code FrameSource.dedupe.ttl.ms}: how long a frame's identity is remembered, ms; 0 for no deduplication. */
    public long dedupeTtlMs() { return getLong(GROUP_FRAME_SOURCE, DEDUPE_TTL_MS, DEFAULT_DEDUPE_TTL_MS); }

    /**
     * Where faces are detected.
     *
     * @throws IllegalArgumentException if {@code Detection.detector} is not a {@link DetectorMode}
     */
    public DetectorMode detectorMode() { return DetectorMode.parse(get(GROUP_DETECTION, DETECTOR, DEFAULT_DETECTOR)); }
    public double minScore() { return getDouble(GROUP_DETECTION, MIN_SCORE, DEFAULT_MIN_SCORE); }
    public double cropMargin() { return getDouble(GROUP_DETECTION, CROP_MARGIN, DEFAULT_CROP_MARGIN); }
    public int cropMinSidePx() { return (int) getLong(GROUP_DETECTION, CROP_MIN_SIDE_PX, DEFAULT_CROP_MIN_SIDE_PX); }
    public double cropJpegQuality() { return getDouble(GROUP_DETECTION, CROP_JPEG_QUALITY, DEFAULT_CROP_JPEG_QUALITY); }
    /** {@code Detection.max.faces.per.frame}: most faces taken from one frame. */
    public int maxFacesPerFrame() { return (int) getLong(GROUP_DETECTION, MAX_FACES_PER_FRAME, DEFAULT_MAX_FACES_PER_FRAME); }

    /** SageMaker endpoint name ({@code SageMaker.endpoint.name}). */
    public String sageMakerEndpointName() { return get(GROUP_SAGEMAKER, ENDPOINT_NAME, null); }
    /** The whole job's InvokeEndpoint budget, calls per second. */
    public double sageMakerMaxTps() { return getDouble(GROUP_SAGEMAKER, SAGEMAKER_MAX_TPS, DEFAULT_SAGEMAKER_MAX_TPS); }
    public long sageMakerExpectedLatencyMs() {
        return getLong(GROUP_SAGEMAKER, EXPECTED_LATENCY_MS, DEFAULT_SAGEMAKER_EXPECTED_LATENCY_MS);
    }
    /**
     * Frames in flight per parallel instance of the SageMaker detection operator: the configured
     * {@code async.capacity}, else {@code ceil(tpsShare x (1 s + 2 x expectedLatency)) + 2}
     * (Little's law over the pacer's one second of burst and the calls in flight).
     */
    public int sageMakerAsyncCapacity(int parallelism) {
        long configured = getLong(GROUP_SAGEMAKER, ASYNC_CAPACITY, 0);
        if (configured > 0) {
            return (int) configured;
        }
        double share = sageMakerMaxTps() / Math.max(1, parallelism);
        return (int) Math.ceil(share * (1 + 2 * sageMakerExpectedLatencyMs() / 1000.0)) + 2;
    }
    public long sageMakerAsyncTimeoutMs() { return getLong(GROUP_SAGEMAKER, ASYNC_TIMEOUT_MS, DEFAULT_ASYNC_TIMEOUT_MS); }
    public long sageMakerCallTimeoutMs() { return getLong(GROUP_SAGEMAKER, CALL_TIMEOUT_MS, DEFAULT_SAGEMAKER_CALL_TIMEOUT_MS); }
    public int sageMakerRetryMaxAttempts() { return (int) getLong(GROUP_SAGEMAKER, RETRY_MAX_ATTEMPTS, DEFAULT_RETRY_MAX_ATTEMPTS); }
    public long sageMakerRetryInitialBackoffMs() {
        return getLong(GROUP_SAGEMAKER, RETRY_INITIAL_BACKOFF_MS, DEFAULT_RETRY_INITIAL_BACKOFF_MS);
    }
    public long sageMakerRetryMaxBackoffMs() { return getLong(GROUP_SAGEMAKER, RETRY_MAX_BACKOFF_MS, DEFAULT_RETRY_MAX_BACKOFF_MS); }

    /** The whole job's DetectFaces budget, calls per second. */
    public double maxTps() { return getDouble(GROUP_REKOGNITION, MAX_TPS, DEFAULT_MAX_TPS); }
    public long expectedLatencyMs() { return getLong(GROUP_REKOGNITION, EXPECTED_LATENCY_MS, DEFAULT_EXPECTED_LATENCY_MS); }

    /**
     * Async capacity per parallel instance: the configured {@code async.capacity}, else what the
     * admission burst, the pacer's queue and the calls in flight can hold at the TPS share:
     * {@code ceil(tpsShare x (2 s burst + max.queue.seconds + 2 x expectedLatency)) + 2}
     * (Little's law; see {@code docs/rekognition.md}).
     */
    public int asyncCapacity(int parallelism) {
        long configured = getLong(GROUP_REKOGNITION, ASYNC_CAPACITY, 0);
        if (configured > 0) {
            return (int) configured;
        }
        double share = maxTps() / Math.max(1, parallelism);
        double seconds = ADMISSION_BURST_SECONDS + maxQueueSeconds() + 2 * expectedLatencyMs() / 1000.0;
        return (int) Math.ceil(share * seconds) + 2;
    }

    public long asyncTimeoutMs() { return getLong(GROUP_REKOGNITION, ASYNC_TIMEOUT_MS, DEFAULT_ASYNC_TIMEOUT_MS); }
    public long callTimeoutMs() { return getLong(GROUP_REKOGNITION, CALL_TIMEOUT_MS, DEFAULT_CALL_TIMEOUT_MS); }
    public int retryMaxAttempts() { return (int) getLong(GROUP_REKOGNITION, RETRY_MAX_ATTEMPTS, DEFAULT_RETRY_MAX_ATTEMPTS); }
    public long retryInitialBackoffMs() { return getLong(GROUP_REKOGNITION, RETRY_INITIAL_BACKOFF_MS, DEFAULT_RETRY_INITIAL_BACKOFF_MS); }
    public long retryMaxBackoffMs() { return getLong(GROUP_REKOGNITION, RETRY_MAX_BACKOFF_MS, DEFAULT_RETRY_MAX_BACKOFF_MS); }
    public double maxQueueSeconds() { return getDouble(GROUP_REKOGNITION, MAX_QUEUE_SECONDS, DEFAULT_MAX_QUEUE_SECONDS); }
    public int mosaicMaxFaces() { return (int) getLong(GROUP_REKOGNITION, MOSAIC_MAX_FACES, DEFAULT_MOSAIC_MAX_FACES); }
    public int mosaicTilePx() { return (int) getLong(GROUP_REKOGNITION, MOSAIC_TILE_PX, DEFAULT_MOSAIC_TILE_PX); }

    public long windowSizeMs() { return getLong(GROUP_AGGREGATION, WINDOW_SIZE_MS, DEFAULT_WINDOW_SIZE_MS); }
    /** Window slide, ms; equals {@link #windowSizeMs()} (tumbling) unless configured. */
    public long windowSlideMs() { return getLong(GROUP_AGGREGATION, WINDOW_SLIDE_MS, windowSizeMs()); }
    public boolean slidingWindows() { return windowSlideMs() != windowSizeMs(); }
    public long allowedLatenessMs() { return getLong(GROUP_AGGREGATION, ALLOWED_LATENESS_MS, DEFAULT_ALLOWED_LATENESS_MS); }
    public long maxOutOfOrdernessMs() { return getLong(GROUP_AGGREGATION, MAX_OUT_OF_ORDERNESS_MS, DEFAULT_MAX_OUT_OF_ORDERNESS_MS); }
    public long idlenessMs() { return getLong(GROUP_AGGREGATION, IDLENESS_MS, DEFAULT_IDLENESS_MS); }

    public String tableName() { return get(GROUP_SCORES_SINK, TABLE_NAME, DEFAULT_TABLE_NAME); }
    public String performanceTableName() { return get(GROUP_SCORES_SINK, PERFORMANCE_TABLE_NAME, DEFAULT_PERFORMANCE_TABLE_NAME); }
    /** Days until items expire (DynamoDB TTL); 0 = never. */
    public long ttlDays() { return getLong(GROUP_SCORES_SINK, TTL_DAYS, 0); }

    /** Setlist Kinesis stream ARN, or {@code null}. */
    public String setlistStreamArn() { return get(GROUP_SETLIST, STREAM_ARN, null); }
    /** Setlist JSON Lines file, or {@code null}. */
    public String setlistFilePath() { return get(GROUP_SETLIST, FILE_PATH, null); }
    /** Whether the job has a setlist input. */
    public boolean hasSetlist() { return setlistStreamArn() != null || setlistFilePath() != null; }
    public String setlistInitialPosition() { return get(GROUP_SETLIST, INITIAL_POSITION, "TRIM_HORIZON"); }
    public long setlistRetentionMs() { return getLong(GROUP_SETLIST, RETENTION_MS, DEFAULT_SETLIST_RETENTION_MS); }

    /** Dead-letter Kinesis stream ARN ({@code DeadLetters.stream.arn}), or {@code null}. */
    public String deadLetterStreamArn() { return get(GROUP_DEAD_LETTERS, STREAM_ARN, null); }
    /** Directory of dead-letter JSON Lines files ({@code DeadLetters.file.path}), or {@code null}. */
    public String deadLetterFilePath() { return get(GROUP_DEAD_LETTERS, FILE_PATH, null); }
    /** Whether dead letters carry the rejected record's bytes ({@code DeadLetters.include.payload}, default false). */
    public boolean deadLetterIncludePayload() { return Boolean.parseBoolean(get(GROUP_DEAD_LETTERS, INCLUDE_PAYLOAD, "false")); }

    /** Whether the CloudWatch business-metrics sink is attached: group present, {@code enabled} not false. */
    public boolean cloudWatchEnabled() {
        return groups.containsKey(GROUP_CLOUDWATCH) && Boolean.parseBoolean(get(GROUP_CLOUDWATCH, ENABLED, "true"));
    }
    public String cloudWatchNamespace() { return get(GROUP_CLOUDWATCH, NAMESPACE, DEFAULT_NAMESPACE); }
    public int cloudWatchMaxStages() { return (int) getLong(GROUP_CLOUDWATCH, MAX_STAGES, DEFAULT_MAX_STAGES); }

    private void require(String group, String key) {
        if (get(group, key, null) == null) {
            throw new IllegalArgumentException("missing required property " + group + "." + key);
        }
    }

    private String get(String group, String key, String dflt) {
        Properties p = groups.get(group);
        String v = p == null ? null : p.getProperty(key);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    private long getLong(String group, String key, long dflt) {
        String v = get(group, key, null);
        try {
            return v == null ? dflt : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(group + "." + key + " is not an integer: " + v);
        }
    }

    private double getDouble(String group, String key, double dflt) {
        String v = get(group, key, null);
        try {
            return v == null ? dflt : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(group + "." + key + " is not a number: " + v);
        }
    }
}
