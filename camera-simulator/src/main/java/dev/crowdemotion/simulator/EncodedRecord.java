package dev.crowdemotion.simulator;

import java.util.Objects;

/**
 * One Kinesis record's data blob as a camera sends it (frame contract v1), and which of the
 * contract's record types it is. The partition key is not part of it: it is always the camera id
 * of the frame the record was made from. Immutable (the data array is not copied and must not be
 * changed).
 */
public final class EncodedRecord {
    /** What a record carries. */
    public enum Kind {
        /** A full frame, record type {@code "frame"}. */
        FRAME,
        /** One face detected on the camera, record type {@code "face"} with {@code facesInFrame >= 1}. */
        FACE,
        /** A frame in which the camera found no face, record type {@code "face"} with {@code facesInFrame == 0}. */
        NO_FACE
    }

    private final Kind kind;
    private final byte[] data;

    /**
     * @param kind what the record carries
     * @param data the record's data blob, as {@link dev.crowdemotion.frame.FrameCodec#encode} made it
     * @throws NullPointerException if an argument is null
     */
    public EncodedRecord(Kind kind, byte[] data) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.data = Objects.requireNonNull(data, "data");
    }

    /** What the record carries. */
    public Kind kind() { return kind; }

    /** The data blob (not copied). */
    public byte[] data() { return data; }

    @Override
    public String toString() {
        return "EncodedRecord{" + kind + ", " + data.length + " B}";
    }
}
