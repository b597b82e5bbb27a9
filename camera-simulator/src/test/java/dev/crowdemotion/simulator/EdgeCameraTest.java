package dev.crowdemotion.simulator;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.EdgeFace;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.FrameRecord;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.FaceCropEncoder;
import dev.crowdemotion.vision.Images;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edge mode end to end into {@link FakeKinesis}: crowd frames (and face-free photos) from
 * {@code data/}, detected on the camera, compared with what the job's embedded detection finds on
 * the full frames of the same seed.
 */
class EdgeCameraTest {
    static final long SEED = 42;
    static final long START = 1_763_769_600_000L;

    static BlazeFaceDetector reference;  // the job's detector, also used to compose the crowds
    static BlazeFaceDetector edgeDetector;
    static CrowdComposer crowd;
    static PhotoFrames faceFree;

    @BeforeAll
    static void load(@TempDir Path tmp) throws Exception {
        reference = BlazeFaceDetector.load(DetectorOptions.builder().minScore((float) ConfigKeys.DEFAULT_MIN_SCORE).build());
        edgeDetector = BlazeFaceDetector.load(DetectorOptions.builder().minScore((float) ConfigKeys.DEFAULT_MIN_SCORE).build());
        crowd = CrowdComposer.fromDirectory(TestFrames.data("images"), reference,
                CrowdComposer.Settings.defaults().seed(SEED));
        // photos without faces (CrowdComposerTest: the detector finds none in them)
        Path dir = tmp.resolve("face-free");
        Files.createDirectories(dir);
        for (String name : new String[] {"coffee.png", "rocket.jpg"}) {
            Files.copy(TestFrames.data("images").resolve(name), dir.resolve(name));
        }
        faceFree = PhotoFrames.fromDirectory(dir, 0.8f);
    }

    @AfterAll
    static void close() {
        if (reference != null) reference.close();
        if (edgeDetector != null) edgeDetector.close();
    }

    private static SimulationReport run(FakeKinesis kinesis, RecordEncoder encoder) {
        KinesisFrameWriter writer = new KinesisFrameWriter(kinesis, StreamRef.name("frames"),
                new RetryPolicy(2, Duration.ZERO, Duration.ZERO), ms -> { }, new Random(1), encoder);
        return CameraSimulator.builder().stage("main", crowd).stage("tent", faceFree).camerasPerStage(2).fps(1)
                .framesPerCamera(2).sink(writer).clock(SimClock.simulated(START)).generatorThreads(2).build().run();
    }

