package dev.crowdemotion.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crowdemotion.local.aws.LocalAws;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkSystemSetting;

/**
 * How the services hang together: start order (dependencies exist, no cycle, conditions that can
 * be met), ports published on 127.0.0.1 only and healthchecks on ports something listens on, and
 * the environment the AWS SDK needs against kinesis-mock.
 */
class DockerComposeWiringTest {
    private static final ComposeFile COMPOSE = Repo.COMPOSE;
    private static final Set<String> CONDITIONS =
            Set.of("service_started", "service_healthy", "service_completed_successfully");

    @Test
    void everyDependencyIsADefinedServiceWithAConditionItCanMeet() {
        int edges = 0;
        for (String s : COMPOSE.services()) {
            for (Map.Entry<String, String> dep : COMPOSE.dependsOn(s).entrySet()) {
                edges++;
                assertThat(COMPOSE.services()).as("%s depends on %s", s, dep.getKey()).contains(dep.getKey());
                assertThat(CONDITIONS).as("condition of %s -> %s", s, dep.getKey()).contains(dep.getValue());
                if (dep.getValue().equals("service_healthy")) {
                    assertThat(COMPOSE.healthcheck(dep.getKey())).as("%s waits for %s to be healthy: it needs a healthcheck",
                            s, dep.getKey()).isNotEmpty();
                }
                if (dep.getValue().equals("service_completed_successfully")) {
                    assertThat(COMPOSE.service(dep.getKey()).path("restart").asText("no"))
                            .as("%s waits for %s to complete: a one-shot service is never restarted", s, dep.getKey())
                            .isEqualTo("no");
                }
            }
        }
        assertThat(edges).isGreaterThan(5);
    }

    @Test
    void theDependenciesHaveNoCycle() {
        Map<String, Integer> state = new HashMap<>();   // 1 = on the current path, 2 = done
        for (String s : COMPOSE.services()) {
            visit(s, state, new ArrayList<>());
        }
    }

    private static void visit(String service, Map<String, Integer> state, List<String> path) {
        Integer st = state.get(service);
        if (st != null && st == 2) {
            return;
        }
        path.add(service);
        assertThat(st).as("dependency cycle %s", path).isNull();
        state.put(service, 1);
        for (String dep : COMPOSE.dependsOn(service).keySet()) {
            if (COMPOSE.services().contains(dep)) {
                visit(dep, state, path);
            }
        }
        state.put(service, 2);
        path.remove(path.size() - 1);
    }

    @Test
    void theStartOrderIsTheOneTheDataNeeds() {
        String setup = Services.byMainClass(dev.crowdemotion.setup.SetupCli.class);
        String simulator = Services.byMainClass(dev.crowdemotion.simulator.SimulatorCli.class);
        String standIns = Services.byMainClass(dev.crowdemotion.local.standins.StandInsMain.class);
        String kinesis = Services.byImage("ghcr.io/etspaceman/kinesis-mock");
        String jobManager = Services.flinkProcess("jobmanager");
        String submit = Services.builtFrom("job-submit").get(0);
        // the setup needs Kinesis, DynamoDB and (for the dashboard) the CloudWatch stand-in
        assertThat(COMPOSE.dependsOn(setup)).containsEntry(kinesis, "service_healthy")
                .containsEntry(standIns, "service_healthy").containsKey(Services.byImage("amazon/dynamodb-local"));
        // frames go into a stream that exists
        assertThat(COMPOSE.dependsOn(simulator)).containsEntry(setup, "service_completed_successfully");
        // the job starts against existing tables and running stand-ins, on a cluster that answers
        assertThat(COMPOSE.dependsOn(submit)).containsEntry(setup, "service_completed_successfully")
                .containsEntry(jobManager, "service_healthy").containsEntry(standIns, "service_healthy");
    }

