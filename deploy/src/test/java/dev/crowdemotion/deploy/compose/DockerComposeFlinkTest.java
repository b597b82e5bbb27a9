package dev.crowdemotion.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;

/**
 * The Flink session cluster's configuration ({@code FLINK_PROPERTIES}) read as the image's
 * entrypoint reads it and checked against Flink 1.20's own options: known, current keys with
 * values of their type, the JobManager's address, and checkpoints on a volume both processes share.
 */
class DockerComposeFlinkTest {
    private static final ComposeFile COMPOSE = Repo.COMPOSE;
    /** The option classes of flink-core that hold the cluster options one sets on a session cluster. */
    private static final List<String> OPTION_CLASSES = List.of("CoreOptions", "JobManagerOptions", "TaskManagerOptions",
            "CheckpointingOptions", "StateBackendOptions", "StateRecoveryOptions", "RestOptions", "RestartStrategyOptions",
            "PipelineOptions", "DeploymentOptions", "ExecutionOptions", "WebOptions", "MetricOptions");

    @Test
    void theJobManagerAndTaskManagerShareOneConfiguration() {
        Map<String, String> jm = Services.flinkProperties(Services.flinkProcess("jobmanager"));
        Map<String, String> tm = Services.flinkProperties(Services.flinkProcess("taskmanager"));
        assertThat(tm).isEqualTo(jm);
    }

    @Test
    void theJobManagerAddressIsTheJobManagerService() {
        String jobManager = Services.flinkProcess("jobmanager");
        for (String s : List.of(jobManager, Services.flinkProcess("taskmanager"))) {
            assertThat(Services.flinkProperties(s)).as(s).containsEntry(JobManagerOptions.ADDRESS.key(), jobManager);
        }
    }

    @Test
    void everyPropertyIsACurrentFlinkOptionWithAValueOfItsType() {
        Map<String, ConfigOption<?>> options = flinkOptions();
        for (String s : List.of(Services.flinkProcess("jobmanager"), Services.flinkProcess("taskmanager"))) {
            Map<String, String> props = Services.flinkProperties(s);
            assertThat(props).as(s).isNotEmpty();
            props.forEach((key, value) -> {
                ConfigOption<?> option = options.get(key);
                assertThat(option).as("%s: %s is a Flink %s option", s, key, "1.20").isNotNull();
                assertThat(option.key()).as("%s: %s is deprecated, use %s", s, key, option.key()).isEqualTo(key);
                assertThatCode(() -> Configuration.fromMap(Map.of(key, value)).get(option))
                        .as("%s: %s=%s", s, key, value).doesNotThrowAnyException();
            });
        }
    }

    @Test
    void checkpointingIsOnAndGoesToAVolumeBothProcessesMount() {
        String jobManager = Services.flinkProcess("jobmanager");
        String taskManager = Services.flinkProcess("taskmanager");
        Configuration conf = Configuration.fromMap(Services.flinkProperties(jobManager));
        Duration interval = conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        assertThat(interval).as("execution.checkpointing.interval").isNotNull().isPositive();
        assertThat(conf.get(CoreOptions.DEFAULT_PARALLELISM)).isLessThanOrEqualTo(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)
                * COMPOSE.replicas(taskManager));

        for (ConfigOption<String> dirOption : List.of(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                CheckpointingOptions.SAVEPOINT_DIRECTORY)) {
            String dir = conf.get(dirOption);
            assertThat(dir).as(dirOption.key()).isNotNull();
            URI uri = URI.create(dir);
            assertThat(uri.getScheme()).as(dirOption.key()).isEqualTo("file");
            String jmVolume = namedVolumeUnder(jobManager, uri.getPath())
                    .orElseThrow(() -> new AssertionError(jobManager + ": " + dir + " is not on a named volume"));
            String tmVolume = namedVolumeUnder(taskManager, uri.getPath())
                    .orElseThrow(() -> new AssertionError(taskManager + ": " + dir + " is not on a named volume"));
            assertThat(tmVolume).as("the same volume at %s", uri.getPath()).isEqualTo(jmVolume);
            assertThat(COMPOSE.root().path("volumes").has(jmVolume)).as("volume %s is declared", jmVolume).isTrue();

            // a new volume belongs to root and Flink runs as user flink: a one-shot service hands it over first
            String owner = COMPOSE.services().stream()
                    .filter(s -> COMPOSE.entrypoint(s).contains("chown"))
                    .filter(s -> COMPOSE.volumes(s).stream().anyMatch(m -> jmVolume.equals(m.source())))
                    .findFirst().orElseThrow(() -> new AssertionError("nothing chowns volume " + jmVolume));
            assertThat(COMPOSE.entrypoint(owner)).contains("flink:flink");
            for (String s : List.of(jobManager, taskManager)) {
                assertThat(COMPOSE.dependsOn(s)).as(s).containsEntry(owner, "service_completed_successfully");
            }
        }
    }

    private static Optional<String> namedVolumeUnder(String service, String path) {
        return COMPOSE.volumes(service).stream().filter(m -> !m.bind())
                .filter(m -> path.equals(m.target()) || path.startsWith(m.target() + "/"))
                .map(ComposeFile.Mount::source).findFirst();
    }

    /** Every ConfigOption of {@link #OPTION_CLASSES} by its key and by its fallback and deprecated keys. */
    private static Map<String, ConfigOption<?>> flinkOptions() {
        Map<String, ConfigOption<?>> byKey = new HashMap<>();
        for (String name : OPTION_CLASSES) {
            Class<?> c;
            try {
                c = Class.forName("org.apache.flink.configuration." + name);
            } catch (ClassNotFoundException e) {
                throw new AssertionError("Flink 1.20 has org.apache.flink.configuration." + name, e);
            }
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                    try {
                        ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                        byKey.put(o.key(), o);
                        for (FallbackKey k : o.fallbackKeys()) {
                            byKey.putIfAbsent(k.getKey(), o);
                        }
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        assertThat(byKey).containsKeys(JobManagerOptions.ADDRESS.key(), CheckpointingOptions.CHECKPOINTING_INTERVAL.key());
        return byKey;
    }
}
