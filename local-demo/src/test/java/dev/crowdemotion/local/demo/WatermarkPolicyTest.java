package dev.crowdemotion.local.demo;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setup.ResourceSetup;
import dev.crowdemotion.simulator.CrowdComposer;
import dev.crowdemotion.simulator.FrameGenerator;
import dev.crowdemotion.simulator.PhotoFrames;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watermark policies on the real Kinesis path (job on a Flink mini-cluster, parallelism 2):
 * <ol>
 *   <li>a shard whose only camera goes silent does not stall its stage's windows: after
 *       {@code Aggregation.idleness.ms} the shard is idle and the other shard's watermark closes them;</li>
 *   <li>a camera with a skewed clock does not corrupt the other cameras' windows, even on their
 *       shard: a clock an hour ahead is rejected at the source ({@code FUTURE_CAPTURE_TIME}) and
 *       cannot push the watermark; a clock five minutes behind gives {@code LATE_FRAME} /
 *       {@code LATE_FACE} dead letters for that camera only.</li>
 * </ol>
 * Both check the items' exact frame and face counts against the good cameras' frames.
 */
class WatermarkPolicyTest {
    private static final long T0 = (System.currentTimeMillis() - 600_000) / 10_000 * 10_000;

    private static LocalStack stack;
    private static Path root;
    private static BlazeFaceDetector detector;
    private static FrameGenerator crowd;
    private static FrameGenerator photos;
    private static byte[] noFaces;

    @BeforeAll
    static void start() throws Exception {
        root = LocalDemo.repositoryRoot();
        Map<String, Properties> groups = ApplicationProperties.fromFile(root.resolve("config/local.json").toString());
        stack = LocalStack.start(groups);
        detector = BlazeFaceDetector.load(DetectorOptions.builder().minScore((float) stack.config().minScore()).build());
        crowd = CrowdComposer.fromDirectory(root.resolve("data/stages/pop"),
                CrowdComposer.Settings.defaults().size(960, 540).faces(2, 6).faceSize(60, 140).seed(5));
        photos = PhotoFrames.fromDirectory(root.resolve("data/stages/jazz"));
        noFaces = Files.readAllBytes(root.resolve("data/images/hubble_deep_field.jpg"));
    }

