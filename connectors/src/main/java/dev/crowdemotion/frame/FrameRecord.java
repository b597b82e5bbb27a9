package dev.crowdemotion.frame;

/**
 * A decoded record of the frame contract: exactly one of a full {@link CameraFrame} (record type
 * {@code "frame"}) or an {@link EdgeFace} (record type {@code "face"}) is non-null.
 */
public final class FrameRecord {
    private final CameraFrame frame;
    private final EdgeFace face;

    private FrameRecord(CameraFrame frame, EdgeFace face) {
        this.frame = frame;
        this.face = face;
    }

    /** A full frame. */
    public static FrameRecord of(CameraFrame frame) {
        return new FrameRecord(frame, null);
    }

    /** A face detected on the camera. */
    public static FrameRecord of(EdgeFace face) {
        return new FrameRecord(null, face);
    }

    /** The frame, or {@code null} for a face record. */
    public CameraFrame frame() { return frame; }

    /** The face, or {@code null} for a frame record. */
    public EdgeFace face() { return face; }
}
