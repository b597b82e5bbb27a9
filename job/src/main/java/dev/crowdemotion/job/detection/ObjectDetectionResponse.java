package dev.crowdemotion.job.detection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Arrays;

/**
 * Parses the response format of SageMaker's built-in object detection algorithm, which the
 * project's model server speaks ({@code model-server/README.md}):
 * {@code {"prediction": [[class_id, score, xmin, ymin, xmax, ymax], ...]}}, coordinates as ratios
 * of the image's width and height (Amazon SageMaker Developer Guide, "Object Detection - Response
 * Formats"). Class 0 is a face.
 */
public final class ObjectDetectionResponse {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ObjectDetectionResponse() {}

    /**
     * The faces of class 0 with a score of at least {@code minScore}, in response order.
     *
     * @return five values per face: {@code score, xmin, ymin, xmax, ymax}
     * @throws IllegalArgumentException if the body is not that format, or a box is not finite,
     *     empty or outside 0..1 by more than rounding
     */
    public static double[] faces(byte[] body, double minScore) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("response is not JSON: " + e.getMessage());
        }
        JsonNode prediction = root == null ? null : root.get("prediction");
        if (prediction == null || !prediction.isArray()) {
            throw new IllegalArgumentException("response has no 'prediction' array");
        }
        double[] out = new double[prediction.size() * 5];
        int n = 0;
        for (JsonNode p : prediction) {
            if (!p.isArray() || p.size() != 6) {
                throw new IllegalArgumentException("prediction entry is not [class, score, xmin, ymin, xmax, ymax]: " + p);
            }
            double[] v = new double[6];
            for (int i = 0; i < 6; i++) {
                if (!p.get(i).isNumber() || !Double.isFinite(p.get(i).doubleValue())) {
                    throw new IllegalArgumentException("prediction entry has a non-number: " + p);
                }
                v[i] = p.get(i).doubleValue();
            }
            if (v[0] != 0 || v[1] < minScore) {
                continue;
            }
            // v = class, score, xmin, ymin, xmax, ymax
            if (!(v[4] > v[2]) || !(v[5] > v[3]) || v[2] >= 1 || v[3] >= 1 || v[4] <= 0 || v[5] <= 0) {
                throw new IllegalArgumentException("box outside the image or empty: " + p);
            }
            System.arraycopy(v, 1, out, n * 5, 5);
            n++;
        }
        return Arrays.copyOf(out, n * 5);
    }
}
