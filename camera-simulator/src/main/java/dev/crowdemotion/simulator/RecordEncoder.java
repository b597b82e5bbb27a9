package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.FrameFormatException;
import dev.crowdemotion.vision.ImageDecodeException;

import java.util.List;

/**
 * What a camera puts into Kinesis for one captured frame: the data blobs of its records, in the
 * order they are to be sent. {@link #fullFrame()} sends the frame itself (the default);
 * {@link EdgeCamera} detects faces on the camera and sends one record per face instead.
 * Implementations are thread-safe: {@link KinesisFrameWriter} encodes the frames of a batch in
 * parallel.
 */
@FunctionalInterface
public interface RecordEncoder {
    /**
     * The records of one frame, at least one.
     *
     * @throws FrameFormatException if a record would break the frame contract (e.g. a bad id or a
     *     frame over the Kinesis record limit)
     * @throws ImageDecodeException if the encoder has to look at the image and cannot decode it
     */
    List<EncodedRecord> encode(CameraFrame frame) throws FrameFormatException, ImageDecodeException;

    /** One {@code "frame"} record per frame, {@link FrameCodec#encode(CameraFrame)}. */
    static RecordEncoder fullFrame() {
        return frame -> List.of(new EncodedRecord(EncodedRecord.Kind.FRAME, FrameCodec.encode(frame)));
    }
}
