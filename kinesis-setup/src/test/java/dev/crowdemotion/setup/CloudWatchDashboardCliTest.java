package dev.crowdemotion.setup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.cloudwatch.CloudWatchStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kinesis-setup create|delete} and the CloudWatch dashboard, against the CloudWatch stand-in over its real protocol. */
class CloudWatchDashboardCliTest {
    @TempDir
    Path dir;

    private CloudWatchStandIn standIn;

    @BeforeEach
    void start() {
        standIn = CloudWatchStandIn.start();
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    /** A CloudWatch client to the stand-in, in {@code region} (us-east-1 if null). */
    static CloudWatchClient client(CloudWatchStandIn standIn, String region) {
        return CloudWatchClient.builder().endpointOverride(standIn.endpoint())
                .region(Region.of(region == null ? LocalAws.REGION : region)).credentialsProvider(LocalAws.CREDENTIALS)
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** Real CloudWatch clients from {@link AwsClients} (to the given endpoint); no stream or table client may be asked for. */
    static class Clients implements SetupCli.ClientFactory {
        final List<String> calls = new ArrayList<>();

        @Override public KinesisClient kinesis(String endpoint, String region) {
            throw new AssertionError("no stream wanted");
        }

        @Override public DynamoDbClient dynamoDb(String endpoint, String region) {
            throw new AssertionError("no table wanted");
        }

        @Override public CloudWatchClient cloudWatch(String endpoint, String region) {
            calls.add("cloudwatch " + endpoint + " " + region);
            return AwsClients.cloudWatch(endpoint, region);
        }
    }

    private static String[] run(SetupCli.ClientFactory clients, int expectedExit, String... args) {
        CommandLine cl = SetupCli.newCommandLine(new SetupCli(clients));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        assertThat(exit).as(err.toString()).isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void createPutsTheDashboardAndDeleteRemovesIt() throws Exception {
        Clients clients = new Clients();
        String endpoint = standIn.endpoint().toString();
        String[] created = run(clients, 0, "create", "--skip-stream", "--skip-table", "--endpoint-cloudwatch", endpoint,
                "--region", "eu-west-1", "--application", "festival-app");
        assertThat(created[1]).contains("dashboard crowd-emotion: created (namespace CrowdEmotion, application festival-app, "
                + "region eu-west-1)");
        assertThat(clients.calls).containsExactly("cloudwatch " + endpoint + " eu-west-1");
        String body = standIn.dashboard("crowd-emotion").orElseThrow();
        assertThat(body).isEqualTo(CloudWatchDashboard.body("CrowdEmotion", "festival-app", "eu-west-1"));
        assertThat(new ObjectMapper().readTree(body).get("widgets").size()).isGreaterThan(15);

        assertThat(run(clients, 0, "create", "--skip-stream", "--skip-table", "--endpoint-cloudwatch", endpoint)[1])
                .contains("dashboard crowd-emotion: replaced");
        assertThat(standIn.dashboard("crowd-emotion").orElseThrow()).contains("\"region\":\"us-east-1\"");

        assertThat(run(clients, 0, "delete", "--skip-stream", "--skip-table", "--endpoint-cloudwatch", endpoint)[1])
                .contains("dashboard crowd-emotion: deleted");
        assertThat(standIn.dashboards()).isEmpty();
        assertThat(run(clients, 0, "delete", "--skip-stream", "--skip-table", "--endpoint-cloudwatch", endpoint)[1])
                .contains("dashboard crowd-emotion: did not exist");
    }

    @Test
    void namespaceEndpointAndRegionComeFromTheConfigFile() throws Exception {
        Path config = dir.resolve("local.json");
        Files.writeString(config, "[{\"PropertyGroupId\":\"FrameSource\",\"PropertyMap\":{"
                + "\"stream.arn\":\"arn:aws:kinesis:eu-west-1:000000000000:stream/festival-frames\"}},"
                + "{\"PropertyGroupId\":\"CloudWatch\",\"PropertyMap\":{\"namespace\":\"Festival\",\"aws.region\":\"eu-central-1\","
                + "\"aws.endpoint\":\"" + standIn.endpoint() + "\"}}]");
        Clients clients = new Clients();
        run(clients, 0, "create", "--config", config.toString(), "--skip-stream", "--skip-table", "--dashboard", "festival_1");
        assertThat(clients.calls).containsExactly("cloudwatch " + standIn.endpoint() + " eu-central-1");
        assertThat(standIn.dashboard("festival_1").orElseThrow())
                .isEqualTo(CloudWatchDashboard.body("Festival", CloudWatchDashboard.DEFAULT_APPLICATION, "eu-central-1"));

        // --skip-dashboard: nothing asked of CloudWatch
        Clients none = new Clients();
        run(none, 2, "create", "--config", config.toString(), "--skip-stream", "--skip-table", "--skip-dashboard");
        String[] bad = run(none, 2, "create", "--skip-stream", "--skip-table", "--dashboard", "no spaces");
        assertThat(bad[1]).contains("--dashboard must be");
        assertThat(none.calls).isEmpty();

        // stream or table on a local endpoint, CloudWatch on none: the dashboard is not put in a real account
        Clients localOk = new Clients() {
            @Override public KinesisClient kinesis(String endpoint, String region) {
                return new FakeKinesis();
            }
        };
        String[] streamOnly = run(localOk, 0, "create", "--skip-table", "--stream", "s", "--endpoint-kinesis", "http://127.0.0.1:1");
        assertThat(streamOnly[1]).contains("stream s: created").contains("dashboard crowd-emotion: skipped, the stream or table "
                + "endpoint is overridden but CloudWatch's is not");
        assertThat(localOk.calls).isEmpty();

        // CloudWatch unreachable: exit 1
        String[] unreachable = run(new Clients(), 1, "create", "--skip-stream", "--skip-table", "--endpoint-cloudwatch",
                URI.create("http://127.0.0.1:" + LocalAws.freePort()).toString());
        assertThat(unreachable[1]).contains("kinesis-setup: error:");
    }
}
