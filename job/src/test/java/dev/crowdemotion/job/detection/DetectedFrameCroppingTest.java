package dev.crowdemotion.job.detection;

import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.Images;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DetectedFrameCroppingTest {
    /**
     * The model server writes each box as double ratios ({@code x / W}, {@code (x + w) / W});
     * turning them back into pixels must give the detector's float coordinates exactly, so that
     * SageMaker and embedded detection crop the same pixels.
     */
    @Test
    void ratiosOfTheObjectDetectionFormatGiveBackTheDetectorsPixelsExactly() throws Exception {
        Path data = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("data");
        List<Path> photos;
        try (Stream<Path> s = Files.list(data.resolve("faces-voc"))) {
            photos = s.filter(p -> p.toString().endsWith(".jpg")).sorted().collect(Collectors.toList());
        }
        int faces = 0;
        try (BlazeFaceDetector detector = BlazeFaceDetector.load(DetectorOptions.builder().build())) {
            for (Path photo : photos) {
                BufferedImage image = Images.decode(Files.readAllBytes(photo));
                int w = image.getWidth();
                int h = image.getHeight();
                List<FaceBox> boxes = detector.detect(image);
                double[] ratios = new double[boxes.size() * 5];
                for (int i = 0; i < boxes.size(); i++) {
                    FaceBox b = boxes.get(i);
                    ratios[i * 5] = b.score();
                    ratios[i * 5 + 1] = (double) b.x() / w;
                    ratios[i * 5 + 2] = (double) b.y() / h;
                    ratios[i * 5 + 3] = ((double) b.x() + b.width()) / w;
                    ratios[i * 5 + 4] = ((double) b.y() + b.height()) / h;
                }
                List<FaceBox> back = DetectedFrameCropping.toPixels(ratios, w, h);
                for (int i = 0; i < boxes.size(); i++) {
                    FaceBox a = boxes.get(i);
                    FaceBox b = back.get(i);
                    assertThat(new float[] {b.x(), b.y(), b.width(), b.height(), b.score()}).as("%s face %d", photo, i)
                            .containsExactly(a.x(), a.y(), a.width(), a.height(), a.score());
                    faces++;
                }
            }
        }
        assertThat(faces).isGreaterThan(30);
    }
}
