package dev.crowdemotion.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.metrics.CloudWatchSink;
import dev.crowdemotion.metrics.ScoreMetrics;
import dev.crowdemotion.metrics.StageCardinalityCap;
import dev.crowdemotion.setup.CloudWatchDashboard;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard ({@code kinesis-setup}) names the metrics the job registers ({@code job}'s
 * {@link JobMetrics}, the CloudWatch sink's counters) and publishes ({@link ScoreMetrics}): this
 * module sees all three, so it checks that none of the names drifted.
 */
class CloudWatchDashboardMetricNamesTest {
    /** MSF's own metrics on the dashboard (https://docs.aws.amazon.com/managed-flink/latest/java/metrics-dimensions.html). */
    private static final Set<String> MSF_BUILT_IN = Set.of("downtime", "fullRestarts", "numberOfFailedCheckpoints",
            "lastCheckpointDuration", "cpuUtilization", "heapMemoryUtilization");

    private static Set<String> stringConstants(Class<?> type) throws IllegalAccessException {
        Set<String> out = new HashSet<>();
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && Modifier.isPublic(f.getModifiers()) && f.getType() == String.class) {
                out.add((String) f.get(null));
            }
        }
        return out;
    }

    @Test
    void everyMetricOnTheDashboardIsOneTheJobHas() throws Exception {
        JsonNode root = new ObjectMapper().readTree(CloudWatchDashboard.body("CrowdEmotion", "app", "us-east-1"));
        Set<String> operational = new HashSet<>();
        Set<String> business = new HashSet<>();
        Pattern metricName = Pattern.compile("MetricName=\"([A-Za-z]+)\"");
        for (JsonNode w : root.get("widgets")) {
            if (!w.get("type").asText().equals("metric")) {
                continue;
            }
            for (JsonNode m : w.get("properties").get("metrics")) {
                if (m.get(0).isTextual()) {
                    operational.add(m.get(1).asText());
                } else {
                    Matcher matcher = metricName.matcher(m.get(0).get("expression").asText());
                    while (matcher.find()) {
                        business.add(matcher.group(1));
                    }
                }
            }
        }
        Set<String> registered = new HashSet<>(stringConstants(JobMetrics.class));
        registered.addAll(Set.of(CloudWatchSink.PUBLISHED_COUNTER, CloudWatchSink.RETRIED_COUNTER,
                CloudWatchSink.REJECTED_COUNTER, StageCardinalityCap.CAPPED_COUNTER));
        registered.addAll(MSF_BUILT_IN);
        registered.add("rekognitionBacklog"); // the gauge RekognitionEnrichment registers by that literal name
        assertThat(registered).containsAll(operational);
        assertThat(operational).contains(JobMetrics.FRAMES_IN, JobMetrics.FACES_DETECTED, JobMetrics.REKOGNITION_CALLS,
                JobMetrics.REKOGNITION_THROTTLES, JobMetrics.REKOGNITION_RETRIES, JobMetrics.DEAD_LETTERS,
                JobMetrics.FACES_ENRICHED, CloudWatchSink.REJECTED_COUNTER);
        assertThat(stringConstants(ScoreMetrics.class)).containsAll(business);
        assertThat(business).contains(ScoreMetrics.ENERGY, ScoreMetrics.COVERAGE, ScoreMetrics.EMOTION_CONFIDENCE,
                ScoreMetrics.FRAMES_SEEN, ScoreMetrics.FACES_DETECTED, ScoreMetrics.FACES_ENRICHED);
    }
}
