package dev.crowdemotion.job.detection;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.vision.FaceBox;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class FrameCropsTest {
    private static final CameraFrame FRAME = new CameraFrame("cam-1", "main", 1000, 5, MediaType.JPEG, new byte[10]);

    private static CrowdEmotionConfig config(int maxFaces) {
        Properties src = new Properties();
        src.setProperty(ConfigKeys.STREAM_ARN, "arn:aws:kinesis:eu-west-1:000000000000:stream/frames");
        Properties det = new Properties();
        det.setProperty(ConfigKeys.MAX_FACES_PER_FRAME, Integer.toString(maxFaces));
        return new CrowdEmotionConfig(Map.of(ConfigKeys.GROUP_FRAME_SOURCE, src, ConfigKeys.GROUP_DETECTION, det));
    }

    private static final class ListCollector implements Collector<FaceCrop> {
        final List<FaceCrop> out = new ArrayList<>();
        @Override public void collect(FaceCrop c) { out.add(c); }
        @Override public void close() {}
    }

    @Test
    void beyondTheCapTheHighestScoringFacesAreKeptAndOneDeadLetterCountsTheRest() {
        BufferedImage image = new BufferedImage(1000, 100, BufferedImage.TYPE_INT_RGB);
        List<FaceBox> faces = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // scores not sorted: 0.70, 0.71, ... cycling
            faces.add(new FaceBox(i * 3, 10, 20, 20, 0.7f + (i % 30) / 100f));
        }
        ListCollector c = new ListCollector();
        DeadLetter dl = new FrameCrops(config(64)).emit(FRAME, image, faces, c);

        assertThat(c.out.get(0).isFrameMarker()).isTrue();
        assertThat(c.out.get(0).getFacesInFrame()).isEqualTo(64);
        assertThat(c.out).hasSize(65);
        // the 64 best: the ten faces of each score 0.99 .. 0.94, then four of 0.93 (first ones: stable)
        assertThat(c.out.subList(1, 65)).allSatisfy(f -> assertThat(f.getDetectorScore()).isGreaterThanOrEqualTo(0.93f));
        assertThat(dl.getReason()).isEqualTo("TOO_MANY_FACES");
        assertThat(dl.getStep()).isEqualTo(DeadLetter.Step.DETECTION);
        assertThat(dl.getDetail()).isEqualTo("detected=300 kept=64 dropped=236");
        assertThat(dl.getCameraId()).isEqualTo("cam-1");

        ListCollector few = new ListCollector();
        assertThat(new FrameCrops(config(64)).emit(FRAME, image, faces.subList(0, 64), few)).isNull();
        assertThat(few.out).hasSize(65);
    }

    @Test
    void framesUnderRekognitionsMinimumSideAreTooSmall() {
        assertThat(FrameCrops.checkSize(FRAME, new BufferedImage(80, 80, BufferedImage.TYPE_INT_RGB))).isNull();
        DeadLetter dl = FrameCrops.checkSize(FRAME, new BufferedImage(640, 79, BufferedImage.TYPE_INT_RGB));
        assertThat(dl.getReason()).isEqualTo("IMAGE_TOO_SMALL");
        assertThat(dl.getDetail()).contains("640x79");
    }
}
