package dev.crowdemotion.config;

/**
 * Every property group and key the job reads, with defaults: the one place configuration is
 * defined. The same group ids and keys are used in MSF runtime properties and in the local
 * property-group JSON files ({@code config/local.json}); see {@code docs/configuration.md}.
 */
public final class ConfigKeys {
    private ConfigKeys() {}

    /** Keys shared by every group that talks to an AWS service. */
    public static final String AWS_REGION = "aws.region";
    /** Endpoint override (local stand-ins only; unset on AWS). */
    public static final String AWS_ENDPOINT = "aws.endpoint";

    /** Group: the Kinesis stream of camera frames. */
    public static final String GROUP_FRAME_SOURCE = "FrameSource";
    /** Frame stream ARN. Required. */
    public static final String STREAM_ARN = "stream.arn";
    /** Where a job without state starts reading: {@code LATEST} (default) or {@code TRIM_HORIZON}. */
    public static final String INITIAL_POSITION = "initial.position";
    public static final String DEFAULT_INITIAL_POSITION = "LATEST";
    /**
     * Frames and face records whose capture time is more than this many ms ahead of the job's
     * processing-time clock are rejected at the source ({@code FUTURE_CAPTURE_TIME}) and never
     * advance a watermark: a camera with a clock far ahead would otherwise close every window of
     * its shard early.
     */
    public static final String MAX_FUTURE_MS = "max.future.ms";
    public static final long DEFAULT_MAX_FUTURE_MS = 60_000;
    /**
     * Optional allowlist of stage ids, comma-separated; records of another stage are rejected at
     * the source ({@code UNKNOWN_STAGE}). Unset or empty: every stage id that satisfies the id
     * rule is accepted.
     */
    public static final String ALLOWED_STAGES = "allowed.stages";
    /**
     * How long the job remembers a (camera id, sequence number) pair to drop a second copy of the
     * frame ({@code DUPLICATE_FRAME}), ms of processing time (Flink state TTL); 0 turns
     * deduplication off.
     */
    public static final String DEDUPE_TTL_MS = "dedupe.ttl.ms";
    public static final long DEFAULT_DEDUPE_TTL_MS = 600_000;

    /** Group: face detection and cropping. */
    public static final String GROUP_DETECTION = "Detection";
    /**
     * Where faces are detected ({@link DetectorMode}): {@code embedded} (BlazeFace through
     * DJL/ONNX Runtime in the job), {@code sagemaker} (async calls to the endpoint of the
     * {@code SageMaker} group, per frame) or {@code edge} (the cameras detect faces and send face
     * records; the job loads no detector). A job takes frame records, or in edge mode face
     * records; the other kind becomes dead letters.
     */
    public static final String DETECTOR = "detector";
    public static final String DEFAULT_DETECTOR = "embedded";
    /** Minimum BlazeFace score, 0..1, for a detection to count as a face. */
    public static final String MIN_SCORE = "min.score";
    public static final double DEFAULT_MIN_SCORE = 0.6;
    /** Margin added around a face box on every side, as a fraction of the box size. */
    public static final String CROP_MARGIN = "crop.margin";
    public static final double DEFAULT_CROP_MARGIN = 0.25;
    /**
     * Crops whose shorter side is below this many pixels are upscaled to it: Rekognition rejects
     * images under 80 px in either dimension.
     */
    public static final String CROP_MIN_SIDE_PX = "crop.min.side.px";
    public static final int DEFAULT_CROP_MIN_SIDE_PX = 96;
    /** JPEG quality of the face crops sent to Rekognition, 0..1. */
    public static final String CROP_JPEG_QUALITY = "crop.jpeg.quality";
    public static final double DEFAULT_CROP_JPEG_QUALITY = 0.9;
    /**
     * Most faces taken from one frame: beyond it the highest-scoring faces are kept and one dead
     * letter {@code TOO_MANY_FACES} records how many were dropped.
     */
    public static final String MAX_FACES_PER_FRAME = "max.faces.per.frame";
    public static final int DEFAULT_MAX_FACES_PER_FRAME = 64;

