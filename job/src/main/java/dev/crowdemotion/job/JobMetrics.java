package dev.crowdemotion.job;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

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
    public static final String FACES_DETECTED = "facesDetected";
    public static final String REKOGNITION_CALLS = "rekognitionCalls";
    public static final String REKOGNITION_ERRORS = "rekognitionErrors";
    public static final String REKOGNITION_TIMEOUTS = "rekognitionTimeouts";
    public static final String FACES_ENRICHED = "facesEnriched";
    public static final String FACES_UNENRICHED = "facesUnenriched";
    public static final String LATE_RECORDS = "lateRecords";

    private JobMetrics() {}

    /** The {@value #GROUP} group of an operator's runtime context. */
    public static MetricGroup group(RuntimeContext ctx) {
        return ctx.getMetricGroup().addGroup(GROUP);
    }
}
