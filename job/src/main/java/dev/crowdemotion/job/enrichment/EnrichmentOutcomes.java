package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.ingest.FrameRouter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts every face's outcome exactly once ({@code facesEnriched}, {@code facesUnenriched}: here,
 * on the task thread, and not in the async operator, where a batch that timed out may still
 * complete later), passes every observation on to the windows (a rejected face still counts as detected and not
 * enriched) and sends faces Rekognition rejected for good to the dead-letter side output
 * {@link FrameRouter#DEAD_LETTERS}, with the service's error code as the reason.
 */
public class EnrichmentOutcomes extends ProcessFunction<FaceObservation, FaceObservation> {
    private static final long serialVersionUID = 1L;

    private transient Counter deadLetters;
    private transient Counter enriched;
    private transient Counter unenriched;

    @Override
    public void open(Configuration parameters) {
        deadLetters = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
        enriched = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FACES_ENRICHED);
        unenriched = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FACES_UNENRICHED);
    }

    @Override
    public void processElement(FaceObservation o, Context ctx, Collector<FaceObservation> out) {
        if (!o.isFrameMarker()) {
            (o.isEnriched() ? enriched : unenriched).inc();
        }
        if (o.isPermanentFailure()) {
            deadLetters.inc();
            ctx.output(FrameRouter.DEAD_LETTERS, new DeadLetter(DeadLetter.Step.ENRICHMENT, o.getFailureReason(),
                    "DetectFaces rejected face " + o.getFaceIndex() + " of frame " + o.getFrameSequence())
                    .withFrame(o.getCameraId(), o.getStageId(), o.getCaptureTimeMs())
                    .withPayloadBytes(o.getCropBytes()));
        }
        out.collect(o);
    }
}