    @Test
    void publishedPortsBindLoopbackOnlyAndReachSomethingThatListens() {
        int published = 0;
        for (String s : COMPOSE.services()) {
            Map<String, Integer> listening = Services.listening(s);
            for (ComposeFile.Port p : COMPOSE.ports(s)) {
                published++;
                assertThat(p.hostIp()).as("host address of %s's port %s", s, p).isEqualTo(LocalAws.LOOPBACK_HOST);
                assertThat(listening.values()).as("%s listens on container port %d", s, p.containerPort())
                        .contains(p.containerPort());
            }
        }
        assertThat(published).isGreaterThanOrEqualTo(2);
    }

    @Test
    void healthchecksProbeAPortTheServiceListensOn() {
        int checks = 0;
        for (String s : COMPOSE.services()) {
            List<String> test = COMPOSE.healthcheck(s);
            if (test.isEmpty()) {
                continue;
            }
            checks++;
            String url = test.stream().filter(a -> a.startsWith("http://")).findFirst()
                    .orElseThrow(() -> new AssertionError(s + ": healthcheck without an http:// URL: " + test));
            URI uri = URI.create(url);
            assertThat(uri.getHost()).as("%s healthcheck runs inside the container", s).isIn("127.0.0.1", "localhost");
            assertThat(Services.listening(s).values()).as("%s listens on %d", s, uri.getPort()).contains(uri.getPort());
            assertThat(test.get(0)).as("%s healthcheck tool", s).isEqualTo("curl");
            assertThat(test).as("%s: curl must fail on HTTP errors", s).contains("-fsS");
        }
        assertThat(checks).isGreaterThanOrEqualTo(3);
    }

    @Test
    void servicesTalkingToKinesisMockHaveJsonAndDummyCredentials() {
        // the setting the SDK reads (SdkSystemSetting.CBOR_ENABLED: env CBOR_ENABLED, property aws.cborEnabled)
        String cborEnv = SdkSystemSetting.CBOR_ENABLED.environmentVariable();
        assertThat(cborEnv).isEqualTo("CBOR_ENABLED");
        List<String> talking = talkingToKinesis();
        assertThat(talking).hasSizeGreaterThanOrEqualTo(4);
        String region = DockerComposeConfigTest.dockerConfig().get("FrameSource").getProperty("aws.region");
        for (String s : talking) {
            Map<String, String> env = COMPOSE.environment(s);
            assertThat(env).as(s).containsEntry(cborEnv, "false")
                    .containsKeys(SdkSystemSetting.AWS_ACCESS_KEY_ID.environmentVariable(),
                            SdkSystemSetting.AWS_SECRET_ACCESS_KEY.environmentVariable())
                    .containsEntry(SdkSystemSetting.AWS_REGION.environmentVariable(), region);
            // kinesis-mock takes a 12-digit access key as the account id: the streams would not be the ARN's
            assertThat(env.get("AWS_ACCESS_KEY_ID")).as(s).doesNotMatch("\\d{12}");
        }
        assertThat(new HashSet<>(talking.stream().map(s -> COMPOSE.environment(s).get("AWS_ACCESS_KEY_ID")).toList()))
                .as("one dummy key for all").hasSize(1);
    }

    /**
     * The services whose AWS SDK talks to kinesis-mock: those run with config/docker.json (setup,
     * simulator, the job's client) and the Flink processes that run the job's source.
     */
    static List<String> talkingToKinesis() {
        List<String> talking = new ArrayList<>();
        for (String s : COMPOSE.services()) {
            boolean usesConfig = COMPOSE.command(s).stream().anyMatch(a -> a.endsWith("/config/docker.json"));
            boolean runsJob = COMPOSE.image(s).map(DockerComposeImagesTest::repository).filter("flink"::equals).isPresent()
                    && (COMPOSE.command(s).equals(List.of("jobmanager")) || COMPOSE.command(s).equals(List.of("taskmanager")));
            if (usesConfig || runsJob) {
                talking.add(s);
            }
        }
        return talking;
    }
}