    @Test
    void edgeCamerasSendExactlyTheCropsTheJobWouldMake() throws Exception {
        FakeKinesis edgeKinesis = new FakeKinesis();
        EdgeCamera edge = new EdgeCamera(edgeDetector, EdgeCamera.jobDefaultCrops());
        SimulationReport edgeRun = run(edgeKinesis, edge);
        FakeKinesis fullKinesis = new FakeKinesis();
        SimulationReport fullRun = run(fullKinesis, RecordEncoder.fullFrame());
        assertThat(edgeRun.ok()).as(edgeRun.summary()).isTrue();
        assertThat(fullRun.ok()).as(fullRun.summary()).isTrue();
        assertThat(edgeRun.framesGenerated()).isEqualTo(fullRun.framesGenerated()).isEqualTo(8);

        // every edge record is a face record; group them by frame, keeping the order they were put in
        Map<String, List<EdgeFace>> byFrame = new LinkedHashMap<>();
        long edgeBytes = 0;
        String previousFrame = null;
        for (PutRecordsRequestEntry e : edgeKinesis.accepted) {
            FrameRecord r = FrameCodec.decodeRecord(e.data().asByteArray());
            assertThat(r.frame()).as("edge mode sends no frames").isNull();
            EdgeFace f = r.face();
            assertThat(e.partitionKey()).isEqualTo(f.getCameraId());
            String key = f.getCameraId() + "#" + f.getSequenceNumber();
            if (!key.equals(previousFrame)) {
                assertThat(byFrame).as("records of one frame are consecutive").doesNotContainKey(key);
            }
            previousFrame = key;
            byFrame.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            edgeBytes += e.data().asByteArray().length + e.partitionKey().getBytes(StandardCharsets.UTF_8).length;
        }
        assertThat(edgeRun.bytesSent()).as("bytes into Kinesis, counted exactly").isEqualTo(edgeBytes);
        assertThat(edgeRun.recordsSent()).isEqualTo(edgeKinesis.accepted.size());
        assertThat(edgeRun.faceRecordsSent()).isEqualTo(edgeKinesis.accepted.size());
        assertThat(edgeRun.edge()).isTrue();
        assertThat(fullRun.edge()).isFalse();

        // the same frames, sent whole, as the job's embedded detection would see them
        FaceCropEncoder jobCrops = new FaceCropEncoder((float) ConfigKeys.DEFAULT_CROP_MARGIN,
                ConfigKeys.DEFAULT_CROP_MIN_SIDE_PX, (float) ConfigKeys.DEFAULT_CROP_JPEG_QUALITY);
        long fullBytes = 0;
        int faces = 0;
        int faceless = 0;
        List<String> perFrame = new ArrayList<>();
        assertThat(byFrame).hasSize(fullKinesis.accepted.size());
        for (PutRecordsRequestEntry e : fullKinesis.accepted) {
            fullBytes += e.data().asByteArray().length + e.partitionKey().getBytes(StandardCharsets.UTF_8).length;
            CameraFrame frame = FrameCodec.decode(e.data().asByteArray());
            BufferedImage image = Images.decode(frame.getImage());
            List<FaceBox> boxes = reference.detect(image);
            List<EdgeFace> got = byFrame.get(frame.getCameraId() + "#" + frame.getSequenceNumber());
            assertThat(got).as("records of %s#%d", frame.getCameraId(), frame.getSequenceNumber()).isNotNull();
            perFrame.add(frame.getCameraId() + "#" + frame.getSequenceNumber() + ": " + boxes.size() + " face(s)");
            for (EdgeFace f : got) {
                assertThat(f.getStageId()).isEqualTo(frame.getStageId());
                assertThat(f.getCaptureTimeMs()).isEqualTo(frame.getCaptureTimeMs());
                assertThat(f.getFrameWidth()).isEqualTo(image.getWidth());
                assertThat(f.getFrameHeight()).isEqualTo(image.getHeight());
            }
            if (boxes.isEmpty()) {
                faceless++;
                assertThat(got).hasSize(1);
                assertThat(got.get(0).isNoFace()).isTrue();
                assertThat(got.get(0).getImage()).isNull();
                continue;
            }
            assertThat(got).hasSize(boxes.size());
            for (int i = 0; i < boxes.size(); i++) {
                EdgeFace f = got.get(i);
                FaceBox b = boxes.get(i);
                assertThat(f.getFacesInFrame()).isEqualTo(boxes.size());
                assertThat(f.getFaceIndex()).isEqualTo(i);
                assertThat(new float[] {f.getBoxX(), f.getBoxY(), f.getBoxWidth(), f.getBoxHeight(), f.getScore()})
                        .containsExactly(b.x(), b.y(), b.width(), b.height(), b.score());
                assertThat(f.getMediaType()).isEqualTo(MediaType.JPEG);
                assertThat(f.getImage()).as("crop %d of %s#%d", i, frame.getCameraId(), frame.getSequenceNumber())
                        .isEqualTo(jobCrops.encode(image, b));
                faces++;
            }
        }
        assertThat(faces).as("crowd frames have faces").isPositive();
        assertThat(faceless).as("face-free photos give no-face records").isPositive();
        assertThat(edgeRun.facesSent()).isEqualTo(faces);
        assertThat(edgeRun.faceRecordsSent() - edgeRun.facesSent()).isEqualTo(faceless);
        assertThat(fullRun.bytesSent()).isEqualTo(fullBytes);
        assertThat(fullRun.recordsSent()).isEqualTo(8);

        double edgePerFrame = edgeRun.bytesPerFrame();
        double fullPerFrame = fullRun.bytesPerFrame();
        System.out.printf(Locale.ROOT, "Edge vs full frames (crowd 1280x720, %d-%d faces, seed %d, plus face-free photos): %s%n"
                        + "  full frames: %d frame(s), %d record(s), %d bytes, %.0f bytes/frame%n"
                        + "  edge:        %d frame(s), %d record(s), %d face(s), %d without faces, %d bytes, %.0f bytes/frame, "
                        + "%.0f bytes/face%n",
                CrowdComposer.Settings.defaults().facesMin(), CrowdComposer.Settings.defaults().facesMax(), SEED, perFrame,
                fullRun.framesSent(), fullRun.recordsSent(), fullRun.bytesSent(), fullPerFrame,
                edgeRun.framesSent(), edgeRun.recordsSent(), edgeRun.facesSent(), faceless, edgeRun.bytesSent(),
                edgePerFrame, edgeRun.bytesPerFace());
        // the crowd stage alone (the face-free photos make edge mode look cheaper than crowds are)
        long crowdFull = stageBytes(fullKinesis, "main-");
        long crowdEdge = stageBytes(edgeKinesis, "main-");
        long crowdFaces = byFrame.entrySet().stream().filter(en -> en.getKey().startsWith("main-"))
                .mapToLong(en -> en.getValue().stream().filter(f -> !f.isNoFace()).count()).sum();
        System.out.printf(Locale.ROOT, "  crowd stage only (4 frames 1280x720, %d faces, %.1f faces/frame): full %.0f bytes/frame,"
                        + " edge %.0f bytes/frame, %.0f bytes/face%n", crowdFaces, crowdFaces / 4.0, crowdFull / 4.0,
                crowdEdge / 4.0, (double) crowdEdge / crowdFaces);
        System.out.print(edgeRun.summary().lines().limit(2).map(l -> "  " + l + "\n").reduce("", String::concat));
        assertThat(edgePerFrame).isLessThan(fullPerFrame);
        assertThat(edgeRun.bytesPerFace()).isEqualTo((double) edgeBytes / faces);
        assertThat(edgeRun.summary()).contains("face(s)", "bytes/face", edgeBytes + " bytes");
    }

