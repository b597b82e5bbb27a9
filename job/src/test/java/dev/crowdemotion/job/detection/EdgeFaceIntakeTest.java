package dev.crowdemotion.job.detection;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.EdgeFace;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.ingest.FrameRouter;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.FaceCropEncoder;
import dev.crowdemotion.vision.Images;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faces detected "on the camera" (BlazeFace and {@link FaceCropEncoder}, as camera-simulator's edge
 * mode does) must become exactly the crops embedded detection makes of the whole frame.
 */
class EdgeFaceIntakeTest {
    private static final Path DATA = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("data");

    private static CrowdEmotionConfig config() {
        Properties src = new Properties();
        src.setProperty(ConfigKeys.STREAM_ARN, "arn:aws:kinesis:us-east-1:000000000000:stream/frames");
        return new CrowdEmotionConfig(Map.of(ConfigKeys.GROUP_FRAME_SOURCE, src));
    }

    private static <O> OneInputStreamOperatorTestHarness<O, FaceCrop> open(OneInputStreamOperatorTestHarness<O, FaceCrop> h)
            throws Exception {
        h.open();
        return h;
    }

    @Test
    void edgeFacesBecomeTheCropsEmbeddedDetectionMakes() throws Exception {
        CrowdEmotionConfig config = config();
        byte[] jpeg = Files.readAllBytes(firstVocPhoto()); // a group photo: several faces
        CameraFrame frame = new CameraFrame("cam-1", "main", 10_000, 7, MediaType.JPEG, jpeg);

        // the camera's side: detect on the frame it would have sent, crop with the job's settings
        BufferedImage image = Images.decode(jpeg);
        List<FaceBox> boxes;
        try (BlazeFaceDetector detector = BlazeFaceDetector.load(
                DetectorOptions.builder().minScore((float) config.minScore()).build())) {
            boxes = detector.detect(image);
        }
        assertThat(boxes).hasSizeGreaterThan(1);
        FaceCropEncoder encoder = FrameCrops.encoder(config);

        List<FaceCrop> embedded;
        try (OneInputStreamOperatorTestHarness<CameraFrame, FaceCrop> h =
                     open(new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new FaceDetectionFunction(config))))) {
            h.processElement(new StreamRecord<>(frame, frame.getCaptureTimeMs()));
            embedded = h.extractOutputValues();
        }
        List<FaceCrop> edge;
        try (OneInputStreamOperatorTestHarness<EdgeFace, FaceCrop> h =
                     open(new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new EdgeFaceIntake(config))))) {
            for (int i = 0; i < boxes.size(); i++) {
                FaceBox b = boxes.get(i);
                h.processElement(new StreamRecord<>(EdgeFace.face("cam-1", "main", 10_000, 7, image.getWidth(),
                        image.getHeight(), boxes.size(), i, b.x(), b.y(), b.width(), b.height(), b.score(),
                        MediaType.JPEG, encoder.encode(image, b)), 10_000));
            }
            edge = h.extractOutputValues();
        }
        assertThat(edge).hasSize(boxes.size() + 1);
        assertThat(edge).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(embedded);
        assertThat(edge.get(0).isFrameMarker()).isTrue();
        assertThat(edge.get(0).getFacesInFrame()).isEqualTo(boxes.size());
    }

    private static Path firstVocPhoto() throws Exception {
        try (var s = Files.list(DATA.resolve("faces-voc"))) {
            return s.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void noFaceReportsAreCountedSmallCropsEnlargedBrokenCropsDeadLettered() throws Exception {
        CrowdEmotionConfig config = config();
        BufferedImage photo = Images.decode(Files.readAllBytes(firstVocPhoto()));
        byte[] small = Images.encodeJpeg(photo.getSubimage(0, 0, 40, 50), 0.9f);
        byte[] broken = Arrays.copyOf(small, small.length / 2);
        try (OneInputStreamOperatorTestHarness<EdgeFace, FaceCrop> h =
                     open(new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new EdgeFaceIntake(config))))) {
            h.processElement(new StreamRecord<>(EdgeFace.noFace("cam-1", "main", 1_000, 1, 1280, 720), 1_000));
            h.processElement(new StreamRecord<>(EdgeFace.face("cam-1", "main", 2_000, 2, 1280, 720, 2, 0,
                    100, 100, 30, 40, 0.9f, MediaType.JPEG, small), 2_000));
            h.processElement(new StreamRecord<>(EdgeFace.face("cam-1", "main", 2_000, 2, 1280, 720, 2, 1,
                    400, 100, 30, 40, 0.8f, MediaType.JPEG, broken), 2_000));
            List<FaceCrop> out = h.extractOutputValues();
            assertThat(out).hasSize(3);
            assertThat(out.get(0).isFrameMarker()).isTrue();
            assertThat(out.get(0).getFacesInFrame()).isZero();
            assertThat(out.get(1).isFrameMarker()).isTrue();
            assertThat(out.get(1).getFacesInFrame()).isEqualTo(2);
            FaceCrop face = out.get(2);
            assertThat(face.getLeft()).isEqualTo(100f / 1280);
            assertThat(face.getHeight()).isEqualTo(40f / 720);
            BufferedImage enlarged = Images.decode(face.getJpeg());
            assertThat(Math.min(enlarged.getWidth(), enlarged.getHeight())).isEqualTo(config.cropMinSidePx());
            assertThat(h.getSideOutput(FrameRouter.DEAD_LETTERS)).extracting(StreamRecord::getValue)
                    .extracting(DeadLetter::getReason).containsExactly("IMAGE_UNDECODABLE");
        }
    }
}
