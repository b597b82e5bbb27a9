package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.Images;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Crowd frames from the real photos, checked with the real BlazeFace detector. */
class CrowdComposerTest {
    static BlazeFaceDetector detector;
    static CrowdComposer images;   // data/images: 3 faces, 4 backdrop photos
    static CrowdComposer voc;      // data/faces-voc: many faces, generated backdrops

    @BeforeAll
    static void load() throws Exception {
        detector = BlazeFaceDetector.loadDefault();
        images = CrowdComposer.fromDirectory(TestFrames.data("images"), detector, CrowdComposer.Settings.defaults().seed(42));
        voc = CrowdComposer.fromDirectory(TestFrames.data("faces-voc"), detector,
                CrowdComposer.Settings.defaults().seed(7).backdrop(CrowdComposer.Backdrop.GENERATED));
    }

    @AfterAll
    static void close() {
        if (detector != null) detector.close();
    }

    @Test
    void findsFacesAndBackdropsInThePhotos() {
        assertThat(images.sprites()).extracting(CrowdComposer.FaceSprite::source)
                .contains("astronaut.png", "grace_hopper_512x512.jpg");
        assertThat(images.sprites()).extracting(CrowdComposer.FaceSprite::source)
                .doesNotContain("chelsea.png", "coffee.png", "rocket.jpg", "hubble_deep_field.jpg");
        assertThat(images.backgroundCount()).isBetween(1, 4);
        assertThat(voc.sprites()).hasSizeGreaterThanOrEqualTo(10);
        assertThat(voc.backgroundCount()).isZero();
    }

    @Test
    void crowdFrameHasTheRequestedSizeDecodesAndFitsTheRecordLimit() throws Exception {
        CameraFrame f = images.next("main-cam-1", "main", 0, 1_700_000_000_000L);
        assertThat(f.getMediaType()).isEqualTo(MediaType.JPEG);
        assertThat(f.getCameraId()).isEqualTo("main-cam-1");
        assertThat(f.getStageId()).isEqualTo("main");
        assertThat(f.getSequenceNumber()).isZero();
        assertThat(f.getCaptureTimeMs()).isEqualTo(1_700_000_000_000L);
        BufferedImage img = Images.decode(f.getImage());
        assertThat(img.getWidth()).isEqualTo(1280);
        assertThat(img.getHeight()).isEqualTo(720);
        assertThat(FrameCodec.encode(f).length).isLessThan(FrameCodec.MAX_RECORD_BYTES);

        CrowdComposer small = CrowdComposer.fromPhotos(Photos.load(TestFrames.data("images")), detector,
                CrowdComposer.Settings.defaults().size(640, 480).faces(2, 3).faceSize(50, 120));
        CrowdComposer.Composition c = small.compose("c", "s", 3);
        assertThat(c.image().getWidth()).isEqualTo(640);
        assertThat(c.image().getHeight()).isEqualTo(480);
        assertThat(c.faces()).hasSizeBetween(2, 3);
    }

    @Test
    void deterministicForASeed() throws Exception {
        CameraFrame a = images.next("main-cam-1", "main", 5, 1L);
        CrowdComposer again = CrowdComposer.fromDirectory(TestFrames.data("images"), detector,
                CrowdComposer.Settings.defaults().seed(42));
        CameraFrame b = again.next("main-cam-1", "main", 5, 1L);
        assertThat(b.getImage()).isEqualTo(a.getImage());
        // order of generation does not matter
        images.next("main-cam-2", "main", 9, 1L);
        assertThat(images.next("main-cam-1", "main", 5, 1L).getImage()).isEqualTo(a.getImage());
        // another seed, camera or frame gives another picture
        CrowdComposer otherSeed = CrowdComposer.fromDirectory(TestFrames.data("images"), detector,
                CrowdComposer.Settings.defaults().seed(43));
        assertThat(otherSeed.next("main-cam-1", "main", 5, 1L).getImage()).isNotEqualTo(a.getImage());
        assertThat(images.next("main-cam-2", "main", 5, 1L).getImage()).isNotEqualTo(a.getImage());
        assertThat(images.next("main-cam-1", "main", 6, 1L).getImage()).isNotEqualTo(a.getImage());
    }

