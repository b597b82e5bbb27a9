package dev.crowdemotion.modelserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The work of {@code POST /invocations}, without HTTP: content-type check, decoding, BlazeFace,
 * the object-detection JSON. Thread-safe (the detectors are).
 *
 * <p>Accepted request content types (parameters such as {@code ; charset} ignored, case-insensitive):
 * {@code image/jpeg}, {@code image/png}, and {@code application/x-image} (the content type of
 * SageMaker's built-in image algorithms). The bytes are decoded by their signature (JPEG or PNG),
 * whatever the declared type. The response is always {@value ObjectDetectionJson#CONTENT_TYPE}; a
 * request whose {@code Accept} header allows neither that nor {@code *}{@code /*} is refused.
 */
final class Invocations {
    /** Request content types served. */
    static final Set<String> CONTENT_TYPES = Set.of("image/jpeg", "image/png", "application/x-image");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DetectorCache detectors;

    Invocations(DetectorCache detectors) {
        this.detectors = Objects.requireNonNull(detectors, "detectors");
    }

    /**
     * Answers one invocation; never throws for bad input.
     *
     * @param contentType the request's {@code Content-Type}, may be null
     * @param accept the request's {@code Accept}, may be null
     * @param customAttributes the request's {@value CustomAttributes#HEADER}, may be null
     * @param body the request body (image bytes)
     * @return 200 with the prediction JSON; 400 (undecodable image, bad {@code min_score}, too many
     *     distinct scores), 406 (Accept), 415 (content type), 500 (inference failure), each with a
     *     JSON body {@code {"error": ..., "message": ...}}
     */
    Reply invoke(String contentType, String accept, String customAttributes, byte[] body) {
        String type = mediaType(contentType);
        if (type == null || !CONTENT_TYPES.contains(type)) {
            return Reply.error(415, "UnsupportedMediaType", "Content-Type must be one of " + CONTENT_TYPES
                    + ", got " + (contentType == null ? "none" : "'" + contentType + "'"));
        }
        if (!acceptsJson(accept)) {
            return Reply.error(406, "NotAcceptable", "this model answers " + ObjectDetectionJson.CONTENT_TYPE
                    + " only; Accept was '" + accept + "'");
        }
        float minScore;
        try {
            minScore = CustomAttributes.parse(customAttributes).minScore().orElse(detectors.defaultMinScore());
        } catch (IllegalArgumentException e) {
            return Reply.error(400, "InvalidCustomAttributes", e.getMessage());
        }
        BufferedImage image;
        try {
            image = Images.decode(body);
        } catch (ImageDecodeException e) {
            return Reply.error(400, "InvalidImage", e.getMessage());
        }
        List<FaceBox> faces;
        try {
            faces = detectors.get(minScore).detect(image);
        } catch (DetectorCache.TooManyDetectorsException e) {
            return Reply.error(400, "InvalidCustomAttributes", e.getMessage());
        }
        return new Reply(200, ObjectDetectionJson.CONTENT_TYPE,
                ObjectDetectionJson.write(faces, image.getWidth(), image.getHeight()));
    }

    /** The media type of a Content-Type value, lower case without parameters; null if absent. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        String t = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
        return t.isEmpty() ? null : t;
    }

    private static boolean acceptsJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String part : accept.split(",")) {
            String t = mediaType(part);
            if ("application/json".equals(t) || "*/*".equals(t) || "application/*".equals(t)) {
                return true;
            }
        }
        return false;
    }

    /** An HTTP answer: status, content type and body. */
    record Reply(int status, String contentType, byte[] body) {
        /** A JSON error body {@code {"error": code, "message": message}}. */
        static Reply error(int status, String code, String message) {
            ObjectNode node = JSON.createObjectNode();
            node.put("error", code);
            node.put("message", message);
            try {
                return new Reply(status, ObjectDetectionJson.CONTENT_TYPE, JSON.writeValueAsBytes(node));
            } catch (JsonProcessingException e) {
                return new Reply(status, "text/plain", String.valueOf(message).getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
