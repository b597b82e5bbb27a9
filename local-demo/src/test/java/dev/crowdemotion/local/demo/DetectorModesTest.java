package dev.crowdemotion.local.demo;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.config.DetectorMode;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.CrowdEmotionPipeline;
import dev.crowdemotion.job.detection.FaceCrop;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setup.ResourceSetup;
import dev.crowdemotion.simulator.CrowdComposer;
import dev.crowdemotion.simulator.EdgeCamera;
import dev.crowdemotion.simulator.FrameGenerator;
import dev.crowdemotion.simulator.KinesisFrameWriter;
import dev.crowdemotion.simulator.PhotoFrames;
import dev.crowdemotion.simulator.RetryPolicy;
import dev.crowdemotion.simulator.StreamRef;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.Images;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The three detector modes on the local stack, each on a Flink mini-cluster (parallelism 2) with
 * the real Kinesis source and DynamoDB sink: {@code embedded} (BlazeFace in the job) and
 * {@code sagemaker} (InvokeEndpoint through the real SageMakerRuntimeAsyncClient, the SageMaker
 * Runtime stand-in and the model server) read the same frames; {@code edge} reads the face
 * records camera-simulator's {@link EdgeCamera} made of those frames. All three must give the
 * same faces (boxes the detector's within a pixel, identical crops) and identical DynamoDB items.
 * Rekognition runs one crop per call ({@code mosaic.max.faces=1}) with a budget no window
 * exhausts, so that enrichment is a function of the crop alone.
 */
class DetectorModesTest {
    /**
     * Ten minutes ago, aligned to the 10 s windows: CloudWatch (and its stand-in) refuses
     * datapoints older than two weeks.
     */
    private static final long T0 = (System.currentTimeMillis() - 600_000) / 10_000 * 10_000;
    private static final long WINDOW_MS = 10_000;
    private static final int FRAMES_PER_CAMERA = 12;
    private static final String FRAMES_STREAM = "modes-frames";
    private static final String FACES_STREAM = "modes-faces";

    /** Sinks write here, by mode. */
    static final Map<String, ConcurrentLinkedQueue<FaceCrop>> CROPS = new ConcurrentHashMap<>();
    static final Map<String, ConcurrentLinkedQueue<DeadLetter>> DEAD_LETTERS = new ConcurrentHashMap<>();

    private static LocalStack stack;
    private static List<CameraFrame> frames;
    private static Map<String, long[]> expected;

    @BeforeAll
    static void sendFramesAndFaces() throws Exception {
        Path root = LocalDemo.repositoryRoot();
        Map<String, Properties> groups = ApplicationProperties.fromFile(root.resolve("config/local.json").toString());
        stack = LocalStack.start(groups);
        ResourceSetup setup = new ResourceSetup(stack.kinesis(), stack.dynamoDb());
        setup.ensureStream(FRAMES_STREAM, 1);
        setup.ensureStream(FACES_STREAM, 1);

        FrameGenerator crowd = CrowdComposer.fromDirectory(root.resolve("data/stages/pop"),
                CrowdComposer.Settings.defaults().size(960, 540).faces(2, 6).faceSize(60, 140).seed(11));
        FrameGenerator photos = PhotoFrames.fromDirectory(root.resolve("data/stages/jazz"));
        frames = new ArrayList<>();
        for (int i = 0; i < FRAMES_PER_CAMERA; i++) {
            for (int c = 1; c <= 2; c++) {
                frames.add(crowd.next("pop-cam-" + c, "pop", i, T0 + i * 1000L + c * 10));
                frames.add(photos.next("jazz-cam-" + c, "jazz", i, T0 + i * 1000L + c * 10));
            }
        }
        // a later frame without faces moves the watermark past the last window, closing it
        frames.add(new CameraFrame("jazz-cam-1", "jazz", T0 + 60_000, FRAMES_PER_CAMERA, MediaType.JPEG,
                Files.readAllBytes(root.resolve("data/images/hubble_deep_field.jpg"))));

        try (BlazeFaceDetector detector = BlazeFaceDetector.load(
                DetectorOptions.builder().minScore((float) stack.config().minScore()).build())) {
            KinesisFrameWriter frameWriter = new KinesisFrameWriter(stack.kinesis(), StreamRef.name(FRAMES_STREAM));
            KinesisFrameWriter edgeWriter = new KinesisFrameWriter(stack.kinesis(), StreamRef.name(FACES_STREAM),
                    RetryPolicy.defaults(), Thread::sleep, new Random(1),
                    new EdgeCamera(detector, EdgeCamera.jobDefaultCrops()));
            // one PutRecords batch per tick, as live cameras send: a record retried after a
            // partial failure is then reordered by less than a second, within the job's bound
            // on out-of-orderness (2 s)
            for (int from = 0; from < frames.size(); from += 4) {
                List<CameraFrame> tick = frames.subList(from, Math.min(frames.size(), from + 4));
                assertThat(frameWriter.write(tick).failures()).as("frames written").isEmpty();
                assertThat(edgeWriter.write(tick).failures()).as("face records written").isEmpty();
            }
            expected = expectedFramesAndFaces(detector);
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** {frames, faces} per "stage@windowStart" of the windows before the closing frame. */
    private static Map<String, long[]> expectedFramesAndFaces(BlazeFaceDetector detector) throws Exception {
        Map<String, long[]> out = new TreeMap<>();
        for (CameraFrame f : frames.subList(0, frames.size() - 1)) {
            long window = f.getCaptureTimeMs() - Math.floorMod(f.getCaptureTimeMs(), WINDOW_MS);
            long[] counts = out.computeIfAbsent(f.getStageId() + "@" + window, k -> new long[2]);
            counts[0]++;
            counts[1] += detector.detect(Images.decode(f.getImage())).size();
        }
        return out;
    }

    @Test
    void embeddedSageMakerAndEdgeGiveTheSameFacesAndTheSameItems() throws Exception {
        Map<String, Map<String, StageWindowScore>> items = new HashMap<>();
        for (DetectorMode mode : DetectorMode.values()) {
            items.put(mode.value(), run(mode));
        }
        Map<String, StageWindowScore> embedded = items.get("embedded");

        // 1. Items: exact frame and face counts, every face enriched, the stages as their photos
        assertThat(embedded.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        long faces = 0;
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            StageWindowScore s = embedded.get(e.getKey());
            assertThat(s.getFramesSeen()).as("frames in %s", e.getKey()).isEqualTo(e.getValue()[0]);
            assertThat(s.getFacesDetected()).as("faces in %s", e.getKey()).isEqualTo(e.getValue()[1]);
            assertThat(s.getFacesEnriched()).as("enriched in %s", e.getKey()).isEqualTo(s.getFacesDetected());
            faces += s.getFacesDetected();
        }
        assertThat(faces).isGreaterThan(40);

        // 2. The same items in every mode, attribute for attribute (mean confidences up to the
        //    rounding of sums taken in arrival order)
        for (String mode : List.of("sagemaker", "edge")) {
            Map<String, StageWindowScore> other = items.get(mode);
            assertThat(other.keySet()).as("%s items", mode).isEqualTo(embedded.keySet());
            embedded.forEach((key, e) -> {
                StageWindowScore o = other.get(key);
                assertThat(new long[] {o.getWindowEndMs(), o.getFramesSeen(), o.getFacesDetected(), o.getFacesEnriched()})
                        .as("%s counts of %s", mode, key)
                        .containsExactly(e.getWindowEndMs(), e.getFramesSeen(), e.getFacesDetected(), e.getFacesEnriched());
                assertThat(o.getDominantCounts()).as("%s dominant emotions of %s", mode, key)
                        .containsExactly(e.getDominantCounts());
                assertThat(o.getMeanConfidence()).as("%s mean confidences of %s", mode, key)
                        .containsExactly(e.getMeanConfidence(), within(1e-9));
            });
        }

        // 3. The same crops: same box ratios and byte-identical JPEGs
        Map<String, FaceCrop> embeddedCrops = byFace(CROPS.get("embedded"));
        assertThat(embeddedCrops).hasSize((int) faces + frames.size());
        for (String mode : List.of("sagemaker", "edge")) {
            Map<String, FaceCrop> crops = byFace(CROPS.get(mode));
            assertThat(crops.keySet()).as("%s faces", mode).isEqualTo(embeddedCrops.keySet());
            crops.forEach((key, c) -> {
                FaceCrop e = embeddedCrops.get(key);
                assertThat(new float[] {c.getLeft(), c.getTop(), c.getWidth(), c.getHeight(), c.getDetectorScore()})
                        .as("%s box of %s", mode, key)
                        .containsExactly(e.getLeft(), e.getTop(), e.getWidth(), e.getHeight(), e.getDetectorScore());
                assertThat(Arrays.equals(c.getJpeg(), e.getJpeg())).as("%s crop of %s", mode, key).isTrue();
            });
        }

        // 4. ...and those boxes are the detector's, within a pixel
        assertBoxesAreTheDetectors(embeddedCrops);

        // 5. Nothing was rejected; the SageMaker stand-in saw one call per frame
        DEAD_LETTERS.forEach((mode, dead) -> assertThat(dead).as("dead letters of %s", mode).isEmpty());
        assertThat(stack.sageMaker().counters().succeeded()).isEqualTo(frames.size());
    }

    private static Map<String, FaceCrop> byFace(ConcurrentLinkedQueue<FaceCrop> crops) {
        return crops.stream().collect(Collectors.toMap(
                c -> c.getCameraId() + "#" + c.getFrameSequence() + "." + c.getFaceIndex(), c -> c));
    }

    private static void assertBoxesAreTheDetectors(Map<String, FaceCrop> crops) throws Exception {
        try (BlazeFaceDetector detector = BlazeFaceDetector.load(
                DetectorOptions.builder().minScore((float) stack.config().minScore()).build())) {
            for (CameraFrame f : frames) {
                BufferedImage image = Images.decode(f.getImage());
                List<FaceBox> boxes = detector.detect(image);
                for (int i = 0; i < boxes.size(); i++) {
                    FaceCrop c = crops.get(f.getCameraId() + "#" + f.getSequenceNumber() + "." + i);
                    FaceBox b = boxes.get(i);
                    if (b.x() >= 0 && b.y() >= 0 && b.x() + b.width() <= image.getWidth()
                            && b.y() + b.height() <= image.getHeight()) { // ratios are clamped to the frame
                        assertThat(c.getLeft() * image.getWidth()).isCloseTo(b.x(), within(1f));
                        assertThat(c.getTop() * image.getHeight()).isCloseTo(b.y(), within(1f));
                        assertThat(c.getWidth() * image.getWidth()).isCloseTo(b.width(), within(1f));
                        assertThat(c.getHeight() * image.getHeight()).isCloseTo(b.height(), within(1f));
                    }
                }
            }
        }
    }

    /** Runs the job in {@code mode} until every expected window is in its table; returns the items. */
    private static Map<String, StageWindowScore> run(DetectorMode mode) throws Exception {
        Map<String, Properties> groups = stack.groups();
        groups.get(ConfigKeys.GROUP_DETECTION).setProperty(ConfigKeys.DETECTOR, mode.value());
        groups.get(ConfigKeys.GROUP_FRAME_SOURCE).setProperty(ConfigKeys.STREAM_ARN,
                LocalAws.streamArn(mode == DetectorMode.EDGE ? FACES_STREAM : FRAMES_STREAM));
        groups.get(ConfigKeys.GROUP_FRAME_SOURCE).setProperty(ConfigKeys.INITIAL_POSITION, "TRIM_HORIZON");
        groups.get(ConfigKeys.GROUP_AGGREGATION).setProperty(ConfigKeys.WINDOW_SIZE_MS, Long.toString(WINDOW_MS));
        groups.get(ConfigKeys.GROUP_AGGREGATION).setProperty(ConfigKeys.IDLENESS_MS, "1000");
        groups.get(ConfigKeys.GROUP_REKOGNITION).setProperty(ConfigKeys.MOSAIC_MAX_FACES, "1");
        groups.get(ConfigKeys.GROUP_REKOGNITION).setProperty(ConfigKeys.MAX_TPS, "500");
        String table = "scores-" + mode.value();
        groups.get(ConfigKeys.GROUP_SCORES_SINK).setProperty(ConfigKeys.TABLE_NAME, table);
        new ResourceSetup(stack.kinesis(), stack.dynamoDb()).ensureTable(table);
        CrowdEmotionConfig config = new CrowdEmotionConfig(groups);

        String key = mode.value();
        CROPS.put(key, new ConcurrentLinkedQueue<>());
        DEAD_LETTERS.put(key, new ConcurrentLinkedQueue<>());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        CrowdEmotionPipeline.Outputs outputs = CrowdEmotionPipeline.fromKinesis(env, config);
        CrowdEmotionPipeline.attachSinks(outputs, config);
        outputs.crops.addSink(new SinkFunction<FaceCrop>() {
            @Override
            public void invoke(FaceCrop value, Context context) {
                CROPS.get(key).add(value);
            }
        });
        outputs.deadLetters.addSink(new SinkFunction<DeadLetter>() {
            @Override
            public void invoke(DeadLetter value, Context context) {
                DEAD_LETTERS.get(key).add(value);
            }
        });
        JobClient job = env.executeAsync("detector mode " + key);
        ScoreBoard board = new ScoreBoard(stack.dynamoDb(), table, stack.config().performanceTableName(), System.out);
        Map<String, StageWindowScore> actual = Map.of();
        try {
            long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(4);
            while (System.currentTimeMillis() < deadline) {
                actual = board.readAll().stream().collect(Collectors.toMap(
                        s -> s.getStageId() + "@" + s.getWindowStartMs(), s -> s, (a, b) -> b, TreeMap::new));
                if (complete(actual)) {
                    break;
                }
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("%s job ended early", key).isFalse();
                Thread.sleep(500);
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        System.out.printf("%s: %d items, %d crops and markers%n", key, actual.size(), CROPS.get(key).size());
        return actual;
    }

    private static boolean complete(Map<String, StageWindowScore> actual) {
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            StageWindowScore s = actual.get(e.getKey());
            if (s == null || s.getFramesSeen() < e.getValue()[0] || s.getFacesEnriched() < e.getValue()[1]) {
                return false;
            }
        }
        return true;
    }
}
