package dev.crowdemotion.frame;

import dev.crowdemotion.frame.FrameFormatException.Reason;
import dev.crowdemotion.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameCodecTest {
    private static final byte[] JPEG = TestData.image("grace_hopper_512x512.jpg");
    private static final byte[] PNG = TestData.image("astronaut.png");

    private static CameraFrame frame(byte[] image, MediaType type) {
        return new CameraFrame("cam-1", "main-stage", 1_763_769_600_123L, 42, type, image);
    }

    @Test
    void roundTripsJpegAndPngFrames() throws Exception {
        for (CameraFrame f : new CameraFrame[] {frame(JPEG, MediaType.JPEG), frame(PNG, MediaType.PNG)}) {
            byte[] record = FrameCodec.encode(f);
            assertThat(record).startsWith('C', 'E', 'F', 1);
            CameraFrame back = FrameCodec.decode(record);
            assertThat(back).isEqualTo(f);
            assertThat(back.getImage()).isEqualTo(f.getImage());
        }
    }

    @Test
    void headerIsReadableJsonForOtherImplementations() throws Exception {
        byte[] record = FrameCodec.encode(frame(JPEG, MediaType.JPEG));
        int len = ByteBuffer.wrap(record, 4, 4).getInt();
        String header = new String(record, 8, len, StandardCharsets.UTF_8);
        assertThat(header).contains("\"type\":\"frame\"", "\"cameraId\":\"cam-1\"", "\"stageId\":\"main-stage\"",
                "\"captureTimeMs\":1763769600123", "\"sequence\":42", "\"mediaType\":\"image/jpeg\"");
        assertThat(record.length - 8 - len).isEqualTo(JPEG.length);
    }

    @Test
    void rejectsMalformedRecordsWithReasons() throws Exception {
        byte[] good = FrameCodec.encode(frame(JPEG, MediaType.JPEG));
        assertReason(new byte[0], Reason.TRUNCATED);
        assertReason(Arrays.copyOf(good, 6), Reason.TRUNCATED);
        assertReason(Arrays.copyOf(good, 30), Reason.TRUNCATED);
        assertReason(JPEG, Reason.BAD_MAGIC);
        assertReason("hello world, not a frame".getBytes(StandardCharsets.UTF_8), Reason.BAD_MAGIC);

        byte[] v2 = good.clone();
        v2[3] = 2;
        assertReason(v2, Reason.UNSUPPORTED_VERSION);

        assertReason(withHeader("{not json", JPEG), Reason.BAD_HEADER);
        assertReason(withHeader("[1,2]", JPEG), Reason.BAD_HEADER);
        assertReason(withHeader("{\"type\":\"frame\",\"cameraId\":\"c\",\"stageId\":\"s\",\"sequence\":1,"
                + "\"mediaType\":\"image/jpeg\"}", JPEG), Reason.BAD_HEADER); // no captureTimeMs
        assertReason(withHeader(header("cam 1", "s", "image/jpeg"), JPEG), Reason.BAD_ID);
        assertReason(withHeader(header("c", "../../etc", "image/jpeg"), JPEG), Reason.BAD_ID);
        assertReason(withHeader(header("c", "s", "image/gif"), JPEG), Reason.BAD_MEDIA_TYPE);
        assertReason(withHeader(header("c", "s", "image/png"), JPEG), Reason.BAD_MEDIA_TYPE);
        assertReason(withHeader(header("c", "s", "image/jpeg"), new byte[0]), Reason.EMPTY_IMAGE);
        assertReason(withHeader(header("c", "s", "image/jpeg"), "GIF89a...".getBytes(StandardCharsets.US_ASCII)),
                Reason.BAD_MEDIA_TYPE);
        assertReason(withHeader(header("c", "s", "image/jpeg").replace("frame", "video-clip"), JPEG),
                Reason.UNSUPPORTED_RECORD_TYPE);
    }

    @Test
    void refusesToEncodeFramesOverTheKinesisRecordLimit() {
        byte[] big = Arrays.copyOf(JPEG, FrameCodec.MAX_RECORD_BYTES);
        assertThatThrownBy(() -> FrameCodec.encode(frame(big, MediaType.JPEG)))
                .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void refusesToEncodeMismatchedMediaTypeAndBadIds() {
        assertThatThrownBy(() -> FrameCodec.encode(frame(PNG, MediaType.JPEG)))
                .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MEDIA_TYPE));
        assertThatThrownBy(() -> FrameCodec.encode(new CameraFrame("", "s", 1, 1, MediaType.JPEG, JPEG)))
                .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_ID));
    }

    private static String header(String camera, String stage, String mime) {
        return "{\"type\":\"frame\",\"cameraId\":\"" + camera + "\",\"stageId\":\"" + stage
                + "\",\"captureTimeMs\":1,\"sequence\":1,\"mediaType\":\"" + mime + "\"}";
    }

    private static byte[] withHeader(String header, byte[] image) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + image.length)
                .put(new byte[] {'C', 'E', 'F', 1}).putInt(h.length).put(h).put(image).array();
    }

    private static void assertReason(byte[] record, Reason reason) {
        assertThatThrownBy(() -> FrameCodec.decode(record))
                .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
