package dev.crowdemotion.modelserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crowdemotion.vision.FaceBox;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The response format of SageMaker's built-in Object Detection algorithm ("Object Detection -
 * MXNet", response formats:
 * https://docs.aws.amazon.com/sagemaker/latest/dg/object-detection-in-formats.html):
 * <pre>{"prediction": [[class_id, score, xmin, ymin, xmax, ymax], ...]}</pre>
 * with {@code class_id} {@value #FACE_CLASS_ID} (face), {@code score} the detector's score (0..1),
 * and the box corners as ratios (0..1) of the image width (x) and height (y), origin top-left.
 *
 * <p><b>Precision.</b> Ratios are computed in double precision from the detector's float pixel
 * coordinates, {@code xmin = (double) box.x() / width} and {@code xmax = ((double) box.x() +
 * box.width()) / width} (the exact double sum, as the crop code computes the right edge), and
 * written with Jackson's shortest round-trip representation of the double, not rounded. So a client
 * computing {@code (float) (xmin * width)} and {@code (float) (xmax * width - xmin * width)} in
 * double gets back exactly the detector's float {@code box.x()} and {@code box.width()} (the
 * double results are within a few ulps of a double of the float values, which round back to
 * them; the job's {@code DetectedFrameCroppingTest} checks this on the labelled photos). Scores
 * are the float score widened to double.
 */
public final class ObjectDetectionJson {
    /** Class id of a face; the only class this model has. */
    public static final double FACE_CLASS_ID = 0.0;
    /** Content type of the response. */
    public static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ObjectDetectionJson() {}

    /**
     * Serialises detections on a {@code width x height} pixel image, in the given order.
     *
     * @throws IllegalArgumentException if width or height is under 1
     */
    public static byte[] write(List<FaceBox> faces, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image " + width + "x" + height);
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode prediction = root.putArray("prediction");
        for (FaceBox f : faces) {
            ArrayNode row = prediction.addArray();
            row.add(FACE_CLASS_ID);
            row.add((double) f.score());
            row.add((double) f.x() / width);
            row.add((double) f.y() / height);
            row.add(((double) f.x() + f.width()) / width);
            row.add(((double) f.y() + f.height()) / height);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses a response body back into pixel boxes on a {@code width x height} image: {@code x =
     * (float) (xmin * width)}, {@code width = (float) (xmax * width - xmin * width)} (in double),
     * likewise for y, score as float: the detector's boxes exactly. For clients and tests.
     *
     * @throws IOException if the body is not JSON of the shape above
     */
    public static List<FaceBox> read(byte[] body, int width, int height) throws IOException {
        JsonNode root = JSON.readTree(body);
        JsonNode prediction = root == null ? null : root.get("prediction");
        if (prediction == null || !prediction.isArray()) {
            throw new IOException("no \"prediction\" array in the response");
        }
        List<FaceBox> out = new ArrayList<>(prediction.size());
        for (JsonNode row : prediction) {
            if (!row.isArray() || row.size() != 6) {
                throw new IOException("prediction rows must be [class_id, score, xmin, ymin, xmax, ymax], got " + row);
            }
            double x0 = row.get(2).asDouble() * width;
            double y0 = row.get(3).asDouble() * height;
            double x1 = row.get(4).asDouble() * width;
            double y1 = row.get(5).asDouble() * height;
            out.add(new FaceBox((float) x0, (float) y0, (float) (x1 - x0), (float) (y1 - y0),
                    (float) row.get(1).asDouble()));
        }
        return out;
    }
}
