package dev.crowdemotion.kinesis;

import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;

/**
 * What the frame source emits for one Kinesis record: either a decoded {@link CameraFrame} or
 * the {@link DeadLetter} that explains why the record was rejected. Exactly one is non-null.
 *
 * <p>Decoding happens in the source so that watermarks are generated per shard from capture
 * times; rejected records carry no event time and never advance a watermark.
 */
public class IngestedRecord {
    private CameraFrame frame;
    private DeadLetter rejected;

    /** For Flink's POJO serializer. */
    public IngestedRecord() {}

    /** A record that decoded into a frame. */
    public static IngestedRecord of(CameraFrame frame) {
        IngestedRecord r = new IngestedRecord();
        r.frame = frame;
        return r;
    }

    /** A record that was rejected. */
    public static IngestedRecord rejected(DeadLetter deadLetter) {
        IngestedRecord r = new IngestedRecord();
        r.rejected = deadLetter;
        return r;
    }

    public boolean isFrame() { return frame != null; }
    public CameraFrame getFrame() { return frame; }
    public void setFrame(CameraFrame frame) { this.frame = frame; }
    public DeadLetter getRejected() { return rejected; }
    public void setRejected(DeadLetter rejected) { this.rejected = rejected; }
}
