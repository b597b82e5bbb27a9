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

    // ---- record type "face" (EdgeFace) ----

    private static final byte[] CROP = JPEG;

    private static EdgeFace face(int facesInFrame, int faceIndex, float x, float y, float w, float h, float score) {
        return EdgeFace.face("cam-1", "main-stage", 1_763_769_600_123L, 42, 1280, 720, facesInFrame, faceIndex,
                x, y, w, h, score, MediaType.JPEG, CROP);
    }

    private static EdgeFace noFace() {
        return EdgeFace.noFace("cam-1", "main-stage", 1_763_769_600_123L, 43, 1280, 720);
    }

    @Test
    void roundTripsAFaceRecordWithExactFloatBox() throws Exception {
        // fractional values as BlazeFace returns them, including ones without a short decimal form
        float[][] boxes = {
                {412.37518f, 96.02148f, 61.830322f, 63.91992f, 0.9137f},
                {0.1f, 1f / 3, (float) Math.PI * 10, (float) Math.E * 10, 0.6000001f},
                {-12.5f, -3.25f, 40f, 41f, 1f},        // partly outside the frame, overlapping it
                {1279.9999f, 719.9999f, 0.0001f, 1e-7f, 0f},
                {Math.nextUp(100f), Math.nextDown(200f), Float.MIN_NORMAL * 1e30f, 33.333332f, 0.99999994f}};
        for (float[] b : boxes) {
            EdgeFace f = face(3, 2, b[0], b[1], b[2], b[3], b[4]);
            byte[] record = FrameCodec.encode(f);
            assertThat(record).startsWith('C', 'E', 'F', 1);
            FrameRecord r = FrameCodec.decodeRecord(record);
            assertThat(r.frame()).isNull();
            EdgeFace back = r.face();
            assertThat(back).isEqualTo(f);
            assertThat(new float[] {back.getBoxX(), back.getBoxY(), back.getBoxWidth(), back.getBoxHeight(), back.getScore()})
                    .as("box and score bit for bit").containsExactly(b);
            assertThat(back.getImage()).isEqualTo(CROP);
            assertThat(back.isNoFace()).isFalse();
            assertThat(back.getFacesInFrame()).isEqualTo(3);
            assertThat(back.getFaceIndex()).isEqualTo(2);
            assertThat(back.getFrameWidth()).isEqualTo(1280);
            assertThat(back.getFrameHeight()).isEqualTo(720);
        }
        // PNG crops are allowed too
        EdgeFace png = EdgeFace.face("cam-1", "s", 1, 1, 640, 480, 1, 0, 10, 10, 50, 50, 0.7f, MediaType.PNG, PNG);
        assertThat(FrameCodec.decodeRecord(FrameCodec.encode(png)).face()).isEqualTo(png);
    }

    @Test
    void roundTripsANoFaceRecord() throws Exception {
        EdgeFace f = noFace();
        byte[] record = FrameCodec.encode(f);
        int len = ByteBuffer.wrap(record, 4, 4).getInt();
        assertThat(record.length).as("no image bytes").isEqualTo(8 + len);
        String header = new String(record, 8, len, StandardCharsets.UTF_8);
        assertThat(header).contains("\"type\":\"face\"", "\"facesInFrame\":0", "\"frameWidth\":1280",
                "\"frameHeight\":720").doesNotContain("box", "faceIndex", "mediaType", "score");
        EdgeFace back = FrameCodec.decodeRecord(record).face();
        assertThat(back).isEqualTo(f);
        assertThat(back.isNoFace()).isTrue();
        assertThat(back.getFaceIndex()).isEqualTo(-1);
        assertThat(back.getImage()).isNull();
        assertThat(back.getMediaType()).isNull();
    }

    @Test
    void faceHeaderIsReadableJson() throws Exception {
        byte[] record = FrameCodec.encode(face(2, 1, 412.5f, 96.25f, 61.75f, 64f, 0.875f));
        int len = ByteBuffer.wrap(record, 4, 4).getInt();
        String header = new String(record, 8, len, StandardCharsets.UTF_8);
        assertThat(header).contains("\"type\":\"face\"", "\"cameraId\":\"cam-1\"", "\"stageId\":\"main-stage\"",
                "\"captureTimeMs\":1763769600123", "\"sequence\":42", "\"frameWidth\":1280", "\"frameHeight\":720",
                "\"facesInFrame\":2", "\"faceIndex\":1", "\"box\":{\"x\":412.5,\"y\":96.25,\"width\":61.75,\"height\":64.0}",
                "\"score\":0.875", "\"mediaType\":\"image/jpeg\"");
        assertThat(record.length - 8 - len).isEqualTo(CROP.length);
    }

    @Test
    void refusesToEncodeInconsistentFaces() {
        assertEncodeReason(face(2, 2, 10, 10, 50, 50, 0.9f), Reason.BAD_FACE);       // faceIndex == facesInFrame
        assertEncodeReason(face(2, 5, 10, 10, 50, 50, 0.9f), Reason.BAD_FACE);       // faceIndex > facesInFrame
        assertEncodeReason(face(2, -1, 10, 10, 50, 50, 0.9f), Reason.BAD_FACE);
        assertEncodeReason(face(1, 0, 10, 10, 0, 50, 0.9f), Reason.BAD_FACE);        // zero width
        assertEncodeReason(face(1, 0, 10, 10, 50, -1, 0.9f), Reason.BAD_FACE);       // negative height
        assertEncodeReason(face(1, 0, 10, 10, Float.NaN, 50, 0.9f), Reason.BAD_FACE);
        assertEncodeReason(face(1, 0, 10, 10, Float.POSITIVE_INFINITY, 50, 0.9f), Reason.BAD_FACE);
        assertEncodeReason(face(1, 0, Float.NaN, 10, 50, 50, 0.9f), Reason.BAD_FACE);
        assertEncodeReason(face(1, 0, 1280, 10, 50, 50, 0.9f), Reason.BAD_FACE);     // right of the frame
        assertEncodeReason(face(1, 0, 10, 720, 50, 50, 0.9f), Reason.BAD_FACE);      // below the frame
        assertEncodeReason(face(1, 0, -50, 10, 50, 50, 0.9f), Reason.BAD_FACE);      // ends at the left edge
        assertEncodeReason(face(1, 0, 10, -60, 50, 50, 0.9f), Reason.BAD_FACE);      // above the frame
        assertEncodeReason(face(1, 0, 10, 10, 50, 50, 1.0001f), Reason.BAD_FACE);    // score > 1
        assertEncodeReason(face(1, 0, 10, 10, 50, 50, -0.1f), Reason.BAD_FACE);
        assertEncodeReason(face(1, 0, 10, 10, 50, 50, Float.NaN), Reason.BAD_FACE);
        assertEncodeReason(frameSized(0, 720), Reason.BAD_FACE);
        assertEncodeReason(frameSized(1280, 0), Reason.BAD_FACE);
        assertEncodeReason(frameSized(FrameCodec.MAX_FRAME_SIDE_PX + 1, 720), Reason.BAD_FACE);
        assertEncodeReason(frameSized(1280, FrameCodec.MAX_FRAME_SIDE_PX + 1), Reason.BAD_FACE);
        EdgeFace tooMany = face(FrameCodec.MAX_FACES_IN_FRAME + 1, 0, 10, 10, 50, 50, 0.9f);
        assertEncodeReason(tooMany, Reason.BAD_FACE);
        EdgeFace withImage = noFace();
        withImage.setImage(CROP);
        assertEncodeReason(withImage, Reason.BAD_FACE);
        EdgeFace noImage = face(1, 0, 10, 10, 50, 50, 0.9f);
        noImage.setImage(null);
        assertEncodeReason(noImage, Reason.EMPTY_IMAGE);
        noImage.setImage(new byte[0]);
        assertEncodeReason(noImage, Reason.EMPTY_IMAGE);
        EdgeFace mismatch = face(1, 0, 10, 10, 50, 50, 0.9f);
        mismatch.setImage(PNG);
        assertEncodeReason(mismatch, Reason.BAD_MEDIA_TYPE);
        mismatch.setMediaType(null);
        assertEncodeReason(mismatch, Reason.BAD_MEDIA_TYPE);
        EdgeFace badId = face(1, 0, 10, 10, 50, 50, 0.9f);
        badId.setCameraId("cam 1");
        assertEncodeReason(badId, Reason.BAD_ID);
        EdgeFace big = face(1, 0, 10, 10, 50, 50, 0.9f);
        big.setImage(Arrays.copyOf(JPEG, FrameCodec.MAX_RECORD_BYTES));
        assertEncodeReason(big, Reason.TOO_LARGE);
        // the limits themselves are allowed
        assertThatNoFaceException(frameSized(FrameCodec.MAX_FRAME_SIDE_PX, 1));
        assertThatNoFaceException(face(FrameCodec.MAX_FACES_IN_FRAME, FrameCodec.MAX_FACES_IN_FRAME - 1, 10, 10, 50, 50, 1f));
    }

    @Test
    void rejectsMalformedFaceRecordsWithReasons() {
        String box = "\"box\":{\"x\":10.5,\"y\":20.25,\"width\":50.0,\"height\":60.0}";
        assertRecordReason(faceRecord(2, 2, box, 0.9, "image/jpeg", CROP), Reason.BAD_FACE);     // index >= count
        assertRecordReason(faceRecord(1, 0, box.replace("50.0", "0.0"), 0.9, "image/jpeg", CROP), Reason.BAD_FACE);
        assertRecordReason(faceRecord(1, 0, box.replace("60.0", "-4.0"), 0.9, "image/jpeg", CROP), Reason.BAD_FACE);
        assertRecordReason(faceRecord(1, 0, box.replace("10.5", "2000.0"), 0.9, "image/jpeg", CROP), Reason.BAD_FACE);
        assertRecordReason(faceRecord(1, 0, box.replace("20.25", "-70.0"), 0.9, "image/jpeg", CROP), Reason.BAD_FACE);
        assertRecordReason(faceRecord(1, 0, box, 1.5, "image/jpeg", CROP), Reason.BAD_FACE);          // score > 1
        assertRecordReason(faceRecord(FrameCodec.MAX_FACES_IN_FRAME + 1, 0, box, 0.9, "image/jpeg", CROP), Reason.BAD_FACE);
        assertRecordReason(withHeader(faceHeader(0, 720, 1, 0, box, 0.9, "image/jpeg"), CROP), Reason.BAD_FACE);
        assertRecordReason(withHeader(faceHeader(1280, 0, 0, -1, null, 0, null), new byte[0]), Reason.BAD_FACE);
        assertRecordReason(withHeader(faceHeader(FrameCodec.MAX_FRAME_SIDE_PX + 1, 720, 1, 0, box, 0.9, "image/jpeg"), CROP),
                Reason.BAD_FACE);
        assertRecordReason(faceRecord(1, 0, null, 0.9, "image/jpeg", CROP), Reason.BAD_HEADER);       // missing box
        assertRecordReason(faceRecord(1, 0, "\"box\":[1,2,3,4]", 0.9, "image/jpeg", CROP), Reason.BAD_HEADER);
        assertRecordReason(faceRecord(1, 0, box.replace("50.0", "\"50\""), 0.9, "image/jpeg", CROP), Reason.BAD_HEADER);
        assertRecordReason(faceRecord(1, -1, box, 0.9, "image/jpeg", CROP), Reason.BAD_HEADER);       // negative index
        assertRecordReason(withHeader(faceHeader(1280, 720, 0, -1, null, 0, null), CROP), Reason.BAD_FACE); // no-face + image
        assertRecordReason(faceRecord(1, 0, box, 0.9, "image/jpeg", new byte[0]), Reason.EMPTY_IMAGE);
        assertRecordReason(faceRecord(1, 0, box, 0.9, "image/png", CROP), Reason.BAD_MEDIA_TYPE);     // mismatch
        assertRecordReason(faceRecord(1, 0, box, 0.9, "image/gif", CROP), Reason.BAD_MEDIA_TYPE);
        assertRecordReason(faceRecord(1, 0, box, 0.9, "image/jpeg", "GIF89a...".getBytes(StandardCharsets.US_ASCII)),
                Reason.BAD_MEDIA_TYPE);
    }

    @Test
    void decodeOfFramesOnlyRejectsFaceRecords() throws Exception {
        for (EdgeFace f : new EdgeFace[] {face(1, 0, 10, 10, 50, 50, 0.9f), noFace()}) {
            byte[] record = FrameCodec.encode(f);
            assertReason(record, Reason.UNSUPPORTED_RECORD_TYPE);
            assertThat(FrameCodec.decodeRecord(record).face()).isEqualTo(f);
        }
        // and decodeRecord returns frames of a frame record
        CameraFrame frame = frame(JPEG, MediaType.JPEG);
        FrameRecord r = FrameCodec.decodeRecord(FrameCodec.encode(frame));
        assertThat(r.face()).isNull();
        assertThat(r.frame()).isEqualTo(frame);
    }

    private static EdgeFace frameSized(int w, int h) {
        return EdgeFace.face("cam-1", "main-stage", 1, 1, w, h, 1, 0, 0, 0, 1, 1, 0.9f, MediaType.JPEG, CROP);
    }

    private static void assertThatNoFaceException(EdgeFace f) {
        try {
            assertThat(FrameCodec.decodeRecord(FrameCodec.encode(f)).face()).isEqualTo(f);
        } catch (FrameFormatException e) {
            throw new AssertionError(f + " should be valid", e);
        }
    }

    private static String faceHeader(int frameW, int frameH, int faces, int index, String box, double score, String mime) {
        StringBuilder sb = new StringBuilder("{\"type\":\"face\",\"cameraId\":\"c\",\"stageId\":\"s\",\"captureTimeMs\":1,"
                + "\"sequence\":1,\"frameWidth\":" + frameW + ",\"frameHeight\":" + frameH + ",\"facesInFrame\":" + faces);
        if (faces > 0) {
            sb.append(",\"faceIndex\":").append(index);
            if (box != null) sb.append(',').append(box);
            sb.append(",\"score\":").append(score).append(",\"mediaType\":\"").append(mime).append('"');
        }
        return sb.append('}').toString();
    }

    private static byte[] faceRecord(int faces, int index, String box, double score, String mime, byte[] image) {
        return withHeader(faceHeader(1280, 720, faces, index, box, score, mime), image);
    }

    private static void assertEncodeReason(EdgeFace face, Reason reason) {
        assertThatThrownBy(() -> FrameCodec.encode(face)).as("%s", face)
                .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static void assertRecordReason(byte[] record, Reason reason) {
        assertThatThrownBy(() -> FrameCodec.decodeRecord(record))
                .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
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
