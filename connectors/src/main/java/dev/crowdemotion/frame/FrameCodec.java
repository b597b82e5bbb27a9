package dev.crowdemotion.frame;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crowdemotion.frame.FrameFormatException.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Encodes and decodes the camera frame Kinesis record format, version 1.
 *
 * <pre>
 * offset  size  field
 * 0       3     magic, ASCII "CEF" (crowd emotion frame)
 * 3       1     envelope version, 1
 * 4       4     header length N, unsigned big-endian, 2 .. 16384
 * 8       N     header, UTF-8 JSON object:
 *                 {"type":"frame", "cameraId":..., "stageId":..., "captureTimeMs":...,
 *                  "sequence":..., "mediaType":"image/jpeg"|"image/png"}
 *               or, for a face detected on the camera ({@link EdgeFace}), type "face" with
 *                  "frameWidth", "frameHeight", "facesInFrame", "faceIndex",
 *                  "box": {"x", "y", "width", "height"} (pixels), "score", "mediaType"
 * 8+N     rest  the encoded image (JPEG or PNG), at least 1 byte; the face crop for a face
 *               record, nothing for a face record with facesInFrame 0
 * </pre>
 *
 * The partition key is the camera id. Kinesis limits a record (data plus partition key) to
 * 1 MiB ({@link #MAX_RECORD_BYTES}); {@link #encode} refuses larger frames, so the producer
 * must downscale or recompress them first. The full specification is {@code docs/frame-contract.md}.
 *
 * <p>Thread-safe and stateless.
 */
public final class FrameCodec {
    /** Envelope version written by {@link #encode}. */
    public static final int VERSION = 1;
    /** Kinesis' limit on data blob plus partition key, in bytes (1 MiB). */
    public static final int MAX_RECORD_BYTES = 1024 * 1024;
    /** Upper bound on the header length, in bytes. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Record type of a full camera frame. */
    public static final String TYPE_FRAME = "frame";
    /** Record type of one face detected on the camera (edge mode), see {@link EdgeFace}. */
    public static final String TYPE_FACE = "face";
    /** Largest frame width or height a face record may declare, pixels. */
    public static final int MAX_FRAME_SIDE_PX = 16_384;
    /** Largest face count a face record may declare. */
    public static final int MAX_FACES_IN_FRAME = 1_000;
    /**
     * Id rule for camera and stage ids: 1 to 64 characters, ASCII letters, digits, '.', '_', '-',
     * starting with a letter or digit. Keeps DynamoDB keys and metric dimensions well-formed.
     */
    public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final byte[] MAGIC = {'C', 'E', 'F'};
    private static final int PREAMBLE = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private FrameCodec() {}

    /**
     * Encodes a frame as a record's data blob.
     *
     * @throws FrameFormatException with {@link Reason#BAD_ID}, {@link Reason#BAD_MEDIA_TYPE},
     *     {@link Reason#EMPTY_IMAGE} or {@link Reason#TOO_LARGE} if the frame breaks the contract
     */
    public static byte[] encode(CameraFrame frame) throws FrameFormatException {
        checkId("cameraId", frame.getCameraId());
        checkId("stageId", frame.getStageId());
        byte[] image = frame.getImage();
        if (image == null || image.length == 0) {
            throw new FrameFormatException(Reason.EMPTY_IMAGE, "frame has no image bytes");
        }
        if (frame.getMediaType() == null || MediaType.sniff(image) != frame.getMediaType()) {
            throw new FrameFormatException(Reason.BAD_MEDIA_TYPE,
                    "image bytes are not " + frame.getMediaType());
        }
        ObjectNode header = JSON.createObjectNode();
        header.put("type", TYPE_FRAME);
        header.put("cameraId", frame.getCameraId());
        header.put("stageId", frame.getStageId());
        header.put("captureTimeMs", frame.getCaptureTimeMs());
        header.put("sequence", frame.getSequenceNumber());
        header.put("mediaType", frame.getMediaType().mime());
        return envelope(header, image, frame.getCameraId());
    }

    /**
     * Encodes a face detected on the camera as a record of type {@code "face"}.
     *
     * @throws FrameFormatException with {@link Reason#BAD_ID}, {@link Reason#BAD_FACE},
     *     {@link Reason#BAD_MEDIA_TYPE}, {@link Reason#EMPTY_IMAGE} or {@link Reason#TOO_LARGE} if
     *     the face breaks the contract
     */
    public static byte[] encode(EdgeFace face) throws FrameFormatException {
        checkFace(face);
        ObjectNode header = JSON.createObjectNode();
        header.put("type", TYPE_FACE);
        header.put("cameraId", face.getCameraId());
        header.put("stageId", face.getStageId());
        header.put("captureTimeMs", face.getCaptureTimeMs());
        header.put("sequence", face.getSequenceNumber());
        header.put("frameWidth", face.getFrameWidth());
        header.put("frameHeight", face.getFrameHeight());
        header.put("facesInFrame", face.getFacesInFrame());
        if (!face.isNoFace()) {
            header.put("faceIndex", face.getFaceIndex());
            ObjectNode box = header.putObject("box");
            box.put("x", face.getBoxX());
            box.put("y", face.getBoxY());
            box.put("width", face.getBoxWidth());
            box.put("height", face.getBoxHeight());
            header.put("score", face.getScore());
            header.put("mediaType", face.getMediaType().mime());
        }
        return envelope(header, face.isNoFace() ? new byte[0] : face.getImage(), face.getCameraId());
    }

    private static byte[] envelope(ObjectNode header, byte[] image, String partitionKey) throws FrameFormatException {
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int total = PREAMBLE + headerBytes.length + image.length;
        int keyBytes = partitionKey.getBytes(StandardCharsets.UTF_8).length;
        if (total + keyBytes > MAX_RECORD_BYTES) {
            throw new FrameFormatException(Reason.TOO_LARGE, "record of " + (total + keyBytes)
                    + " bytes exceeds the Kinesis limit of " + MAX_RECORD_BYTES + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        buf.put(MAGIC).put((byte) VERSION).putInt(headerBytes.length).put(headerBytes).put(image);
        return buf.array();
    }

    /**
     * Checks a face's fields against the contract: ids, frame size 1..{@link #MAX_FRAME_SIDE_PX},
     * face count 0..{@link #MAX_FACES_IN_FRAME}; for a face, index below the count, a finite box
     * of positive size overlapping the frame, score 0..1, and a non-empty crop of its media type;
     * for a no-face report, no image.
     */
    private static void checkFace(EdgeFace f) throws FrameFormatException {
        checkId("cameraId", f.getCameraId());
        checkId("stageId", f.getStageId());
        if (f.getCaptureTimeMs() < 0 || f.getSequenceNumber() < 0) {
            throw new FrameFormatException(Reason.BAD_HEADER, "negative capture time or sequence");
        }
        if (f.getFrameWidth() < 1 || f.getFrameWidth() > MAX_FRAME_SIDE_PX
                || f.getFrameHeight() < 1 || f.getFrameHeight() > MAX_FRAME_SIDE_PX) {
            throw new FrameFormatException(Reason.BAD_FACE, "frame size " + f.getFrameWidth() + "x"
                    + f.getFrameHeight() + " outside 1.." + MAX_FRAME_SIDE_PX);
        }
        if (f.getFacesInFrame() < 0 || f.getFacesInFrame() > MAX_FACES_IN_FRAME) {
            throw new FrameFormatException(Reason.BAD_FACE, "facesInFrame " + f.getFacesInFrame()
                    + " outside 0.." + MAX_FACES_IN_FRAME);
        }
        byte[] image = f.getImage();
        if (f.isNoFace()) {
            if (image != null && image.length > 0) {
                throw new FrameFormatException(Reason.BAD_FACE, "a record with facesInFrame 0 carries no image");
            }
            return;
        }
        if (f.getFaceIndex() < 0 || f.getFaceIndex() >= f.getFacesInFrame()) {
            throw new FrameFormatException(Reason.BAD_FACE, "faceIndex " + f.getFaceIndex()
                    + " not in 0.." + (f.getFacesInFrame() - 1));
        }
        float x = f.getBoxX();
        float y = f.getBoxY();
        float w = f.getBoxWidth();
        float h = f.getBoxHeight();
        if (!Float.isFinite(x) || !Float.isFinite(y) || !(w > 0) || !(h > 0) || Float.isInfinite(w)
                || Float.isInfinite(h) || x >= f.getFrameWidth() || y >= f.getFrameHeight() || x + w <= 0 || y + h <= 0) {
            throw new FrameFormatException(Reason.BAD_FACE, "box " + x + "," + y + " " + w + "x" + h
                    + " does not overlap the " + f.getFrameWidth() + "x" + f.getFrameHeight() + " frame");
        }
        if (!(f.getScore() >= 0 && f.getScore() <= 1)) {
            throw new FrameFormatException(Reason.BAD_FACE, "score " + f.getScore() + " outside 0..1");
        }
        if (image == null || image.length == 0) {
            throw new FrameFormatException(Reason.EMPTY_IMAGE, "face record has no image bytes");
        }
        if (f.getMediaType() == null || MediaType.sniff(image) != f.getMediaType()) {
            throw new FrameFormatException(Reason.BAD_MEDIA_TYPE, "image bytes are not " + f.getMediaType());
        }
    }

    /**
     * Decodes the data blob of a {@code "frame"} record.
     *
     * @throws FrameFormatException with a {@link Reason} for every way the bytes can break the
     *     contract ({@link Reason#UNSUPPORTED_RECORD_TYPE} for a face record); never another
     *     exception type for bad input
     */
    public static CameraFrame decode(byte[] data) throws FrameFormatException {
        FrameRecord r = decodeRecord(data);
        if (r.frame() == null) {
            throw new FrameFormatException(Reason.UNSUPPORTED_RECORD_TYPE, "record type '" + TYPE_FACE
                    + "' where a frame was expected");
        }
        return r.frame();
    }

    /**
     * Decodes a record's data blob, of either record type.
     *
     * @throws FrameFormatException with a {@link Reason} for every way the bytes can break the
     *     contract; never another exception type for bad input
     */
    public static FrameRecord decodeRecord(byte[] data) throws FrameFormatException {
        if (data == null || data.length < PREAMBLE) {
            throw new FrameFormatException(Reason.TRUNCATED, "record of "
                    + (data == null ? 0 : data.length) + " bytes is shorter than the " + PREAMBLE + "-byte preamble");
        }
        if (data.length > MAX_RECORD_BYTES) {
            throw new FrameFormatException(Reason.TOO_LARGE, "record of " + data.length + " bytes");
        }
        if (data[0] != MAGIC[0] || data[1] != MAGIC[1] || data[2] != MAGIC[2]) {
            throw new FrameFormatException(Reason.BAD_MAGIC, "record does not start with 'CEF'");
        }
        int version = data[3] & 0xFF;
        if (version != VERSION) {
            throw new FrameFormatException(Reason.UNSUPPORTED_VERSION, "envelope version " + version);
        }
        long headerLen = ByteBuffer.wrap(data, 4, 4).getInt() & 0xFFFFFFFFL;
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
            throw new FrameFormatException(Reason.BAD_HEADER, "header length " + headerLen);
        }
        if (PREAMBLE + headerLen > data.length) {
            throw new FrameFormatException(Reason.TRUNCATED, "header of " + headerLen
                    + " bytes runs past the record's end");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(data, PREAMBLE, (int) headerLen, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new FrameFormatException(Reason.BAD_HEADER, "header is not JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw new FrameFormatException(Reason.BAD_HEADER, "header is not a JSON object");
        }
        String type = text(header, "type");
        if (!TYPE_FRAME.equals(type) && !TYPE_FACE.equals(type)) {
            throw new FrameFormatException(Reason.UNSUPPORTED_RECORD_TYPE, "record type '" + type + "'");
        }
        String cameraId = text(header, "cameraId");
        String stageId = text(header, "stageId");
        checkId("cameraId", cameraId);
        checkId("stageId", stageId);
        long captureTime = number(header, "captureTimeMs");
        long sequence = number(header, "sequence");
        int imageOffset = PREAMBLE + (int) headerLen;
        int imageLen = data.length - imageOffset;
        byte[] image = new byte[imageLen];
        System.arraycopy(data, imageOffset, image, 0, imageLen);
        if (TYPE_FACE.equals(type)) {
            return FrameRecord.of(decodeFace(header, cameraId, stageId, captureTime, sequence, image));
        }
        MediaType mediaType = mediaType(header);
        if (imageLen == 0) {
            throw new FrameFormatException(Reason.EMPTY_IMAGE, "record has no image bytes");
        }
        if (MediaType.sniff(image) != mediaType) {
            throw new FrameFormatException(Reason.BAD_MEDIA_TYPE,
                    "declared " + mediaType.mime() + " but the bytes are not");
        }
        return FrameRecord.of(new CameraFrame(cameraId, stageId, captureTime, sequence, mediaType, image));
    }

    private static EdgeFace decodeFace(JsonNode header, String cameraId, String stageId, long captureTime,
                                       long sequence, byte[] image) throws FrameFormatException {
        int frameWidth = (int) Math.min(Integer.MAX_VALUE, number(header, "frameWidth"));
        int frameHeight = (int) Math.min(Integer.MAX_VALUE, number(header, "frameHeight"));
        int faces = (int) Math.min(Integer.MAX_VALUE, number(header, "facesInFrame"));
        EdgeFace face;
        if (faces == 0) {
            face = EdgeFace.noFace(cameraId, stageId, captureTime, sequence, frameWidth, frameHeight);
            face.setImage(image.length == 0 ? null : image);
        } else {
            int index = (int) Math.min(Integer.MAX_VALUE, number(header, "faceIndex"));
            JsonNode box = header.get("box");
            if (box == null || !box.isObject()) {
                throw new FrameFormatException(Reason.BAD_HEADER, "header field 'box' missing or not an object");
            }
            face = EdgeFace.face(cameraId, stageId, captureTime, sequence, frameWidth, frameHeight, faces, index,
                    decimal(box, "x"), decimal(box, "y"), decimal(box, "width"), decimal(box, "height"),
                    decimal(header, "score"), mediaType(header), image);
        }
        checkFace(face);
        return face;
    }

    private static MediaType mediaType(JsonNode header) throws FrameFormatException {
        try {
            return MediaType.fromMime(text(header, "mediaType"));
        } catch (IllegalArgumentException e) {
            throw new FrameFormatException(Reason.BAD_MEDIA_TYPE, e.getMessage());
        }
    }

    private static float decimal(JsonNode node, String field) throws FrameFormatException {
        JsonNode n = node.get(field);
        if (n == null || !n.isNumber()) {
            throw new FrameFormatException(Reason.BAD_HEADER, "field '" + field + "' missing or not a number");
        }
        return n.floatValue();
    }

    /** Whether {@code id} satisfies {@link #ID_PATTERN}. */
    public static boolean isValidId(String id) {
        return id != null && ID_PATTERN.matcher(id).matches();
    }

    private static void checkId(String field, String id) throws FrameFormatException {
        if (!isValidId(id)) {
            throw new FrameFormatException(Reason.BAD_ID, field + " '" + id + "' does not match "
                    + ID_PATTERN.pattern());
        }
    }

    private static String text(JsonNode header, String field) throws FrameFormatException {
        JsonNode n = header.get(field);
        if (n == null || !n.isTextual()) {
            throw new FrameFormatException(Reason.BAD_HEADER, "header field '" + field + "' missing or not a string");
        }
        return n.asText();
    }

    private static long number(JsonNode header, String field) throws FrameFormatException {
        JsonNode n = header.get(field);
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber()) {
            throw new FrameFormatException(Reason.BAD_HEADER, "header field '" + field + "' missing or not an integer");
        }
        long v = n.asLong();
        if (v < 0) {
            throw new FrameFormatException(Reason.BAD_HEADER, "header field '" + field + "' is negative");
        }
        return v;
    }
}