    /**
     * Group: face detection on an Amazon SageMaker endpoint ({@code Detection.detector=sagemaker}),
     * called per frame through Flink async I/O with the same pacing and retries as Rekognition.
     * Also takes {@code aws.region} and {@code aws.endpoint}.
     */
    public static final String GROUP_SAGEMAKER = "SageMaker";
    /** Name of the SageMaker endpoint serving the model server ({@code model-server}). Required in sagemaker mode. */
    public static final String ENDPOINT_NAME = "endpoint.name";
    /** InvokeEndpoint calls per second for the whole job, split over the operator's parallel instances. */
    public static final String SAGEMAKER_MAX_TPS = "max.tps";
    public static final double DEFAULT_SAGEMAKER_MAX_TPS = 20;
    /** Expected InvokeEndpoint latency, ms; sizes the default async capacity. */
    public static final long DEFAULT_SAGEMAKER_EXPECTED_LATENCY_MS = 250;
    /**
     * Timeout of one InvokeEndpoint attempt, ms (key {@code call.timeout.ms}); the other keys of
     * the group are those of {@code Rekognition}: {@code expected.latency.ms},
     * {@code async.capacity} (default {@code ceil(tpsShare x (1 s + 2 x expectedLatency)) + 2};
     * when full, the operator back-pressures the source: frames are never sampled out),
     * {@code async.timeout.ms}, {@code retry.max.attempts}, {@code retry.initial.backoff.ms},
     * {@code retry.max.backoff.ms}.
     */
    public static final long DEFAULT_SAGEMAKER_CALL_TIMEOUT_MS = 5_000;

    /** Group: Amazon Rekognition DetectFaces enrichment. */
    public static final String GROUP_REKOGNITION = "Rekognition";
    /**
     * DetectFaces transactions per second for the whole job: the account's quota for the region
     * (Service Quotas, "Transactions per second per account for DetectFaces"), less what other
     * applications of the account use. Split evenly across the enrichment operator's parallel
     * instances: each paces its calls at {@code max.tps / parallelism}.
     */
    public static final String MAX_TPS = "max.tps";
    public static final double DEFAULT_MAX_TPS = 5;
    /** Expected DetectFaces latency, ms; with the TPS share it sizes the async capacity. */
    public static final String EXPECTED_LATENCY_MS = "expected.latency.ms";
    public static final long DEFAULT_EXPECTED_LATENCY_MS = 400;
    /**
     * Maximum batches in flight per parallel instance of the async operator. Default:
     * {@code ceil(tpsShare x (2 s admission burst + max.queue.seconds + 2 x expectedLatency)) + 2}
     * (Little's law over everything admission and pacing can hold); see {@code docs/rekognition.md}.
     */
    public static final String ASYNC_CAPACITY = "async.capacity";
    /** Seconds of calls a stage may save up at admission (absorbs frames bringing many faces at once). */
    public static final double ADMISSION_BURST_SECONDS = 2;
    /** Time after which a batch's enrichment is given up and its faces counted as unenriched, ms. */
    public static final String ASYNC_TIMEOUT_MS = "async.timeout.ms";
    public static final long DEFAULT_ASYNC_TIMEOUT_MS = 60_000;
    /** Timeout of one DetectFaces attempt, ms; a timed-out attempt is retried. */
    public static final String CALL_TIMEOUT_MS = "call.timeout.ms";
    public static final long DEFAULT_CALL_TIMEOUT_MS = 5_000;
    /** Attempts per DetectFaces call (first try included) for throttling, 5xx and timeouts. */
    public static final String RETRY_MAX_ATTEMPTS = "retry.max.attempts";
    public static final int DEFAULT_RETRY_MAX_ATTEMPTS = 6;
    /** First retry delay, ms; doubles per attempt up to {@code retry.max.backoff.ms}, with jitter. */
    public static final String RETRY_INITIAL_BACKOFF_MS = "retry.initial.backoff.ms";
    public static final long DEFAULT_RETRY_INITIAL_BACKOFF_MS = 200;
    public static final String RETRY_MAX_BACKOFF_MS = "retry.max.backoff.ms";
    public static final long DEFAULT_RETRY_MAX_BACKOFF_MS = 5_000;
    /**
     * Overload: a batch is not sent (its faces are counted as sampled out) when the calls already
     * waiting for a permit would take longer than this to send at the TPS share, seconds.
     */
    public static final String MAX_QUEUE_SECONDS = "max.queue.seconds";
    public static final double DEFAULT_MAX_QUEUE_SECONDS = 2;
    /**
     * Face crops packed into one DetectFaces image (mosaic); 1 = one call per crop. Default chosen
     * by measurement, see {@code docs/rekognition.md}.
     */
    public static final String MOSAIC_MAX_FACES = "mosaic.max.faces";
    public static final int DEFAULT_MOSAIC_MAX_FACES = 16;
    /** Side of a mosaic tile, pixels. */
    public static final String MOSAIC_TILE_PX = "mosaic.tile.px";
    public static final int DEFAULT_MOSAIC_TILE_PX = 160;

