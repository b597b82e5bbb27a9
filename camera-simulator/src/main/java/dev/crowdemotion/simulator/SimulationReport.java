package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a {@link CameraSimulator} run did. Immutable. */
public final class SimulationReport {
    private final long startMs;
    private final long endMs;
    private final long ticks;
    private final long framesGenerated;
    private final long framesSent;
    private final long framesFailed;
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
                     long bytesSent, long putRecordsCalls, long retries, long maxLagMs,
                     Map<String, Long> sentByCamera, Map<String, Long> sentByStage, Map<String, Long> failuresByCode,
                     List<WriteResult.Failure> failures, String fatalError, List<CameraFrame> sentFrames) {
        this.startMs = startMs;
        this.endMs = endMs;
        this.ticks = ticks;
        this.framesGenerated = framesGenerated;
        this.framesSent = framesSent;
        this.framesFailed = framesFailed;
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
    /** Record bytes (data plus partition key) accepted. */
    public long bytesSent() { return bytesSent; }
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
