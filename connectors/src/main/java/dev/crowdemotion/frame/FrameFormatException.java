package dev.crowdemotion.frame;

/**
 * A Kinesis record that does not follow the frame contract. {@link #reason()} is a stable,
 * machine-readable code for dead-letter records and metrics; the message is for humans.
 */
public class FrameFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Stable reason codes for rejected records. */
    public enum Reason {
        /** Record shorter than the fixed preamble, or lengths that run past its end. */
        TRUNCATED,
        /** The first four bytes are not the magic {@code CEF1}... */
        BAD_MAGIC,
        /** Envelope version this reader does not know. */
        UNSUPPORTED_VERSION,
        /** Header is not valid JSON or misses a required field. */
        BAD_HEADER,
        /** Camera or stage id missing or not matching the id rules. */
        BAD_ID,
        /** Media type not JPEG/PNG, or the bytes do not match the declared type. */
        BAD_MEDIA_TYPE,
        /** No image bytes. */
        EMPTY_IMAGE,
        /** Record larger than the Kinesis record limit. */
        TOO_LARGE,
        /** Record type this reader does not process. */
        UNSUPPORTED_RECORD_TYPE,
        /**
         * A face record whose frame size, face count, face index or box is inconsistent (e.g. the
         * box does not overlap the frame, or the index is not below the face count).
         */
        BAD_FACE
    }

    private final Reason reason;

    public FrameFormatException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** The machine-readable reason code. */
    public Reason reason() {
        return reason;
    }
}
