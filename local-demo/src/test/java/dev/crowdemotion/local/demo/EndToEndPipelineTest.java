package dev.crowdemotion.local.demo;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.CrowdEmotionPipeline;
import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.StageScoreQueries;
import dev.crowdemotion.setlist.ScheduleEvent;
import dev.crowdemotion.setlist.ScheduleEvents;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.simulator.CameraSimulator;
import dev.crowdemotion.simulator.CrowdComposer;
import dev.crowdemotion.simulator.KinesisFrameWriter;
import dev.crowdemotion.simulator.PhotoFrames;
import dev.crowdemotion.simulator.SimClock;
import dev.crowdemotion.simulator.SimulationReport;
import dev.crowdemotion.simulator.StreamRef;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.Images;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordRequest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline on real components: frames composed by the camera simulator from real photos,
 * written through the real SDK into kinesis-mock; the job on a Flink mini-cluster (parallelism 2)
 * with its real Kinesis source, BlazeFace detection, async DetectFaces through the real
 * RekognitionAsyncClient against the stand-in, event-time windows, and the real DynamoDB sink into
 * DynamoDB Local. The items must match what the frames imply: frame counts exactly, face counts
 * exactly as the same detector finds them in the same bytes.
 */
class EndToEndPipelineTest {
    /**
     * Ten minutes ago, aligned to the 10 s windows: CloudWatch (and its stand-in) refuses
     * datapoints older than two weeks.
     */
    private static final long T0 = (System.currentTimeMillis() - 600_000) / 10_000 * 10_000;
    private static final long WINDOW_MS = 10_000;
    private static final int FRAMES_PER_CAMERA = 25;

    static final ConcurrentLinkedQueue<DeadLetter> DEAD_LETTERS = new ConcurrentLinkedQueue<>();

