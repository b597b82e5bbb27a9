package dev.crowdemotion.job.detection;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectDetectionResponseTest {
    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsFacesOfClassZeroAtOrAboveTheMinimumScoreInOrder() {
        double[] faces = ObjectDetectionResponse.faces(json("{\"prediction\": ["
                + "[0.0, 0.9, 0.1, 0.6, 0.3, 0.8],"
                + "[1.0, 0.99, 0.1, 0.1, 0.2, 0.2],"   // another class
                + "[0.0, 0.5, 0.6, 0.6, 0.7, 0.7],"    // below the minimum score
                + "[0.0, 0.6, -0.01, 0.8, 0.05, 1.02]]}"), 0.6); // overlaps the edge: kept
        assertThat(faces).containsExactly(0.9, 0.1, 0.6, 0.3, 0.8, 0.6, -0.01, 0.8, 0.05, 1.02);
        assertThat(ObjectDetectionResponse.faces(json("{\"prediction\": []}"), 0.6)).isEmpty();
    }

    @Test
    void rejectsWhatIsNotTheObjectDetectionFormat() {
        assertThatThrownBy(() -> ObjectDetectionResponse.faces(json("<html>"), 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ObjectDetectionResponse.faces(json("{\"predictions\": []}"), 0.5))
                .hasMessageContaining("no 'prediction' array");
        assertThatThrownBy(() -> ObjectDetectionResponse.faces(json("{\"prediction\": [[0, 0.9, 0.1, 0.1]]}"), 0.5))
                .hasMessageContaining("not [class, score");
        assertThatThrownBy(() -> ObjectDetectionResponse.faces(json("{\"prediction\": [[0, 0.9, 0.5, 0.1, 0.4, 0.2]]}"), 0.5))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> ObjectDetectionResponse.faces(json("{\"prediction\": [[0, 0.9, 0.1, 0.5, 0.4, 0.3]]}"), 0.5))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> ObjectDetectionResponse.faces(json("{\"prediction\": [[0, 0.9, 1.1, 0.1, 1.4, 0.2]]}"), 0.5))
                .hasMessageContaining("outside");
        assertThatThrownBy(() -> ObjectDetectionResponse.faces(json("{\"prediction\": [[0, \"x\", 0.1, 0.1, 0.4, 0.2]]}"), 0.5))
                .hasMessageContaining("non-number");
    }
}
