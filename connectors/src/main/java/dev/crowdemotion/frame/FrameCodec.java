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
 * 8+N     rest  the encoded image (JPEG or PNG), at least 1 byte
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
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int total = PREAMBLE + headerBytes.length + image.length;
        int keyBytes = frame.getCameraId().getBytes(StandardCharsets.UTF_8).length;
        if (total + keyBytes > MAX_RECORD_BYTES) {
            throw new FrameFormatException(Reason.TOO_LARGE, "record of " + (total + keyBytes)
                    + " bytes exceeds the Kinesis limit of " + MAX_RECORD_BYTES + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        buf.put(MAGIC).put((byte) VERSION).putInt(headerBytes.length).put(headerBytes).put(image);
        return buf.array();
    }

    /**
     * Decodes a record's data blob.
     *
     * @throws FrameFormatException with a {@link Reason} for every way the bytes can break the
     *     contract; never another exception type for bad input
     */
    public static CameraFrame decode(byte[] data) throws FrameFormatException {
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
        if (!TYPE_FRAME.equals(type)) {
            throw new FrameFormatException(Reason.UNSUPPORTED_RECORD_TYPE, "record type '" + type + "'");
        }
        String cameraId = text(header, "cameraId");
        String stageId = text(header, "stageId");
        checkId("cameraId", cameraId);
        checkId("stageId", stageId);
        long captureTime = number(header, "captureTimeMs");
        long sequence = number(header, "sequence");
        MediaType mediaType;
        try {
            mediaType = MediaType.fromMime(text(header, "mediaType"));
        } catch (IllegalArgumentException e) {
            throw new FrameFormatException(Reason.BAD_MEDIA_TYPE, e.getMessage());
        }
        int imageOffset = PREAMBLE + (int) headerLen;
        int imageLen = data.length - imageOffset;
        if (imageLen == 0) {
            throw new FrameFormatException(Reason.EMPTY_IMAGE, "record has no image bytes");
        }
        byte[] image = new byte[imageLen];
        System.arraycopy(data, imageOffset, image, 0, imageLen);
        if (MediaType.sniff(image) != mediaType) {
            throw new FrameFormatException(Reason.BAD_MEDIA_TYPE,
                    "declared " + mediaType.mime() + " but the bytes are not");
        }
        return new CameraFrame(cameraId, stageId, captureTime, sequence, mediaType, image);
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
