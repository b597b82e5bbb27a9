package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.vision.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhotoFramesTest {
    @TempDir
    Path tmp;

    @Test
    void cyclesThePhotosAsTheyAre() throws Exception {
        Path dir = TestFrames.data("images");
        PhotoFrames photos = PhotoFrames.fromDirectory(dir);
        assertThat(photos.names()).containsExactly("astronaut.png", "camera.png", "chelsea.png", "coffee.png",
                "grace_hopper_512x512.jpg", "hubble_deep_field.jpg", "rocket.jpg");
        Set<Integer> seen = new HashSet<>();
        for (int seq = 0; seq < 7; seq++) {
            CameraFrame f = photos.next("main-cam-1", "main", seq, 1000L + seq);
            int idx = photos.photoIndex("main-cam-1", seq);
            seen.add(idx);
            assertThat(f.getImage()).isEqualTo(Files.readAllBytes(dir.resolve(photos.names().get(idx))));
            assertThat(f.getMediaType()).isEqualTo(MediaType.sniff(f.getImage()));
            assertThat(f.getSequenceNumber()).isEqualTo(seq);
            assertThat(f.getCaptureTimeMs()).isEqualTo(1000L + seq);
            assertThat(FrameCodec.encode(f).length).isLessThanOrEqualTo(FrameCodec.MAX_RECORD_BYTES);
        }
        assertThat(seen).hasSize(7);
        assertThat(photos.photoIndex("main-cam-1", 7)).isEqualTo(photos.photoIndex("main-cam-1", 0));
    }

    @Test
    void transcodesToJpegOnRequest() throws Exception {
        PhotoFrames photos = PhotoFrames.fromDirectory(TestFrames.data("images"), 0.7f);
        for (int seq = 0; seq < 7; seq++) {
            CameraFrame f = photos.next("c", "s", seq, 0);
            assertThat(f.getMediaType()).isEqualTo(MediaType.JPEG);
            assertThat(Images.decode(f.getImage()).getWidth()).isGreaterThan(0);
        }
    }

    @Test
    void photosOverTheRecordLimitAreReducedToFit() throws Exception {
        // 1400x1400 random noise: a PNG of ~5.9 MB and a large JPEG
        BufferedImage noise = new BufferedImage(1400, 1400, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(3);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) noise.setRGB(x, y, rnd.nextInt(0x1000000));
        }
        ImageIO.write(noise, "png", tmp.resolve("noise.png").toFile());
        assertThat(Files.size(tmp.resolve("noise.png"))).isGreaterThan(FrameCodec.MAX_RECORD_BYTES);
        PhotoFrames photos = PhotoFrames.fromDirectory(tmp);
        CameraFrame f = photos.next("cam", "stage", 0, 0);
        assertThat(f.getMediaType()).isEqualTo(MediaType.JPEG);
        assertThat(f.getImage().length).isLessThanOrEqualTo(FrameFitter.MAX_IMAGE_BYTES);
        assertThat(FrameCodec.encode(f).length).isLessThanOrEqualTo(FrameCodec.MAX_RECORD_BYTES);
        BufferedImage decoded = Images.decode(f.getImage());
        assertThat(decoded.getWidth()).isEqualTo(decoded.getHeight()).isLessThanOrEqualTo(1400);

        // and a frame that needs downscaling, not just recompression
        FrameFitter.Encoded small = FrameFitter.encodeJpeg(noise, 0.9f, 100_000, "noise");
        assertThat(small.bytes().length).isLessThanOrEqualTo(100_000);
        assertThat(small.reduced()).isTrue();
        assertThat(small.width()).isLessThan(1400);
        assertThat(Images.decode(small.bytes()).getWidth()).isEqualTo(small.width());
    }

    @Test
    void rejectsFoldersWithoutPhotos() throws IOException {
        assertThatThrownBy(() -> PhotoFrames.fromDirectory(tmp)).isInstanceOf(IOException.class).hasMessageContaining("no .jpg");
        assertThatThrownBy(() -> PhotoFrames.fromDirectory(tmp.resolve("missing"))).isInstanceOf(IOException.class);
        Files.writeString(tmp.resolve("broken.jpg"), "not a jpeg");
        assertThatThrownBy(() -> PhotoFrames.fromDirectory(tmp)).isInstanceOf(IOException.class).hasMessageContaining("broken.jpg");
    }
}
