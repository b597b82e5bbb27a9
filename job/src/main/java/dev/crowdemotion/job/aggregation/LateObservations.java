package dev.crowdemotion.job.aggregation;

import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.enrichment.FaceObservation;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;

/**
 * Turns an observation that arrived after its window closed into a dead letter
 * ({@code LATE_FRAME} for a frame marker, {@code LATE_FACE} for a face), counting it in
 * {@code lateRecords} and {@code deadLetters}.
 */
public class LateObservations extends RichMapFunction<FaceObservation, DeadLetter> {
    private static final long serialVersionUID = 1L;

    private transient Counter late;
    private transient Counter deadLetters;

    @Override
    public void open(Configuration parameters) {
        late = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.LATE_RECORDS);
        deadLetters = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
    }

    @Override
    public DeadLetter map(FaceObservation o) {
        late.inc();
        deadLetters.inc();
        return new DeadLetter(DeadLetter.Step.AGGREGATION, o.isFrameMarker() ? "LATE_FRAME" : "LATE_FACE",
                "capture time behind the watermark of its window")
                .withFrame(o.getCameraId(), o.getStageId(), o.getCaptureTimeMs());
    }
}