    @AfterAll
    static void stop() {
        if (detector != null) {
            detector.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** Writes frames to one shard of a stream, in order (explicit hash key: the shard's first). */
    private static void put(String stream, Shard shard, List<CameraFrame> frames) throws Exception {
        for (CameraFrame f : frames) {
            byte[] data = FrameCodec.encode(f);
            stack.kinesis().putRecord(b -> b.streamName(stream).partitionKey(f.getCameraId())
                    .explicitHashKey(shard.hashKeyRange().startingHashKey()).data(SdkBytes.fromByteArray(data)));
        }
    }

    private static List<Shard> shards(String stream, int count) {
        new ResourceSetup(stack.kinesis(), stack.dynamoDb()).ensureStream(stream, count);
        List<Shard> shards = stack.kinesis().listShards(b -> b.streamName(stream)).shards();
        assertThat(shards).hasSize(count);
        return shards;
    }

    @Test
    void aSilentShardDoesNotStallItsStagesWindows() throws Exception {
        String stream = "wm-idle";
        List<Shard> shards = shards(stream, 2);
        List<CameraFrame> busy = new ArrayList<>();
        List<CameraFrame> silent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            busy.add(crowd.next("pop-cam-1", "pop", i, T0 + i * 1000L));
            if (i < 5) { // pop-cam-2 goes silent after 5 s, its shard with it
                silent.add(crowd.next("pop-cam-2", "pop", i, T0 + i * 1000L + 10));
            }
        }
        put(stream, shards.get(1), silent);
        put(stream, shards.get(0), busy);
        put(stream, shards.get(0), List.of(new CameraFrame("pop-cam-1", "pop", T0 + 60_000, 30, MediaType.JPEG, noFaces)));
        List<CameraFrame> all = new ArrayList<>(busy);
        all.addAll(silent);
        Map<String, long[]> expected = JobRuns.expectedFramesAndFaces(all, detector);
        assertThat(expected).hasSize(3);

        try (JobRuns.Run run = JobRuns.start(stack, "wm-idle", stream, g -> {})) {
            Map<String, StageWindowScore> items = run.awaitItems(i -> JobRuns.complete(i, expected));
            JobRuns.assertCounts(items, expected);
            assertThat(items.get("pop@" + T0).getFramesSeen()).isEqualTo(15);
            assertThat(run.deadLetters()).isEmpty();
        }
    }

    @Test
    void aCameraClockAheadOrBehindOnlyLosesThatCamerasFrames() throws Exception {
        String stream = "wm-skew";
        Shard shard = shards(stream, 1).get(0);
        long now = System.currentTimeMillis();
        List<CameraFrame> good = new ArrayList<>();
        List<CameraFrame> ahead = new ArrayList<>();
        List<CameraFrame> behind = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            List<CameraFrame> tick = new ArrayList<>();
            tick.add(crowd.next("pop-cam-1", "pop", i, T0 + i * 1000L + 10));
            tick.add(photos.next("jazz-cam-1", "jazz", i, T0 + i * 1000L + 20));
            good.addAll(tick);
            if (i < 20) { // phase 1: pop-cam-2's clock is an hour ahead
                CameraFrame a = crowd.next("pop-cam-2", "pop", i, now + 3_600_000 + i * 1000L);
                ahead.add(a);
                tick.add(i % 2 == 0 ? 0 : 1, a);
            } else { // phase 2: jazz-cam-2's clock is five minutes behind
                CameraFrame b = photos.next("jazz-cam-2", "jazz", i, T0 + i * 1000L - 300_000);
                behind.add(b);
                tick.add(1, b);
            }
            put(stream, shard, tick);
            if (i == 19) {
                break; // phase 2 is written once the first window has fired
            }
        }
        Map<String, long[]> expected = JobRuns.expectedFramesAndFaces(good, detector);

        try (JobRuns.Run run = JobRuns.start(stack, "wm-skew", stream, g -> {})) {
            // phase 1 read: the first window closed on the good cameras' watermark
            run.awaitItems(i -> JobRuns.complete(i, Map.of("pop@" + T0, expected.get("pop@" + T0),
                    "jazz@" + T0, expected.get("jazz@" + T0))));
            for (int i = 20; i < 30; i++) {
                List<CameraFrame> tick = new ArrayList<>();
                tick.add(crowd.next("pop-cam-1", "pop", i, T0 + i * 1000L + 10));
                tick.add(photos.next("jazz-cam-1", "jazz", i, T0 + i * 1000L + 20));
                good.addAll(tick);
                CameraFrame b = photos.next("jazz-cam-2", "jazz", i, T0 + i * 1000L - 300_000);
                behind.add(b);
                tick.add(1, b);
                put(stream, shard, tick);
            }
            put(stream, shard, List.of(new CameraFrame("jazz-cam-1", "jazz", T0 + 60_000, 30, MediaType.JPEG, noFaces)));
            Map<String, long[]> all = JobRuns.expectedFramesAndFaces(good, detector);
            long behindFaces = JobRuns.expectedFramesAndFaces(behind, detector).values().stream().mapToLong(c -> c[1]).sum();
            Map<String, StageWindowScore> items = run.awaitItems(i -> {
                assertThat(run.deadLetters()).as("only the skewed cameras lose frames")
                        .allSatisfy(d -> assertThat(d.getCameraId()).isIn("pop-cam-2", "jazz-cam-2"));
                return JobRuns.complete(i, all);
            });
            run.await(run::deadLetters, d -> d.size() >= ahead.size() + behind.size() + behindFaces);
            Thread.sleep(2_000);
            items = run.items();

            JobRuns.assertCounts(items, all);
            assertThat(items.keySet()).as("no window of the skewed clocks")
                    .allSatisfy(k -> assertThat(Long.parseLong(k.substring(k.indexOf('@') + 1))).isBetween(T0, T0 + 60_000));
            List<DeadLetter> dead = new ArrayList<>(run.deadLetters());
            assertThat(dead).filteredOn(d -> d.getReason().equals("FUTURE_CAPTURE_TIME"))
                    .hasSize(ahead.size()).allSatisfy(d -> assertThat(d.getCameraId()).isEqualTo("pop-cam-2"));
            assertThat(dead).filteredOn(d -> d.getReason().equals("LATE_FRAME"))
                    .hasSize(behind.size()).allSatisfy(d -> assertThat(d.getCameraId()).isEqualTo("jazz-cam-2"));
            assertThat(dead).filteredOn(d -> d.getReason().equals("LATE_FACE"))
                    .hasSize((int) behindFaces).allSatisfy(d -> assertThat(d.getCameraId()).isEqualTo("jazz-cam-2"));
            assertThat(dead).hasSize(ahead.size() + behind.size() + (int) behindFaces);
            System.out.printf("skew: %d good frames, %d items, %d FUTURE_CAPTURE_TIME, %d LATE_FRAME, %d LATE_FACE%n",
                    good.size(), items.size(), ahead.size(), behind.size(), behindFaces);
        }
    }
}