    @Test
    void aCameraKeepsItsCrowdWithinAScene() {
        CrowdComposer.Composition f0 = images.compose("cam", "stage", 0);
        CrowdComposer.Composition f1 = images.compose("cam", "stage", 1);
        CrowdComposer.Composition f10 = images.compose("cam", "stage", 10);
        assertThat(f1.faces()).hasSameSizeAs(f0.faces());
        for (int i = 0; i < f0.faces().size(); i++) {
            assertThat(f1.faces().get(i).iou(f0.faces().get(i))).as("jitter only").isGreaterThan(0.8f);
        }
        assertThat(f10.faces()).isNotEqualTo(f0.faces());
    }

    @Test
    void pastedFacesDoNotOverlapAndStayInTheFrame() {
        for (int seq = 0; seq < 60; seq += 10) {
            for (CrowdComposer composer : List.of(images, voc)) {
                List<FaceBox> faces = composer.compose("cam-" + seq, "s", seq).faces();
                assertThat(faces).hasSizeBetween(4, 12);
                for (int i = 0; i < faces.size(); i++) {
                    FaceBox a = faces.get(i);
                    assertThat(a.x()).isGreaterThanOrEqualTo(0);
                    assertThat(a.y()).isGreaterThanOrEqualTo(0);
                    assertThat(a.x() + a.width()).isLessThanOrEqualTo(1280);
                    assertThat(a.y() + a.height()).isLessThanOrEqualTo(720);
                    assertThat(a.width()).isBetween(59f, 201f);
                    for (int j = i + 1; j < faces.size(); j++) {
                        assertThat(a.iou(faces.get(j))).isZero();
                    }
                }
            }
        }
    }

    @Test
    void theDetectorFindsMostPastedFaces() throws Exception {
        int pasted = 0, found = 0;
        StringBuilder log = new StringBuilder();
        for (CrowdComposer composer : List.of(images, voc)) {
            for (int k = 0; k < 4; k++) {
                String cam = "cam-" + k;
                CrowdComposer.Composition c = composer.compose(cam, "stage", k * 10L);
                CameraFrame f = composer.next(cam, "stage", k * 10L, 0);
                List<FaceBox> detected = detector.detect(Images.decode(f.getImage()));
                int hits = 0;
                for (FaceBox p : c.faces()) {
                    if (detected.stream().anyMatch(d -> d.iou(p) >= 0.3f)) hits++;
                }
                pasted += c.faces().size();
                found += hits;
                log.append(cam).append(": ").append(hits).append('/').append(c.faces().size())
                        .append(" (").append(detected.size()).append(" detections)\n");
                assertThat(detected.size()).as("faces detected in the frame").isGreaterThanOrEqualTo((int) Math.ceil(0.5 * c.faces().size()));
            }
        }
        System.out.println("pasted faces found by BlazeFace: " + found + "/" + pasted + "\n" + log);
        assertThat(found).as(log.toString()).isGreaterThanOrEqualTo((int) Math.ceil(0.7 * pasted));
    }

    @Test
    void rejectsFolderWithoutFacesAndBadSettings(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Files.copy(TestFrames.data("images").resolve("coffee.png"), tmp.resolve("coffee.png"));
        assertThatThrownBy(() -> CrowdComposer.fromDirectory(tmp, detector, CrowdComposer.Settings.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no faces");
        assertThatThrownBy(() -> CrowdComposer.fromDirectory(TestFrames.data("images"), detector,
                CrowdComposer.Settings.defaults().faces(5, 2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CrowdComposer.fromDirectory(TestFrames.data("faces-voc"), detector,
                CrowdComposer.Settings.defaults().backdrop(CrowdComposer.Backdrop.PHOTOS)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PHOTOS");
    }

    /** Writes sample frames to target/crowd-samples for a look (not an assertion). */
    @Test
    void writeSamples() throws Exception {
        Path out = Path.of("target", "crowd-samples");
        Files.createDirectories(out);
        byte[] a = images.next("main-cam-1", "main", 0, 0).getImage();
        byte[] b = voc.next("main-cam-1", "main", 0, 0).getImage();
        Files.write(out.resolve("images.jpg"), a);
        Files.write(out.resolve("voc.jpg"), b);
        javax.imageio.ImageIO.write(Images.decode(a), "png", out.resolve("images.png").toFile());
        javax.imageio.ImageIO.write(Images.decode(b), "png", out.resolve("voc.png").toFile());
    }
}
