package dev.crowdemotion.job;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.CrowdEmotionConfig;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On MSF the service owns checkpointing, the restart strategy and the job's parallelism: the job
 * as {@code main} defines it ({@link CrowdEmotionJob#define}) must set none of them, and fix the
 * parallelism only of the operators that must run once (setlist file source, CloudWatch stage cap).
 */
class CrowdEmotionJobEnvironmentTest {
    @Test
    void theJobLeavesCheckpointingRestartsAndParallelismToTheEnvironment() throws Exception {
        CrowdEmotionConfig config = new CrowdEmotionConfig(
                ApplicationProperties.fromFile(Path.of("..", "config", "local.json").toString()));
        // the environment's parallelism, as MSF sets it (any value but 1 tells operators apart)
        Configuration environment = new Configuration();
        environment.set(CoreOptions.DEFAULT_PARALLELISM, 7);
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(environment);

        CrowdEmotionJob.define(env, config);

        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        Configuration effective = (Configuration) env.getConfiguration();
        assertThat(effective.getOptional(ExecutionCheckpointingOptions.CHECKPOINTING_INTERVAL)).isEmpty();
        assertThat(effective.getOptional(RestartStrategyOptions.RESTART_STRATEGY)).isEmpty();
        assertThat(effective.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(7);

        Map<String, Integer> fixed = new LinkedHashMap<>();
        Deque<Transformation<?>> todo = new ArrayDeque<>(env.getTransformations());
        Set<Transformation<?>> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Transformation<?> t = todo.pop();
            if (seen.add(t)) {
                if (t.getParallelism() != 7) {
                    fixed.put(t.getName(), t.getParallelism());
                }
                todo.addAll(t.getInputs());
            }
        }
        assertThat(fixed).as("operators with a parallelism of their own").isNotEmpty()
                .allSatisfy((name, p) -> assertThat(p).as(name).isEqualTo(1));
        assertThat(fixed.keySet()).as("operators with a parallelism of their own")
                .allMatch(n -> n.startsWith("business metrics") || n.contains("setlist"), "metrics or setlist");
        assertThat(fixed.size()).as("transformations in all: %s", seen.size()).isLessThan(seen.size() / 2);
    }
}
