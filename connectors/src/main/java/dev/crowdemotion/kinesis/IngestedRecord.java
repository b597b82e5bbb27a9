package dev.crowdemotion.kinesis;

import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.EdgeFace;

/**
 * What the frame source emits for one Kinesis record: a decoded {@link CameraFrame}, a decoded
 * {@link EdgeFace} (a face detected on the camera), or the {@link DeadLetter} that explains why
 * the record was rejected. Exactly one is non-null.
 *
 * <p>Decoding happens in the source so that watermarks are generated per shard from capture
 * times; rejected records carry no event time and never advance a watermark.
 */
public class IngestedRecord {
    private CameraFrame frame;
    private EdgeFace face;
    private DeadLetter rejected;

    /** For Flink's POJO serializer. */
    public IngestedRecord() {}

    /** A record that decoded into a frame. */
    public static IngestedRecord of(CameraFrame frame) {
        IngestedRecord r = new IngestedRecord();
        r.frame = frame;
        return r;
    }

    /** A record that decoded into a face detected on the camera. */
    public static IngestedRecord of(EdgeFace face) {
        IngestedRecord r = new IngestedRecord();
        r.face = face;
        return r;
    }

    /** A record that was rejected. */
    public static IngestedRecord rejected(DeadLetter deadLetter) {
        IngestedRecord r = new IngestedRecord();
        r.rejected = deadLetter;
        return r;
    }

    public boolean isFrame() { return frame != null; }
    public boolean isFace() { return face != null; }

    /** Capture time of the frame or face, epoch ms UTC; {@link Long#MIN_VALUE} for a rejected record. */
    public long eventTimeMs() {
        return frame != null ? frame.getCaptureTimeMs() : face != null ? face.getCaptureTimeMs() : Long.MIN_VALUE;
    }
    public CameraFrame getFrame() { return frame; }
    public void setFrame(CameraFrame frame) { this.frame = frame; }
    public EdgeFace getFace() { return face; }
    public void setFace(EdgeFace face) { this.face = face; }
    public DeadLetter getRejected() { return rejected; }
    public void setRejected(DeadLetter rejected) { this.rejected = rejected; }
}
