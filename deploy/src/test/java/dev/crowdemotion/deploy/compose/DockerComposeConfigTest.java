package dev.crowdemotion.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.local.standins.StandInsMain;
import dev.crowdemotion.setup.SetupCli;
import dev.crowdemotion.setup.StreamArns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code config/docker.json}: the job accepts it, it is {@code config/local.json} with only the
 * endpoints changed, every endpoint is a compose service listening on that port, and the stream and
 * tables are those the setup service creates.
 */
class DockerComposeConfigTest {
    private static final ComposeFile COMPOSE = Repo.COMPOSE;
    static final Path DOCKER_JSON = Repo.ROOT.resolve("config/docker.json");
    private static final Path LOCAL_JSON = Repo.ROOT.resolve("config/local.json");

    static Map<String, Properties> dockerConfig() {
        return read(DOCKER_JSON);
    }

    private static Map<String, Properties> read(Path file) {
        try {
            return ApplicationProperties.fromFile(file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theJobAcceptsIt() {
        Map<String, Properties> groups = dockerConfig();
        assertThatCode(() -> new CrowdEmotionConfig(groups)).doesNotThrowAnyException();
        CrowdEmotionConfig config = new CrowdEmotionConfig(groups);
        assertThat(config.streamArn()).startsWith("arn:aws:kinesis:");
        // a setlist file would have to exist in the TaskManager's container, which nothing mounts
        assertThat(config.setlistFilePath()).isNull();
    }

    @Test
    void itIsLocalJsonWithOnlyTheEndpointsChanged() {
        Map<String, Properties> docker = dockerConfig();
        Map<String, Properties> local = read(LOCAL_JSON);
        assertThat(docker.keySet()).containsExactlyInAnyOrderElementsOf(local.keySet());
        for (String group : local.keySet()) {
            assertThat(docker.get(group).stringPropertyNames()).as("keys of %s", group)
                    .containsExactlyInAnyOrderElementsOf(local.get(group).stringPropertyNames());
            for (String key : local.get(group).stringPropertyNames()) {
                if (!key.equals(ConfigKeys.AWS_ENDPOINT)) {
                    assertThat(docker.get(group).getProperty(key)).as("%s.%s", group, key)
                            .isEqualTo(local.get(group).getProperty(key));
                }
            }
        }
    }

    @Test
    void everyEndpointIsAServiceListeningOnThatPort() {
        Map<String, Properties> groups = dockerConfig();
        // which listener of a service answers which property group
        Map<String, String> listenerOfGroup = Map.of(
                ConfigKeys.GROUP_FRAME_SOURCE, "kinesis-http",
                ConfigKeys.GROUP_SETLIST, "kinesis-http",
                ConfigKeys.GROUP_DEAD_LETTERS, "kinesis-http",
                ConfigKeys.GROUP_SCORES_SINK, "dynamodb",
                ConfigKeys.GROUP_REKOGNITION, "rekognition",
                ConfigKeys.GROUP_SAGEMAKER, "sagemaker",
                ConfigKeys.GROUP_CLOUDWATCH, "cloudwatch");
        Map<String, String> endpoints = new TreeMap<>();
        groups.forEach((group, props) -> {
            String e = props.getProperty(ConfigKeys.AWS_ENDPOINT);
            if (e != null) {
                endpoints.put(group, e);
            }
        });
        assertThat(endpoints).hasSize(6);
        for (Map.Entry<String, String> e : endpoints.entrySet()) {
            URI uri = URI.create(e.getValue());
            assertThat(uri.getScheme()).as(e.getKey()).isEqualTo("http");
            assertThat(COMPOSE.services()).as("%s.aws.endpoint host", e.getKey()).contains(uri.getHost());
            Map<String, Integer> listening = Services.listening(uri.getHost());
            assertThat(listenerOfGroup).as("group %s", e.getKey()).containsKey(e.getKey());
            assertThat(listening).as("%s.aws.endpoint %s", e.getKey(), uri)
                    .containsEntry(listenerOfGroup.get(e.getKey()), uri.getPort());
        }
    }

    @Test
    void theStandInsServeTheConfiguredSageMakerEndpointToOtherContainers() {
        String standIns = Services.byMainClass(StandInsMain.class);
        CommandLine.ParseResult p = Services.parse(new StandInsMain(), Services.javaCommand(standIns).args());
        assertThat((String) Services.option(p, "--endpoint-name"))
                .isEqualTo(dockerConfig().get(ConfigKeys.GROUP_SAGEMAKER).getProperty(ConfigKeys.ENDPOINT_NAME));
        // bound to all interfaces of the container, or the job's containers cannot reach them
        assertThat((String) Services.option(p, "--bind-address")).isEqualTo("0.0.0.0");
    }

    @Test
    void theStreamAndTablesAreThoseTheSetupCreates() {
        String setup = Services.byMainClass(SetupCli.class);
        List<String> args = DockerComposeCommandsTest.onHost(setup, Services.javaCommand(setup).args());
        CommandLine.ParseResult parsed = Services.parse(new SetupCli(), args);
        assertThat(parsed.subcommand()).as("setup runs a subcommand").isNotNull();
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("create");
        SetupCli.Common common = (SetupCli.Common) parsed.subcommand().commandSpec().mixins().get("common").userObject();
        SetupCli.Targets targets = common.resolve();

        CrowdEmotionConfig config = new CrowdEmotionConfig(dockerConfig());
        assertThat(targets.streamName).isEqualTo(StreamArns.streamName(config.streamArn()));
        assertThat(targets.deadLetterStreamName).as("the dead-letter stream the job writes to")
                .isEqualTo(StreamArns.streamName(config.deadLetterStreamArn()));
        assertThat(targets.kinesisRegion).isEqualTo(StreamArns.region(config.streamArn()));
        assertThat(targets.tableName).isEqualTo(config.tableName());
        assertThat(targets.performanceTableName).isEqualTo(config.performanceTableName());
        assertThat(targets.kinesisEndpoint).isEqualTo(config.awsProperties(ConfigKeys.GROUP_FRAME_SOURCE)
                .getProperty(ConfigKeys.AWS_ENDPOINT));
        assertThat(targets.dynamoEndpoint).isEqualTo(config.awsProperties(ConfigKeys.GROUP_SCORES_SINK)
                .getProperty(ConfigKeys.AWS_ENDPOINT));
        // kinesis-mock namespaces streams by account: the ARN's must be the one it serves
        String kinesis = Services.byImage("ghcr.io/etspaceman/kinesis-mock");
        assertThat(config.streamArn()).contains(":" + COMPOSE.environment(kinesis).getOrDefault("AWS_ACCOUNT_ID", "000000000000") + ":");
    }
}