    @Test
    void framesFromKinesisBecomeStageScoresInDynamoDb() throws Exception {
        Path root = LocalDemo.repositoryRoot();
        Map<String, Properties> groups = ApplicationProperties.fromFile(root.resolve("config/local.json").toString());
        groups.get(ConfigKeys.GROUP_AGGREGATION).setProperty(ConfigKeys.IDLENESS_MS, "1000");
        groups.get(ConfigKeys.GROUP_AGGREGATION).setProperty(ConfigKeys.WINDOW_SIZE_MS, Long.toString(WINDOW_MS));
        // The setlist, through the job's file source: a pop set of two tracks, shuffled, and one broken event.
        Path setlist = Files.createTempFile("setlist-", ".jsonl");
        setlist.toFile().deleteOnExit();
        Files.write(setlist, List.of(
                ScheduleEvents.toJson(ScheduleEvent.track("pop", "Astro Kids", "astro-1", "02", "Sing Along", T0 + 10_000, T0 + 30_000)),
                "{\"type\":\"set\",\"stage_id\":\"pop\"}",
                ScheduleEvents.toJson(ScheduleEvent.set("pop", "Astro Kids", "astro-1", T0, T0 + 30_000)),
                ScheduleEvents.toJson(ScheduleEvent.track("pop", "Astro Kids", "astro-1", "01", "Hello Stage", T0, T0 + 10_000))));
        groups.computeIfAbsent(ConfigKeys.GROUP_SETLIST, g -> new Properties()).setProperty(ConfigKeys.FILE_PATH, setlist.toString());

        try (LocalStack stack = LocalStack.start(groups)) {
            // 1. Frames: a crowd stage and a portrait stage, 2 cameras each, 25 frames at 1 fps.
            CameraSimulator simulator = CameraSimulator.builder()
                    .stage("pop", CrowdComposer.fromDirectory(root.resolve("data/stages/pop"),
                            CrowdComposer.Settings.defaults().size(960, 540).faces(2, 5).faceSize(60, 140).seed(7)))
                    .stage("jazz", PhotoFrames.fromDirectory(root.resolve("data/stages/jazz")))
                    .camerasPerStage(2)
                    .fps(1)
                    .framesPerCamera(FRAMES_PER_CAMERA)
                    .clock(SimClock.simulated(T0))
                    .keepSentFrames(true)
                    .sink(new KinesisFrameWriter(stack.kinesis(), StreamRef.name(stack.streamName())))
                    .build();
            SimulationReport report = simulator.run();
            assertThat(report.ok()).as(report.summary()).isTrue();
            List<CameraFrame> sent = report.sentFrames();
            assertThat(sent).hasSize(4 * FRAMES_PER_CAMERA);

            // 2. Bad records among them: not a frame at all, and a frame whose JPEG is truncated.
            put(stack, "bad-cam", "definitely not a frame".getBytes(StandardCharsets.UTF_8));
            byte[] jpeg = Files.readAllBytes(root.resolve("data/images/grace_hopper_512x512.jpg"));
            put(stack, "jazz-cam-1", FrameCodec.encode(new CameraFrame("jazz-cam-1", "jazz", T0 + 5_500, 999,
                    MediaType.JPEG, Arrays.copyOf(jpeg, jpeg.length / 2))));
            // 3. A later face-free frame moves the watermark past the last window, closing it.
            byte[] hubble = Files.readAllBytes(root.resolve("data/images/hubble_deep_field.jpg"));
            put(stack, "jazz-cam-2", FrameCodec.encode(new CameraFrame("jazz-cam-2", "jazz", T0 + 60_000, 1000,
                    MediaType.JPEG, hubble)));

            // Expected items, from the frames actually sent and the job's own detector settings.
            Map<String, long[]> expected = expectedFramesAndFaces(sent, stack.config().minScore());

            // 4. The job on a mini-cluster.
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            CrowdEmotionPipeline.Outputs outputs = CrowdEmotionPipeline.fromKinesis(env, stack.config());
            CrowdEmotionPipeline.attachSinks(outputs, stack.config());
            outputs.deadLetters.addSink(new SinkFunction<DeadLetter>() {
                @Override
                public void invoke(DeadLetter value, Context context) {
                    DEAD_LETTERS.add(value);
                }
            });
            JobClient job = env.executeAsync("crowd-emotion e2e");
            ScoreBoard board = new ScoreBoard(stack.dynamoDb(), stack.config().tableName(),
                    stack.config().performanceTableName(), System.out);
            StageScoreQueries queries = new StageScoreQueries(stack.dynamoDb(), stack.config().tableName(),
                    stack.config().performanceTableName());
            Map<String, StageWindowScore> actual = Map.of();
            try {
                long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(5);
                while (System.currentTimeMillis() < deadline) {
                    actual = board.readAll().stream().collect(Collectors.toMap(
                            s -> s.getStageId() + "@" + s.getWindowStartMs(), s -> s, (a, b) -> b, TreeMap::new));
                    if (complete(actual, expected) && DEAD_LETTERS.size() >= 3
                            && queries.performances("Astro Kids", null).size() == 3) {
                        break;
                    }
                    assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job ended early").isFalse();
                    Thread.sleep(1000);
                }
                board.printUpdates();
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }

            // 5. Exactly one item per (stage, window), with exact frame and face counts.
            assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            long faces = 0;
            long enriched = 0;
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                StageWindowScore s = actual.get(e.getKey());
                assertThat(s.getFramesSeen()).as("frames in %s", e.getKey()).isEqualTo(e.getValue()[0]);
                assertThat(s.getFacesDetected()).as("faces in %s", e.getKey()).isEqualTo(e.getValue()[1]);
                assertThat(s.getFacesEnriched()).as("enriched in %s", e.getKey()).isBetween(1L, s.getFacesDetected());
                assertThat(s.getWindowEndMs() - s.getWindowStartMs()).isEqualTo(WINDOW_MS);
                faces += s.getFacesDetected();
                enriched += s.getFacesEnriched();
                // The stages' photos differ, and so do their scores: smiling astronauts vs. Grace Hopper.
                EmotionType expectedDominant = s.getStageId().equals("pop") ? EmotionType.HAPPY : EmotionType.CALM;
                assertThat(s.dominantEmotion()).as("dominant emotion in %s", e.getKey()).isEqualTo(expectedDominant);
            }
            assertThat(enriched).as("faces enriched of %d detected", faces).isGreaterThanOrEqualTo(faces * 8 / 10);

            // 6. The setlist: pop windows carry the track at their midpoint, jazz windows nothing, and
            //    the set and track summaries in DynamoDB are the sums of their windows' items.
            for (StageWindowScore s : actual.values()) {
                long mid = s.midpointMs();
                String track = !s.getStageId().equals("pop") || mid >= T0 + 30_000 ? null : mid < T0 + 10_000 ? "01" : "02";
                assertThat(s.getTrackId()).as("track of %s@%d", s.getStageId(), s.getWindowStartMs()).isEqualTo(track);
                assertThat(s.getArtist()).isEqualTo(track == null ? null : "Astro Kids");
            }
            List<PerformanceScore> astro = queries.performances("Astro Kids", "astro-1");
            assertThat(astro).extracting(p -> p.getKind() + " " + p.getTrackId())
                    .containsExactly("SET null", "TRACK 01", "TRACK 02");
            for (PerformanceScore p : astro) {
                List<StageWindowScore> in = actual.values().stream()
                        .filter(s -> s.getStageId().equals("pop") && s.midpointMs() >= p.getStartMs() && s.midpointMs() < p.getEndMs())
                        .collect(Collectors.toList());
                assertThat(p.getWindows()).isEqualTo(in.size());
                assertThat(p.getFramesSeen()).isEqualTo(in.stream().mapToLong(StageWindowScore::getFramesSeen).sum());
                assertThat(p.getFacesEnriched()).isEqualTo(in.stream().mapToLong(StageWindowScore::getFacesEnriched).sum());
                assertThat(p.dominantEmotion()).isEqualTo(EmotionType.HAPPY);
            }

            // 7. The bad records became dead letters with reasons; nothing else did.
            assertThat(DEAD_LETTERS).extracting(DeadLetter::getReason)
                    .containsExactlyInAnyOrder("BAD_MAGIC", "IMAGE_UNDECODABLE", "BAD_SCHEDULE_EVENT");
        }
    }

    private static void put(LocalStack stack, String partitionKey, byte[] data) {
        stack.kinesis().putRecord(PutRecordRequest.builder().streamName(stack.streamName())
                .partitionKey(partitionKey).data(SdkBytes.fromByteArray(data)).build());
    }

    /** {frames, faces} per "stage@windowStart", as the job's detector sees the sent frames. */
    private static Map<String, long[]> expectedFramesAndFaces(List<CameraFrame> frames, double minScore) throws Exception {
        Map<String, long[]> expected = new TreeMap<>();
        try (BlazeFaceDetector detector = BlazeFaceDetector.load(
                DetectorOptions.builder().minScore((float) minScore).build())) {
            for (CameraFrame f : frames) {
                long window = f.getCaptureTimeMs() - Math.floorMod(f.getCaptureTimeMs(), WINDOW_MS);
                long[] counts = expected.computeIfAbsent(f.getStageId() + "@" + window, k -> new long[2]);
                counts[0]++;
                counts[1] += detector.detect(Images.decode(f.getImage())).size();
            }
        }
        return expected;
    }

    private static boolean complete(Map<String, StageWindowScore> actual, Map<String, long[]> expected) {
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            StageWindowScore s = actual.get(e.getKey());
            if (s == null || s.getFramesSeen() < e.getValue()[0]) {
                return false;
            }
        }
        return true;
    }
}
