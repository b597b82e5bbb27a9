package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CameraSimulatorTest {
    /** Collects what it is given. */
    static final class MemorySink implements FrameSink {
        final List<CameraFrame> frames = Collections.synchronizedList(new ArrayList<>());

        @Override
        public WriteResult write(List<CameraFrame> batch) {
            frames.addAll(batch);
            long bytes = batch.stream().mapToLong(f -> f.getImage().length).sum();
            return WriteResult.allSent(batch.size(), bytes);
        }
    }

    @Test
    void everyCameraSendsItsFramesOnSchedule() {
        MemorySink sink = new MemorySink();
        FrameGenerator a = TestFrames.fakeGenerator(50);
        FrameGenerator b = TestFrames.fakeGenerator(70);
        long start = 1_700_000_000_000L;
        CameraSimulator sim = CameraSimulator.builder().stage("main", a).stage("tent", b).camerasPerStage(3)
                .fps(4).framesPerCamera(10).sink(sink).clock(SimClock.simulated(start)).keepSentFrames(true).build();
        assertThat(sim.cameraIds()).containsExactly("main-cam-1", "main-cam-2", "main-cam-3",
                "tent-cam-1", "tent-cam-2", "tent-cam-3");
        SimulationReport r = sim.run();

        assertThat(r.ok()).as(r.summary()).isTrue();
        assertThat(r.framesSent()).isEqualTo(60);
        assertThat(r.ticks()).isEqualTo(10);
        assertThat(r.sentByStage()).containsExactly(Map.entry("main", 30L), Map.entry("tent", 30L));
        assertThat(r.sentByCamera()).hasSize(6).allSatisfy((cam, n) -> assertThat(n).isEqualTo(10L));
        assertThat(r.bytesSent()).isEqualTo(30 * 50 + 30 * 70);
        assertThat(r.startMs()).isEqualTo(start);
        assertThat(r.maxLagMs()).isZero();

        Map<String, List<CameraFrame>> byCamera = sink.frames.stream()
                .collect(Collectors.groupingBy(CameraFrame::getCameraId, LinkedHashMap::new, Collectors.toList()));
        for (List<CameraFrame> frames : byCamera.values()) {
            for (int i = 0; i < frames.size(); i++) {
                CameraFrame f = frames.get(i);
                assertThat(f.getSequenceNumber()).isEqualTo(i);
                assertThat(f.getCaptureTimeMs()).isEqualTo(start + i * 250L);
                // reproducible: the generator makes the same frame again
                FrameGenerator g = f.getStageId().equals("main") ? a : b;
                assertThat(g.next(f.getCameraId(), f.getStageId(), f.getSequenceNumber(), f.getCaptureTimeMs())).isEqualTo(f);
            }
        }
        assertThat(r.sentFrames()).containsExactlyElementsOf(sink.frames);
    }

    @Test
    void durationBoundsTheRunOnANonDriftingSchedule() {
        MemorySink sink = new MemorySink();
        long start = 5_000;
        SimulationReport r = CameraSimulator.builder().stage("s", TestFrames.fakeGenerator(10)).fps(3)
                .duration(Duration.ofSeconds(10)).sink(sink).clock(SimClock.simulated(start)).build().run();
        assertThat(r.framesSent()).isEqualTo(30);
        // 1000/3 ms periods rounded from the start, not accumulated
        assertThat(sink.frames.get(1).getCaptureTimeMs()).isEqualTo(start + 333);
        assertThat(sink.frames.get(2).getCaptureTimeMs()).isEqualTo(start + 667);
        assertThat(sink.frames.get(29).getCaptureTimeMs()).isEqualTo(start + 9667);
        // frames limit wins when it is shorter
        SimulationReport r2 = CameraSimulator.builder().stage("s", TestFrames.fakeGenerator(10)).fps(3)
                .duration(Duration.ofSeconds(10)).framesPerCamera(4).sink(new MemorySink())
                .clock(SimClock.simulated(start)).build().run();
        assertThat(r2.framesSent()).isEqualTo(4);
    }

    @Test
    void realTimePacingAndStop() throws Exception {
        MemorySink sink = new MemorySink();
        CameraSimulator sim = CameraSimulator.builder().stage("s", TestFrames.fakeGenerator(10)).camerasPerStage(2)
                .fps(20).sink(sink).build();
        List<SimulationReport> out = new ArrayList<>();
        Thread t = new Thread(() -> out.add(sim.run()));
        long t0 = System.currentTimeMillis();
        t.start();
        Thread.sleep(600);
        sim.stop();
        t.join(5000);
        assertThat(t.isAlive()).isFalse();
        SimulationReport r = out.get(0);
        assertThat(r.ok()).as(r.summary()).isTrue();
        // ~12 ticks in 600 ms at 20 fps
        assertThat(r.ticks()).isBetween(8L, 16L);
        assertThat(r.framesSent()).isEqualTo(2 * r.ticks());
        List<Long> times = sink.frames.stream().filter(f -> f.getCameraId().equals("s-cam-1"))
                .map(CameraFrame::getCaptureTimeMs).collect(Collectors.toList());
        for (int i = 0; i < times.size(); i++) {
            long due = r.startMs() + i * 50L;
            assertThat(times.get(i)).isBetween(due, due + 40);
        }
        assertThat(r.startMs()).isBetween(t0, t0 + 500);
    }

    @Test
    void stopsOnAFatalSinkErrorAndCountsFailures() {
        AtomicInteger writes = new AtomicInteger();
        FrameSink failing = batch -> {
            writes.incrementAndGet();
            List<WriteResult.Failure> failures = batch.stream()
                    .map(f -> new WriteResult.Failure(f, "ResourceNotFoundException", "Stream x not found"))
                    .collect(Collectors.toList());
            return new WriteResult(0, 0, 1, 0, failures, "ResourceNotFoundException: Stream x not found");
        };
        SimulationReport r = CameraSimulator.builder().stage("s", TestFrames.fakeGenerator(10)).fps(1000)
                .framesPerCamera(1000).sink(failing).clock(SimClock.simulated(0)).build().run();
        assertThat(r.ok()).isFalse();
        assertThat(r.fatalError()).contains("not found");
        assertThat(r.framesSent()).isZero();
        assertThat(r.framesFailed()).isEqualTo(r.framesGenerated());
        assertThat(r.framesGenerated()).isLessThan(1000);
        assertThat(r.failuresByCode()).containsKey("ResourceNotFoundException");
        assertThat(r.summary()).contains("stopped:");
    }

    @Test
    void partialFailuresAreCountedPerCamera() {
        FrameSink flaky = batch -> {
            List<WriteResult.Failure> failures = batch.stream().filter(f -> f.getCameraId().endsWith("-2"))
                    .map(f -> new WriteResult.Failure(f, "InternalFailure", "gave up"))
                    .collect(Collectors.toList());
            return new WriteResult(batch.size() - failures.size(), 0, 1, 3, failures, null);
        };
        SimulationReport r = CameraSimulator.builder().stage("s", TestFrames.fakeGenerator(10)).camerasPerStage(2)
                .framesPerCamera(5).sink(flaky).clock(SimClock.simulated(0)).build().run();
        assertThat(r.sentByCamera()).containsExactly(Map.entry("s-cam-1", 5L), Map.entry("s-cam-2", 0L));
        assertThat(r.framesFailed()).isEqualTo(5);
        assertThat(r.failures()).hasSize(5);
        assertThat(r.ok()).isFalse();
    }

    @Test
    void rejectsBadConfiguration() {
        FrameGenerator g = TestFrames.fakeGenerator(10);
        MemorySink sink = new MemorySink();
        assertThatThrownBy(() -> CameraSimulator.builder().sink(sink).build()).hasMessageContaining("no stages");
        assertThatThrownBy(() -> CameraSimulator.builder().stage("bad stage", g)).hasMessageContaining("stage id");
        assertThatThrownBy(() -> CameraSimulator.builder().stage("s", g).stage("s", g)).hasMessageContaining("twice");
        assertThatThrownBy(() -> CameraSimulator.builder().stage("s", g).build()).hasMessageContaining("sink");
        assertThatThrownBy(() -> CameraSimulator.builder().stage("s", g).sink(sink).fps(0).build()).hasMessageContaining("fps");
        assertThatThrownBy(() -> CameraSimulator.builder().stage("s", g).sink(sink).camerasPerStage(0).build())
                .hasMessageContaining("camerasPerStage");
        assertThatThrownBy(() -> CameraSimulator.builder().stage("x".repeat(60), g).sink(sink).build())
                .hasMessageContaining("camera id");
        CameraSimulator once = CameraSimulator.builder().stage("s", g).sink(sink).framesPerCamera(1)
                .clock(SimClock.simulated(0)).build();
        once.run();
        assertThatThrownBy(once::run).isInstanceOf(IllegalStateException.class);
    }
}
