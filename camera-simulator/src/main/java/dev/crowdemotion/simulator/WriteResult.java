package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Outcome of writing frames: counts of the records Kinesis accepted, and the frames that finally
 * failed with their reasons (one failure per frame, however many records it had). Immutable.
 */
public final class WriteResult {
    /** A frame that could not be written. */
    public static final class Failure {
        private final CameraFrame frame;
        private final String errorCode;
        private final String message;

        public Failure(CameraFrame frame, String errorCode, String message) {
            this.frame = frame;
            this.errorCode = errorCode;
            this.message = message;
        }

        public CameraFrame frame() { return frame; }
        /** Kinesis' per-record ErrorCode (e.g. ProvisionedThroughputExceededException, InternalFailure), or the exception's error code / class. */
        public String errorCode() { return errorCode; }
        public String message() { return message; }

        @Override
        public String toString() {
            return frame.getCameraId() + "#" + frame.getSequenceNumber() + ": " + errorCode
                    + (message == null ? "" : " (" + message + ")");
        }
    }

    private final int recordsSent;
    private final int faceRecordsSent;
    private final int facesSent;
    private final long bytesSent;
    private final int calls;
    private final int retries;
    private final List<Failure> failures;
    private final String fatalError;

    /**
     * @param recordsSent records Kinesis accepted
     * @param bytesSent data + partition key bytes of the accepted records
     * @param calls PutRecords calls made
     * @param retries record re-submissions after a failed attempt
     * @param failures records that finally failed
     * @param fatalError a non-retryable error of the whole call (e.g. stream not found), else null
     */
    public WriteResult(int recordsSent, long bytesSent, int calls, int retries, List<Failure> failures, String fatalError) {
        this(recordsSent, 0, 0, bytesSent, calls, retries, failures, fatalError);
    }

    /**
     * @param recordsSent records Kinesis accepted, of any type
     * @param faceRecordsSent of those, records of type {@code "face"} (edge mode), no-face records included
     * @param facesSent of those, records that carry a face (facesInFrame &gt;= 1)
     * @param bytesSent data + partition key bytes of the accepted records
     * @param calls PutRecords calls made
     * @param retries record re-submissions after a failed attempt
     * @param failures frames that finally failed (a frame fails if any of its records does)
     * @param fatalError a non-retryable error of the whole call (e.g. stream not found), else null
     * @throws IllegalArgumentException if the face counts exceed the record counts
     */
    public WriteResult(int recordsSent, int faceRecordsSent, int facesSent, long bytesSent, int calls, int retries,
                       List<Failure> failures, String fatalError) {
        if (facesSent < 0 || facesSent > faceRecordsSent || faceRecordsSent > recordsSent) {
            throw new IllegalArgumentException("need 0 <= facesSent <= faceRecordsSent <= recordsSent, got "
                    + facesSent + ", " + faceRecordsSent + ", " + recordsSent);
        }
        this.recordsSent = recordsSent;
        this.faceRecordsSent = faceRecordsSent;
        this.facesSent = facesSent;
        this.bytesSent = bytesSent;
        this.calls = calls;
        this.retries = retries;
        this.failures = Collections.unmodifiableList(new ArrayList<>(failures));
        this.fatalError = fatalError;
    }

    /** Everything sent, nothing failed. */
    public static WriteResult allSent(int records, long bytes) {
        return new WriteResult(records, bytes, 0, 0, List.of(), null);
    }

    /** Records Kinesis accepted, of any type. */
    public int recordsSent() { return recordsSent; }
    /** Accepted records of type {@code "face"} (edge mode), no-face records included. */
    public int faceRecordsSent() { return faceRecordsSent; }
    /** Accepted records that carry a face. */
    public int facesSent() { return facesSent; }
    /** Data plus partition key bytes of the accepted records. */
    public long bytesSent() { return bytesSent; }
    public int calls() { return calls; }
    public int retries() { return retries; }
    public List<Failure> failures() { return failures; }
    /** A non-retryable error of the whole PutRecords call (the simulator stops on it), else null. */
    public String fatalError() { return fatalError; }

    @Override
    public String toString() {
        return "WriteResult{sent=" + recordsSent + (faceRecordsSent > 0 ? " (" + facesSent + " face(s))" : "") + ", bytes=" + bytesSent + ", calls=" + calls + ", retries=" + retries
                + ", failed=" + failures.size() + (fatalError == null ? "" : ", fatal=" + fatalError) + "}";
    }
}
