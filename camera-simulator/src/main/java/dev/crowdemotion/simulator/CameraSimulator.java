package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Simulates cameras across stages: every camera captures one frame per tick at {@code fps}, on a
 * fixed schedule {@code start + i * 1000/fps} ms (late ticks do not shift later ones), stamps it
 * with the clock time of capture (epoch ms UTC) and its sequence number (per camera, from 0),
 * and hands it to a {@link FrameSink} on a separate sender thread, so a slow sink does not block
 * capture until the hand-over queue is full. Frames are generated in parallel.
 *
 * <p>Runs for {@link Builder#framesPerCamera} ticks, or for {@link Builder#duration} (ticks due
 * before start + duration), whichever ends first, or until {@link #stop()}. Camera ids are
 * {@code <stage>-cam-<k>}, k from 1 ({@link #cameraId}). A run stops early when the sink reports
 * a fatal error. One {@link #run()} per instance.
 */
public final class CameraSimulator {
    private static final Logger LOG = LoggerFactory.getLogger(CameraSimulator.class);
    /** Failures kept in the report (all are counted). */
    public static final int MAX_REPORTED_FAILURES = 1000;
    private static final List<CameraFrame> POISON = new ArrayList<>();

    private final Map<String, FrameGenerator> stages;
    private final int camerasPerStage;
    private final double fps;
    private final long framesPerCamera;
    private final Duration duration;
    private final FrameSink sink;
    private final SimClock clock;
    private final int generatorThreads;
    private final boolean keepSentFrames;
    private final Duration progressInterval;
    private final List<String[]> cameras = new ArrayList<>(); // {cameraId, stageId}

    private final AtomicInteger runs = new AtomicInteger();
    private volatile boolean stopRequested;
    private volatile Thread runner;

    private CameraSimulator(Builder b) {
        this.stages = new LinkedHashMap<>(b.stages);
        this.camerasPerStage = b.camerasPerStage;
        this.fps = b.fps;
        this.framesPerCamera = b.framesPerCamera;
        this.duration = b.duration;
        this.sink = b.sink;
        this.clock = b.clock;
        this.keepSentFrames = b.keepSentFrames;
        this.progressInterval = b.progressInterval;
        for (String stage : stages.keySet()) {
            for (int k = 1; k <= camerasPerStage; k++) {
                cameras.add(new String[] {cameraId(stage, k), stage});
            }
        }
        this.generatorThreads = b.generatorThreads > 0 ? b.generatorThreads
                : Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), cameras.size()));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Id of camera {@code index} (from 1) of a stage: {@code <stage>-cam-<index>}. */
    public static String cameraId(String stageId, int index) {
        return stageId + "-cam-" + index;
    }

    /** All camera ids, in stage order. */
    public List<String> cameraIds() {
        List<String> ids = new ArrayList<>();
        for (String[] c : cameras) ids.add(c[0]);
        return ids;
    }

    /** Asks a running {@link #run()} to stop after the current tick and flush what it generated. Thread-safe. */
    public void stop() {
        stopRequested = true;
        Thread t = runner;
        if (t != null) t.interrupt();
    }

    /**
     * Runs the simulation on the calling thread; returns when it is over and everything generated
     * was handed to the sink.
     *
     * @throws IllegalStateException if called twice
     */
    public SimulationReport run() {
        if (runs.getAndIncrement() > 0) {
            throw new IllegalStateException("a CameraSimulator runs once");
        }
        runner = Thread.currentThread();
        Sender sender = new Sender();
        Thread senderThread = new Thread(sender, "camera-simulator-sender");
        senderThread.setDaemon(true);
        ExecutorService pool = Executors.newFixedThreadPool(generatorThreads, r -> {
            Thread t = new Thread(r, "camera-simulator-generator");
            t.setDaemon(true);
            return t;
        });
        long start = clock.nowMs();
        long end = duration == null ? Long.MAX_VALUE : start + duration.toMillis();
        double periodMs = 1000.0 / fps;
        long tick = 0;
        long generated = 0;
        long maxLag = 0;
        long nextProgress = start + progressInterval.toMillis();
        long nextLagWarning = start;
        String error = null;
        LOG.info("Simulating {} camera(s) on {} stage(s) at {} fps{}{}", cameras.size(), stages.size(),
                fmt(fps), framesPerCamera > 0 ? ", " + framesPerCamera + " frame(s) per camera" : "",
                duration != null ? ", for " + duration.toMillis() / 1000.0 + " s" : "");
        senderThread.start();
        try {
            while (!stopRequested && sender.fatal == null) {
                if (framesPerCamera > 0 && tick >= framesPerCamera) break;
                long due = start + Math.round(tick * periodMs);
                if (due >= end) break;
                clock.sleepUntil(due);
                if (stopRequested) break;
                long capture = clock.nowMs();
                maxLag = Math.max(maxLag, capture - due);
                if (capture - due > Math.max(1000, 2 * periodMs) && capture >= nextLagWarning) {
                    LOG.warn("Behind schedule by {} ms: the sink or frame generation cannot keep up with {} camera(s) at {} fps "
                            + "(capture times stay true, frames come late)", capture - due, cameras.size(), fmt(fps));
                    nextLagWarning = capture + progressInterval.toMillis();
                }
                List<Future<CameraFrame>> futures = new ArrayList<>(cameras.size());
                final long seq = tick;
                for (String[] c : cameras) {
                    FrameGenerator g = stages.get(c[1]);
                    futures.add(pool.submit(() -> g.next(c[0], c[1], seq, capture)));
                }
                List<CameraFrame> frames = new ArrayList<>(futures.size());
                for (Future<CameraFrame> f : futures) {
                    frames.add(f.get());
                }
                sender.queue.put(frames);
                generated += frames.size();
                tick++;
                if (capture >= nextProgress) {
                    LOG.info("{} tick(s), {} frame(s) generated, {} sent ({} MB), {} failed, lag {} ms", tick,
                            generated, sender.sent, fmt(sender.bytes / 1e6), sender.failed, capture - due);
                    nextProgress = capture + progressInterval.toMillis();
                }
            }
        } catch (InterruptedException e) {
            LOG.info("Simulation interrupted; flushing");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            error = "frame generation failed: " + cause;
            LOG.error("Frame generation failed", cause);
        } finally {
            Thread.interrupted(); // clear a stop() interrupt before waiting for the sender
            pool.shutdownNow();
            runner = null;
        }
        try {
            sender.queue.put(POISON);
            senderThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while flushing; {} frame(s) may not have been sent", generated - sender.sent - sender.failed);
        }
        String fatal = sender.fatal != null ? sender.fatal : error;
        SimulationReport report = new SimulationReport(start, clock.nowMs(), tick, generated, sender.sent,
                sender.failed, sender.records, sender.faceRecords, sender.faces, sender.bytes, sender.calls, sender.retries, maxLag, sender.byCamera, sender.byStage,
                sender.failuresByCode, sender.failures, fatal, sender.kept);
        LOG.info("Simulation over: {}", report.summary().lines().findFirst().orElse(""));
        return report;
    }

    /** Takes generated frames off the queue and writes them; the only writer of its fields until joined. */
    private final class Sender implements Runnable {
        final BlockingQueue<List<CameraFrame>> queue = new ArrayBlockingQueue<>(Math.max(2, 2 * generatorThreads));
        final Map<String, Long> byCamera = new LinkedHashMap<>();
        final Map<String, Long> byStage = new LinkedHashMap<>();
        final Map<String, Long> failuresByCode = new TreeMap<>();
        final List<WriteResult.Failure> failures = new ArrayList<>();
        final List<CameraFrame> kept = new ArrayList<>();
        volatile long sent;
        volatile long failed;
        volatile long bytes;
        long records;
        long faceRecords;
        long faces;
        long calls;
        long retries;
        volatile String fatal;

        Sender() {
            for (String[] c : cameras) {
                byCamera.put(c[0], 0L);
                byStage.put(c[1], 0L);
            }
        }

        @Override
        public void run() {
            while (true) {
                List<CameraFrame> frames;
                try {
                    frames = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (frames == POISON) return;
                List<List<CameraFrame>> more = new ArrayList<>();
                queue.drainTo(more);
                boolean last = more.removeIf(l -> l == POISON);
                List<CameraFrame> batch = new ArrayList<>(frames);
                more.forEach(batch::addAll);
                if (fatal != null) {
                    for (CameraFrame f : batch) recordFailure(new WriteResult.Failure(f, "Aborted", fatal));
                } else {
                    write(batch);
                }
                if (last) return;
            }
        }

        private void write(List<CameraFrame> batch) {
            WriteResult r;
            try {
                r = sink.write(batch);
            } catch (RuntimeException e) {
                LOG.error("Frame sink failed", e);
                fatal = "sink failed: " + e;
                for (CameraFrame f : batch) recordFailure(new WriteResult.Failure(f, e.getClass().getSimpleName(), e.getMessage()));
                return;
            }
            calls += r.calls();
            retries += r.retries();
            bytes += r.bytesSent();
            records += r.recordsSent();
            faceRecords += r.faceRecordsSent();
            faces += r.facesSent();
            java.util.Set<CameraFrame> failedFrames = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (WriteResult.Failure f : r.failures()) {
                failedFrames.add(f.frame());
                recordFailure(f);
            }
            for (CameraFrame f : batch) {
                if (failedFrames.contains(f)) continue;
                byCamera.merge(f.getCameraId(), 1L, Long::sum);
                byStage.merge(f.getStageId(), 1L, Long::sum);
                sent++;
                if (keepSentFrames) kept.add(f);
            }
            if (r.fatalError() != null) {
                fatal = r.fatalError();
            }
        }

        private void recordFailure(WriteResult.Failure f) {
            failed++;
            failuresByCode.merge(String.valueOf(f.errorCode()), 1L, Long::sum);
            if (failures.size() < MAX_REPORTED_FAILURES) failures.add(f);
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "");
    }

    /** Configures a {@link CameraSimulator}. */
    public static final class Builder {
        private final Map<String, FrameGenerator> stages = new LinkedHashMap<>();
        private int camerasPerStage = 1;
        private double fps = 1;
        private long framesPerCamera;
        private Duration duration;
        private FrameSink sink;
        private SimClock clock = SimClock.system();
        private int generatorThreads;
        private boolean keepSentFrames;
        private Duration progressInterval = Duration.ofSeconds(10);

        /** Adds a stage and the generator of its cameras' frames (stages keep insertion order). */
        public Builder stage(String stageId, FrameGenerator generator) {
            if (!FrameCodec.isValidId(stageId)) {
                throw new IllegalArgumentException("stage id '" + stageId + "' does not match " + FrameCodec.ID_PATTERN.pattern());
            }
            if (stages.put(stageId, Objects.requireNonNull(generator, "generator")) != null) {
                throw new IllegalArgumentException("stage '" + stageId + "' given twice");
            }
            return this;
        }

        /** Adds stages in the map's iteration order. */
        public Builder stages(Map<String, ? extends FrameGenerator> byStage) {
            byStage.forEach(this::stage);
            return this;
        }

        /** Cameras per stage (>= 1). Default 1. */
        public Builder camerasPerStage(int n) { this.camerasPerStage = n; return this; }
        /** Frames per second per camera (> 0). Default 1. */
        public Builder fps(double fps) { this.fps = fps; return this; }
        /** Frames per camera; 0 (default) for no limit. */
        public Builder framesPerCamera(long n) { this.framesPerCamera = n; return this; }
        /** Run length; null (default) for no limit. */
        public Builder duration(Duration d) { this.duration = d; return this; }
        /** Where frames go (required). */
        public Builder sink(FrameSink sink) { this.sink = sink; return this; }
        /** Clock for pacing and capture times. Default {@link SimClock#system()}. */
        public Builder clock(SimClock clock) { this.clock = clock; return this; }
        /** Frame generation threads; 0 (default) for min(cores, cameras). */
        public Builder generatorThreads(int n) { this.generatorThreads = n; return this; }
        /** Keep every sent frame in the report ({@link SimulationReport#sentFrames()}); for tests. */
        public Builder keepSentFrames(boolean keep) { this.keepSentFrames = keep; return this; }
        /** How often to log progress. Default 10 s. */
        public Builder progressInterval(Duration d) { this.progressInterval = d; return this; }

        /** @throws IllegalArgumentException if the configuration is incomplete or out of range */
        public CameraSimulator build() {
            if (stages.isEmpty()) throw new IllegalArgumentException("no stages");
            if (sink == null) throw new IllegalArgumentException("no sink");
            if (camerasPerStage < 1) throw new IllegalArgumentException("camerasPerStage must be >= 1");
            if (!(fps > 0) || fps > 1000) throw new IllegalArgumentException("fps must be in (0, 1000]");
            if (framesPerCamera < 0) throw new IllegalArgumentException("framesPerCamera must be >= 0");
            if (duration != null && (duration.isNegative() || duration.isZero())) {
                throw new IllegalArgumentException("duration must be > 0");
            }
            if (generatorThreads < 0) throw new IllegalArgumentException("generatorThreads must be >= 0");
            for (String stage : stages.keySet()) {
                String id = cameraId(stage, camerasPerStage);
                if (!FrameCodec.isValidId(id)) {
                    throw new IllegalArgumentException("camera id '" + id + "' would be invalid (stage id too long?)");
                }
            }
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(progressInterval, "progressInterval");
            return new CameraSimulator(this);
        }
    }
}
