package dev.crowdemotion.job.ingest;

import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.config.DetectorMode;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.EdgeFace;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.kinesis.IngestedRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the decoded Kinesis records by {@code Detection.detector}: frame records go on to the
 * detector (embedded or SageMaker), face records from edge cameras to the side output
 * {@link #EDGE_FACES} (edge mode), rejected records to the dead-letter side output
 * {@link #DEAD_LETTERS}. A record of the other kind than the mode expects becomes a dead letter:
 * {@code FRAME_IN_EDGE_MODE} (the job has no detector), {@code FACE_RECORD_NOT_IN_EDGE_MODE}.
 * One job takes one kind: a second path into the same windows, without the detector's latency,
 * would advance the watermark past frames still being detected (measured: late frames with
 * SageMaker detection). Counts {@code framesIn} (all records) and {@code deadLetters}.
 */
public class FrameRouter extends ProcessFunction<IngestedRecord, CameraFrame> {
    private static final long serialVersionUID = 1L;

    /** Side output of every record rejected anywhere in the job. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<DeadLetter>("dead-letters") {};
    /** Side output of the faces detected on the cameras (record type {@code "face"}). */
    public static final OutputTag<EdgeFace> EDGE_FACES = new OutputTag<EdgeFace>("edge-faces") {};

    private final boolean edge;

    /** @param mode where faces are detected: frames are expected, or in {@link DetectorMode#EDGE} face records */
    public FrameRouter(DetectorMode mode) {
        this.edge = mode == DetectorMode.EDGE;
    }

    private transient Counter recordsIn;
    private transient Counter deadLetters;

    @Override
    public void open(Configuration parameters) {
        recordsIn = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FRAMES_IN);
        deadLetters = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(IngestedRecord record, Context ctx, Collector<CameraFrame> out) {
        recordsIn.inc();
        if (record.isFrame() && !edge) {
            out.collect(record.getFrame());
        } else if (record.isFace() && edge) {
            ctx.output(EDGE_FACES, record.getFace());
        } else if (record.isFrame()) {
            CameraFrame f = record.getFrame();
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, new DeadLetter(DeadLetter.Step.INGEST, "FRAME_IN_EDGE_MODE",
                    "Detection.detector=edge: the job has no detector for whole frames").withFrame(f));
        } else if (record.isFace()) {
            EdgeFace f = record.getFace();
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, new DeadLetter(DeadLetter.Step.INGEST, "FACE_RECORD_NOT_IN_EDGE_MODE",
                    "a face record from an edge camera, but Detection.detector is not edge")
                    .withFrame(f.getCameraId(), f.getStageId(), f.getCaptureTimeMs())
                    .withPayloadBytes(f.getImage() == null ? 0 : f.getImage().length));
        } else {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, record.getRejected());
        }
    }
}
