package dev.crowdemotion.job;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

/**
 * Where operators register their operational metrics: the Flink metric group
 * {@value #GROUP}, which Amazon Managed Service for Apache Flink forwards to CloudWatch
 * (Counters, Gauges and Meters; not Histograms). Metric names are the constants below.
 */
public final class JobMetrics {
    /** The metric group MSF publishes to CloudWatch. */
    public static final String GROUP = "kinesisanalytics";

    public static final String FRAMES_IN = "framesIn";
    public static final String FRAMES_DECODED = "framesDecoded";
    public static final String DEAD_LETTERS = "deadLetters";
    /**
     * Dead letters that reached the dead-letter output, from every step, in the key/value groups
     * {@code step} and {@code reason} (CloudWatch dimensions on MSF); see {@link DeadLetterCounts}.
     */
    public static final String DEAD_LETTERS_BY_REASON = "deadLettersByReason";
    public static final String FACES_DETECTED = "facesDetected";
    /** Frames reported by edge cameras (face 0 or no-face records). */
    public static final String EDGE_FRAMES = "edgeFrames";
    /** Edge crops below the minimum side that the job enlarged and re-encoded. */
    public static final String EDGE_CROPS_RESCALED = "edgeCropsRescaled";
    /** InvokeEndpoint requests sent (every attempt, retries included). */
    public static final String SAGEMAKER_CALLS = "sagemakerCalls";
    /** InvokeEndpoint attempts answered with a throttling error. */
    public static final String SAGEMAKER_THROTTLES = "sagemakerThrottles";
    /** InvokeEndpoint attempts that were retries. */
    public static final String SAGEMAKER_RETRIES = "sagemakerRetries";
    /** Frames whose detection failed for good (after retries, permanent errors, timeouts, bad responses). */
    public static final String SAGEMAKER_ERRORS = "sagemakerErrors";
    /** DetectFaces requests sent (every attempt, retries included). */
    public static final String REKOGNITION_CALLS = "rekognitionCalls";
    /** DetectFaces responses received: the images Rekognition bills. */
    public static final String REKOGNITION_IMAGES = "rekognitionImages";
    /** Attempts answered with ThrottlingException / ProvisionedThroughputExceededException. */
    public static final String REKOGNITION_THROTTLES = "rekognitionThrottles";
    /** Attempts that were retries. */
    public static final String REKOGNITION_RETRIES = "rekognitionRetries";
    /** Calls that failed for good (after retries, or permanent errors). */
    public static final String REKOGNITION_ERRORS = "rekognitionErrors";
    /** Batches given up by the async operator's timeout. */
    public static final String REKOGNITION_TIMEOUTS = "rekognitionTimeouts";
    /** Faces not sent to Rekognition because the budget was used up (overload sampling). */
    public static final String FACES_SAMPLED_OUT = "facesSampledOut";
    /** Mosaic tiles in which Rekognition found no face (the crop is then sent alone). */
    public static final String MOSAIC_TILES_EMPTY = "mosaicTilesEmpty";
    /** Mosaic tiles in which Rekognition found several faces (the one nearest the centre is used). */
    public static final String MOSAIC_TILES_CROWDED = "mosaicTilesCrowded";
    public static final String FACES_ENRICHED = "facesEnriched";
    public static final String FACES_UNENRICHED = "facesUnenriched";
    /** Records later than the window's allowed lateness (dead letters LATE_FRAME / LATE_FACE). */
    public static final String LATE_RECORDS = "lateRecords";
    /** Window results emitted again because late records arrived within the allowed lateness. */
    public static final String WINDOW_UPDATES = "windowUpdates";
    /** Window results emitted (first firings). */
    public static final String WINDOWS_EMITTED = "windowsEmitted";
    /** Valid schedule events read from the setlist input. */
    public static final String SETLIST_EVENTS = "setlistEvents";
    /** Window scores that left the setlist join with an artist/set/track. */
    public static final String WINDOWS_ANNOTATED = "windowsAnnotated";
    /** Per-set and per-track summaries emitted (re-emissions included). */
    public static final String PERFORMANCES_SUMMARIZED = "performancesSummarized";

    private JobMetrics() {}

    /**
     * A counter of {@code group} that may be incremented from any thread (SDK callbacks, pacer
     * and retry threads), not only the task thread.
     */
    public static Counter threadSafeCounter(MetricGroup group, String name) {
        return group.counter(name, new ThreadSafeSimpleCounter());
    }

    /** The {@value #GROUP} group of an operator's runtime context. */
    public static MetricGroup group(RuntimeContext ctx) {
        return ctx.getMetricGroup().addGroup(GROUP);
    }
}