    /** Group: event time and windows. */
    public static final String GROUP_AGGREGATION = "Aggregation";
    /** Window length, ms. */
    public static final String WINDOW_SIZE_MS = "window.size.ms";
    public static final long DEFAULT_WINDOW_SIZE_MS = 10_000;
    /**
     * Window slide, ms: equal to {@code window.size.ms} (the default) for tumbling windows, smaller
     * for sliding windows (a divisor of the size). Per-set and per-track summaries use only the
     * windows that start on a multiple of the size, so no frame is counted twice.
     */
    public static final String WINDOW_SLIDE_MS = "window.slide.ms";
    /**
     * How long after a window fired (watermark past its end) late frames and faces still update
     * it, ms; each update rewrites the window's item. Records later than this are dead letters
     * ({@code LATE_FRAME}, {@code LATE_FACE}) counted in {@code lateRecords}. Default 0.
     */
    public static final String ALLOWED_LATENESS_MS = "allowed.lateness.ms";
    public static final long DEFAULT_ALLOWED_LATENESS_MS = 0;
    /** Bounded out-of-orderness of capture times within one shard, ms. */
    public static final String MAX_OUT_OF_ORDERNESS_MS = "max.out.of.orderness.ms";
    public static final long DEFAULT_MAX_OUT_OF_ORDERNESS_MS = 2_000;
    /** A shard with no frames for this long stops holding the watermark back, ms. */
    public static final String IDLENESS_MS = "idleness.ms";
    public static final long DEFAULT_IDLENESS_MS = 5_000;

    /** Group: the DynamoDB table of stage scores. */
    public static final String GROUP_SCORES_SINK = "ScoresSink";
    /** Table name. */
    public static final String TABLE_NAME = "table.name";
    public static final String DEFAULT_TABLE_NAME = "crowd-emotion-stage-scores";
    /** Table of per-set and per-track summaries for artists. */
    public static final String PERFORMANCE_TABLE_NAME = "performance.table.name";
    public static final String DEFAULT_PERFORMANCE_TABLE_NAME = "crowd-emotion-performance-scores";
    /**
     * Items expire this many days after their window (or performance) ended, through DynamoDB
     * TTL on {@code expires_at}; 0 (the default) = items never expire.
     */
    public static final String TTL_DAYS = "ttl.days";

    /**
     * Group: the setlist, the second input (schedule events, {@code dev.crowdemotion.setlist}).
     * Either a Kinesis stream ({@code stream.arn} with {@code aws.*} and {@code initial.position},
     * default {@code TRIM_HORIZON}) or, for local runs, a JSON Lines file ({@code file.path}).
     * Without either the job runs without setlists: windows carry no artist or track and no
     * per-set/per-track summaries are written.
     */
    public static final String GROUP_SETLIST = "Setlist";
    /** A JSON Lines file of schedule events (local runs). */
    public static final String FILE_PATH = "file.path";
    /**
     * How long the setlist join keeps window scores for summaries and for schedule events that
     * arrive after the windows they cover, ms. At least the longest set. Default 24 h.
     */
    public static final String RETENTION_MS = "retention.ms";
    public static final long DEFAULT_SETLIST_RETENTION_MS = 24L * 3600 * 1000;

    /**
     * Group: business metrics to Amazon CloudWatch ({@code PutMetricData}), per stage and
     * emotion. Present and not {@code enabled=false}: the job attaches the CloudWatch sink. Also
     * takes {@code aws.region} and {@code aws.endpoint}.
     */
    public static final String GROUP_CLOUDWATCH = "CloudWatch";
    public static final String ENABLED = "enabled";
    /** CloudWatch namespace of the business metrics. */
    public static final String NAMESPACE = "namespace";
    public static final String DEFAULT_NAMESPACE = "CrowdEmotion";
    /**
     * Most distinct {@code Stage} dimension values; stages beyond the first this many seen are
     * published as {@code Stage=other}, which bounds metric cardinality and cost.
     */
    public static final String MAX_STAGES = "max.stages";
    public static final int DEFAULT_MAX_STAGES = 20;

    /**
     * Group: the dead-letter output. Either a Kinesis stream ({@code stream.arn} with {@code aws.*};
     * Flink's KinesisStreamsSink) or, for local runs, a directory of JSON Lines files
     * ({@code file.path}; Flink's FileSink, files rolled on checkpoints). Without either, dead
     * letters are only logged. One JSON object per dead letter; see {@code docs/reliability.md}.
     */
    public static final String GROUP_DEAD_LETTERS = "DeadLetters";
    /**
     * Whether a dead letter carries the rejected Kinesis record's bytes (JSON field
     * {@code payload}, base64), up to {@link #DEAD_LETTER_MAX_PAYLOAD_BYTES}. Default false: frames
     * and face crops are biometric data, to be kept only in an encrypted, expiring store.
     */
    public static final String INCLUDE_PAYLOAD = "include.payload";
    /**
     * Largest payload a dead letter carries, bytes (256 KiB): base64 makes it 342 KiB, well within
     * the 1 MiB Kinesis record limit. Larger payloads are left out ({@code payloadBytes} still
     * gives their size).
     */
    public static final int DEAD_LETTER_MAX_PAYLOAD_BYTES = 256 * 1024;
}
