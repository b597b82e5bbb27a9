package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link CameraSimulator} run did, including what went into Kinesis: records, faces (edge
 * mode) and bytes as Kinesis counts them (data plus UTF-8 partition key of every accepted record).
 * Immutable.
 */
public final class SimulationReport {
    private final long startMs;
    private final long endMs;
    private final long ticks;
    private final long framesGenerated;
    private final long framesSent;
    private final long framesFailed;
    private final long recordsSent;
    private final long faceRecordsSent;
    private final long facesSent;
    private final long bytesSent;
    private final long putRecordsCalls;
    private final long retries;
    private final long maxLagMs;
    private final Map<String, Long> sentByCamera;
    private final Map<String, Long> sentByStage;
    private final Map<String, Long> failuresByCode;
    private final List<WriteResult.Failure> failures;
    private final String fatalError;
    private final List<CameraFrame> sentFrames;

    SimulationReport(long startMs, long endMs, long ticks, long framesGenerated, long framesSent, long framesFailed,
                     long recordsSent, long faceRecordsSent, long facesSent, long bytesSent, long putRecordsCalls, long retries, long maxLagMs,
                     Map<String, Long> sentByCamera, Map<String, Long> sentByStage, Map<String, Long> failuresByCode,
                     List<WriteResult.Failure> failures, String fatalError, List<CameraFrame> sentFrames) {
        this.startMs = startMs;
        this.endMs = endMs;
        this.ticks = ticks;
        this.framesGenerated = framesGenerated;
        this.framesSent = framesSent;
        this.framesFailed = framesFailed;
        this.recordsSent = recordsSent;
        this.faceRecordsSent = faceRecordsSent;
        this.facesSent = facesSent;
        this.bytesSent = bytesSent;
        this.putRecordsCalls = putRecordsCalls;
        this.retries = retries;
        this.maxLagMs = maxLagMs;
        this.sentByCamera = Collections.unmodifiableMap(sentByCamera);
        this.sentByStage = Collections.unmodifiableMap(sentByStage);
        this.failuresByCode = Collections.unmodifiableMap(failuresByCode);
        this.failures = Collections.unmodifiableList(failures);
        this.fatalError = fatalError;
        this.sentFrames = Collections.unmodifiableList(sentFrames);
    }

    /** Clock time of the first tick, epoch ms UTC. */
    public long startMs() { return startMs; }
    /** Clock time when the run ended, epoch ms UTC. */
    public long endMs() { return endMs; }
    /** Capture instants (each camera captured one frame per tick). */
    public long ticks() { return ticks; }
    public long framesGenerated() { return framesGenerated; }
    /** Frames Kinesis (the sink) accepted. */
    public long framesSent() { return framesSent; }
    /** Frames that finally failed (or were not sent because of a fatal error). */
    public long framesFailed() { return framesFailed; }
    /** Records Kinesis (the sink) accepted: one per frame, or in edge mode one per face or face-less frame. */
    public long recordsSent() { return recordsSent; }
    /** Accepted records of type {@code "face"}, no-face records included; 0 unless in edge mode. */
    public long faceRecordsSent() { return faceRecordsSent; }
    /** Accepted records that carry a face (edge mode); 0 for full frames. */
    public long facesSent() { return facesSent; }
    /** Whether the cameras sent face records (edge mode) rather than frames. */
    public boolean edge() { return faceRecordsSent > 0; }
    /**
     * Bytes into Kinesis: the sum over accepted records of data length plus UTF-8 partition key
     * length, the size Kinesis limits and bills.
     */
    public long bytesSent() { return bytesSent; }

    /**
     * {@link #bytesSent()} per frame sent, bytes; 0 if no frame was sent. Exact when no frame
     * failed (otherwise the accepted records of partly sent frames are in the numerator only).
     */
    public double bytesPerFrame() { return framesSent == 0 ? 0 : (double) bytesSent / framesSent; }

    /**
     * {@link #bytesSent()} per face sent (edge mode), bytes, the no-face records' bytes included;
     * 0 if no face was sent.
     */
    public double bytesPerFace() { return facesSent == 0 ? 0 : (double) bytesSent / facesSent; }
    public long putRecordsCalls() { return putRecordsCalls; }
    /** Record re-submissions after failed attempts. */
    public long retries() { return retries; }
    /** Most a capture was late on its schedule, ms (the generator or sink could not keep up). */
    public long maxLagMs() { return maxLagMs; }
    /** Frames sent per camera id, in stage and camera order (every camera present). */
    public Map<String, Long> sentByCamera() { return sentByCamera; }
    /** Frames sent per stage id, in stage order. */
    public Map<String, Long> sentByStage() { return sentByStage; }
    /** Final failures per error code. */
    public Map<String, Long> failuresByCode() { return failuresByCode; }
    /** The first final failures (at most {@value CameraSimulator#MAX_REPORTED_FAILURES}). */
    public List<WriteResult.Failure> failures() { return failures; }
    /** Why the run stopped early on a non-retryable error, else null. */
    public String fatalError() { return fatalError; }
    /** The frames that were sent, in sending order, if the simulator was asked to keep them; else empty. */
    public List<CameraFrame> sentFrames() { return sentFrames; }

    /** True if every generated frame was sent and no fatal error happened. */
    public boolean ok() {
        return fatalError == null && framesFailed == 0 && framesSent == framesGenerated;
    }

    /** A few human-readable lines. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        double secs = Math.max(1, endMs - startMs) / 1000.0;
        sb.append(String.format(Locale.ROOT, "sent %d of %d frame(s), %.1f MB, in %.1f s (%d PutRecords call(s), %d retried record(s), max lag %d ms)%n",
                framesSent, framesGenerated, bytesSent / 1e6, secs, putRecordsCalls, retries, maxLagMs));
        sb.append(String.format(Locale.ROOT, "into Kinesis: %d frame(s) generated, %d record(s)", framesGenerated,
                recordsSent));
        if (edge()) {
            sb.append(String.format(Locale.ROOT, " (edge: %d face(s), %d frame(s) without faces)", facesSent,
                    faceRecordsSent - facesSent));
        }
        sb.append(String.format(Locale.ROOT, ", %d bytes (data + partition keys), %.0f bytes/frame", bytesSent,
                bytesPerFrame()));
        if (edge()) {
            sb.append(String.format(Locale.ROOT, ", %.0f bytes/face", bytesPerFace()));
        }
        sb.append('\n');
        sentByStage.forEach((stage, n) -> sb.append("  stage ").append(stage).append(": ").append(n).append(" frame(s)\n"));
        sentByCamera.forEach((cam, n) -> sb.append("    ").append(cam).append(": ").append(n).append('\n'));
        if (framesFailed > 0) {
            sb.append("failed: ").append(framesFailed).append(" frame(s) ").append(failuresByCode).append('\n');
            failures.stream().limit(5).forEach(f -> sb.append("  ").append(f).append('\n'));
        }
        if (fatalError != null) {
            sb.append("stopped: ").append(fatalError).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