    private static long stageBytes(FakeKinesis kinesis, String cameraPrefix) {
        return kinesis.accepted.stream().filter(e -> e.partitionKey().startsWith(cameraPrefix))
                .mapToLong(e -> e.data().asByteArray().length + e.partitionKey().getBytes(StandardCharsets.UTF_8).length)
                .sum();
    }

    @Test
    void anUndecodableFrameFailsWithoutRecords() {
        FakeKinesis kinesis = new FakeKinesis();
        KinesisFrameWriter writer = new KinesisFrameWriter(kinesis, StreamRef.name("frames"),
                new RetryPolicy(2, Duration.ZERO, Duration.ZERO), ms -> { }, new Random(1),
                new EdgeCamera(edgeDetector, EdgeCamera.jobDefaultCrops()));
        CameraFrame notAnImage = TestFrames.frame("cam-1", 0, 100); // JPEG magic bytes, then filler
        WriteResult r = writer.write(List.of(notAnImage));
        assertThat(r.recordsSent()).isZero();
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.frame()).isSameAs(notAnImage);
            assertThat(f.errorCode()).isEqualTo("IMAGE_UNDECODABLE");
        });
        assertThat(kinesis.calls).isEmpty();
    }

    @Test
    void defaultsAreTheJobs() {
        FaceCropEncoder c = EdgeCamera.jobDefaultCrops();
        assertThat(c.margin()).isEqualTo((float) ConfigKeys.DEFAULT_CROP_MARGIN);
        assertThat(c.minSidePx()).isEqualTo(ConfigKeys.DEFAULT_CROP_MIN_SIDE_PX);
        assertThat(c.jpegQuality()).isEqualTo((float) ConfigKeys.DEFAULT_CROP_JPEG_QUALITY);
    }
}
