package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.MediaType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Helpers shared by the tests. */
final class TestFrames {
    private TestFrames() {}

    /** A "JPEG" of {@code size} bytes (magic bytes + filler): enough for the codec, not decodable. */
    static byte[] fakeJpeg(int size, int fill) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) fill);
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[2] = (byte) 0xFF;
        return b;
    }

    static CameraFrame frame(String camera, long seq, int imageBytes) {
        return new CameraFrame(camera, "stage-1", 1_700_000_000_000L + seq, seq, MediaType.JPEG, fakeJpeg(imageBytes, (int) seq));
    }

    /** A generator of small fake frames whose bytes encode camera and sequence. */
    static FrameGenerator fakeGenerator(int imageBytes) {
        return (cameraId, stageId, sequence, captureTimeMs) -> {
            byte[] img = fakeJpeg(imageBytes, (int) (Seeds.mix(0, cameraId, sequence) & 0x7F));
            return new CameraFrame(cameraId, stageId, captureTimeMs, sequence, MediaType.JPEG, img);
        };
    }

    /** The repository's data folder ({@code data/<sub>}), found from the working directory upwards. */
    static Path data(String sub) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path c = d.resolve("data").resolve(sub);
            if (Files.isDirectory(c)) return c;
        }
        throw new IllegalStateException("data/" + sub + " not found above " + Path.of("").toAbsolutePath());
    }
}
