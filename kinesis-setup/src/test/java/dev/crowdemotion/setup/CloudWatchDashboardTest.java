package dev.crowdemotion.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard body: valid JSON of CloudWatch's dashboard structure, over the right namespaces and metrics. */
class CloudWatchDashboardTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> metricEntries(JsonNode root) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode w : root.get("widgets")) {
            if (w.get("type").asText().equals("metric")) {
                w.get("properties").get("metrics").forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void businessMetricsAreSearchedOverTheStageDimensionOfTheConfiguredNamespace() throws Exception {
        JsonNode root = JSON.readTree(CloudWatchDashboard.body("FestivalMetrics", "festival-app", "eu-west-1"));
        JsonNode widgets = root.get("widgets");
        assertThat(widgets.size()).isGreaterThan(15);
        for (JsonNode w : widgets) {
            assertThat(w.get("type").asText()).isIn("metric", "text");
            assertThat(w.get("x").asInt() + w.get("width").asInt()).isLessThanOrEqualTo(24);
            if (w.get("type").asText().equals("metric")) {
                assertThat(w.get("properties").get("region").asText()).isEqualTo("eu-west-1");
                Set<String> ids = new HashSet<>();
                for (JsonNode m : w.get("properties").get("metrics")) {
                    JsonNode options = m.get(m.size() - 1);
                    assertThat(ids.add(options.get("id").asText())).as("unique ids in %s", w).isTrue();
                }
            }
        }
        List<String> expressions = new ArrayList<>();
        for (JsonNode m : metricEntries(root)) {
            if (m.get(0).isObject()) {
                expressions.add(m.get(0).get("expression").asText());
            }
        }
        assertThat(expressions).contains(
                "SEARCH('{FestivalMetrics,Stage} MetricName=\"Energy\"', 'Average', 60)",
                "SEARCH('{FestivalMetrics,Stage} MetricName=\"Coverage\"', 'Average', 60)",
                "SEARCH('{FestivalMetrics,Stage} MetricName=\"FramesSeen\"', 'Sum', 60)",
                "SUM(SEARCH('{FestivalMetrics,Stage} MetricName=\"FacesEnriched\"', 'Sum', 60))",
                "SUM(SEARCH('{FestivalMetrics,Stage} MetricName=\"FacesDetected\"', 'Sum', 60))",
                "enriched / detected",
                "SEARCH('{FestivalMetrics,Stage,Emotion} Emotion=\"HAPPY\" MetricName=\"EmotionConfidence\"', 'Average', 60)",
                "SEARCH('{FestivalMetrics,Stage,Emotion} Emotion=\"FEAR\" MetricName=\"EmotionConfidence\"', 'Average', 60)",
                "RATE(enriched) / RATE(detected)");
        assertThat(expressions).filteredOn(e -> e.contains("EmotionConfidence")).hasSize(8);
        assertThat(CloudWatchDashboard.search("My Metrics/x", "Energy", "Average", "Stage"))
                .isEqualTo("SEARCH('{\"My Metrics/x\",Stage} MetricName=\"Energy\"', 'Average', 60)");
    }

    @Test
    void operationalMetricsAreMsfsForTheApplication() throws Exception {
        JsonNode root = JSON.readTree(CloudWatchDashboard.body("CrowdEmotion", "festival-app", "us-east-1"));
        Set<String> msfMetrics = new HashSet<>();
        for (JsonNode m : metricEntries(root)) {
            if (m.get(0).isTextual()) {
                assertThat(m.get(0).asText()).isEqualTo("AWS/KinesisAnalytics");
                assertThat(m.get(2).asText()).isEqualTo("Application");
                assertThat(m.get(3).asText()).isEqualTo("festival-app");
                msfMetrics.add(m.get(1).asText());
            }
        }
        assertThat(msfMetrics).containsAll(CloudWatchDashboard.FRAME_COUNTERS).containsAll(CloudWatchDashboard.REKOGNITION_COUNTERS)
                .containsAll(CloudWatchDashboard.PROBLEM_COUNTERS).containsAll(CloudWatchDashboard.SINK_COUNTERS)
                .contains("cloudWatchRejected", "rekognitionBacklog", "downtime", "numberOfFailedCheckpoints", "cpuUtilization");
        // every counter is graphed as a rate of its hidden sum
        List<String> expressions = new ArrayList<>();
        metricEntries(root).stream().filter(m -> m.get(0).isObject()).forEach(m -> expressions.add(m.get(0).get("expression").asText()));
        assertThat(expressions).filteredOn(e -> e.startsWith("RATE(m")).hasSize(CloudWatchDashboard.FRAME_COUNTERS.size()
                + CloudWatchDashboard.REKOGNITION_COUNTERS.size() + CloudWatchDashboard.PROBLEM_COUNTERS.size()
                + CloudWatchDashboard.SINK_COUNTERS.size());
    }
}
