package dev.crowdemotion.setup;

import dev.crowdemotion.config.Durations;
import dev.crowdemotion.local.cloudwatch.CloudWatchStandIn;
import dev.crowdemotion.local.dynamodb.DynamoDbLocalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SetupCliTest {
    @TempDir
    Path dir;

    /**
     * Records the endpoints/regions asked for; hands out a Kinesis fake and real clients for
     * {@link #dynamoDbLocal} (set by the tests that reach DynamoDB).
     */
    static class Clients implements SetupCli.ClientFactory {
        final List<String> calls = new ArrayList<>();
        final FakeKinesis kinesis = new FakeKinesis();
        DynamoDbLocalServer dynamoDbLocal;

        @Override public KinesisClient kinesis(String endpoint, String region) {
            calls.add("kinesis " + endpoint + " " + region);
            return kinesis;
        }

        @Override public DynamoDbClient dynamoDb(String endpoint, String region) {
            calls.add("dynamodb " + endpoint + " " + region);
            // a new client each time: the CLI closes its clients after each command
            return LocalDynamoDb.client(dynamoDbLocal);
        }

        /** Dashboards go to a CloudWatch stand-in, whatever the endpoint (their tests: CloudWatchDashboardCliTest). */
        @Override public CloudWatchClient cloudWatch(String endpoint, String region) {
            return CloudWatchDashboardCliTest.client(cloudWatchStandIn(), region);
        }
    }

    private static CloudWatchStandIn cloudWatch;

    static synchronized CloudWatchStandIn cloudWatchStandIn() {
        if (cloudWatch == null) {
            cloudWatch = CloudWatchStandIn.start();
        }
        return cloudWatch;
    }

    @AfterAll
    static synchronized void stopCloudWatch() {
        if (cloudWatch != null) {
            cloudWatch.close();
            cloudWatch = null;
        }
    }

    static final class Run {
        int exit;
        String out;
        String err;
    }

    private Run run(SetupCli.ClientFactory clients, String... args) {
        CommandLine cl = SetupCli.newCommandLine(new SetupCli(clients));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Run r = new Run();
        r.exit = cl.execute(args);
        r.out = out.toString();
        r.err = err.toString();
        return r;
    }

    private SetupCli.Targets resolve(String... args) {
        SetupCli.Common common = new SetupCli.Common();
        new CommandLine(common).parseArgs(args);
        return common.resolve();
    }

    private Path config() throws IOException {
        Path f = dir.resolve("local.json");
        Files.writeString(f, "[{\"PropertyGroupId\":\"FrameSource\",\"PropertyMap\":{"
                + "\"stream.arn\":\"arn:aws:kinesis:eu-west-1:000000000000:stream/festival-frames\","
                + "\"aws.endpoint\":\"http://localhost:4568\"}},"
                + "{\"PropertyGroupId\":\"ScoresSink\",\"PropertyMap\":{\"table.name\":\"festival-scores\","
                + "\"aws.region\":\"eu-central-1\",\"aws.endpoint\":\"http://localhost:8000\"}}]");
        return f;
    }

    @Test
    void defaultsWithoutConfig() {
        SetupCli.Targets t = resolve();
        assertThat(t.streamName).isEqualTo(SetupCli.DEFAULT_STREAM_NAME);
        assertThat(t.tableName).isEqualTo("crowd-emotion-stage-scores");
        assertThat(t.kinesisEndpoint).isNull();
        assertThat(t.kinesisRegion).isNull();
        assertThat(t.dynamoRegion).isNull();
    }

    @Test
    void namesEndpointsAndRegionsFromTheConfigFile() throws IOException {
        SetupCli.Targets t = resolve("--config", config().toString());
        assertThat(t.streamName).isEqualTo("festival-frames");
        assertThat(t.tableName).isEqualTo("festival-scores");
        assertThat(t.kinesisEndpoint).isEqualTo("http://localhost:4568");
        assertThat(t.dynamoEndpoint).isEqualTo("http://localhost:8000");
        assertThat(t.kinesisRegion).as("from the stream ARN").isEqualTo("eu-west-1");
        assertThat(t.dynamoRegion).isEqualTo("eu-central-1");
    }

    @Test
    void theDeadLetterStreamOfTheConfigFileIsATargetUnlessStreamIsGiven() throws IOException {
        Path f = dir.resolve("dl.json");
        Files.writeString(f, "[{\"PropertyGroupId\":\"FrameSource\",\"PropertyMap\":{"
                + "\"stream.arn\":\"arn:aws:kinesis:eu-west-1:000000000000:stream/festival-frames\"}},"
                + "{\"PropertyGroupId\":\"DeadLetters\",\"PropertyMap\":{"
                + "\"stream.arn\":\"arn:aws:kinesis:eu-west-1:000000000000:stream/festival-dead-letters\"}}]");
        assertThat(resolve("--config", f.toString()).deadLetterStreamName).isEqualTo("festival-dead-letters");
        assertThat(resolve("--config", f.toString(), "--stream", "other").deadLetterStreamName).isNull();
        assertThat(resolve("--config", f.toString(), "--skip-stream").deadLetterStreamName).isNull();
        assertThat(resolve("--config", config().toString()).deadLetterStreamName).isNull();
    }

    @Test
    void optionsOverrideTheConfigFile() throws IOException {
        SetupCli.Targets t = resolve("--config", config().toString(), "--stream", "s2", "--table", "t2",
                "--region", "us-west-2", "--endpoint-kinesis", "http://127.0.0.1:1", "--endpoint-dynamodb", "http://127.0.0.1:2");
        assertThat(t.streamName).isEqualTo("s2");
        assertThat(t.tableName).isEqualTo("t2");
        assertThat(t.kinesisRegion).isEqualTo("us-west-2");
        assertThat(t.dynamoRegion).isEqualTo("us-west-2");
        assertThat(t.kinesisEndpoint).isEqualTo("http://127.0.0.1:1");
        assertThat(t.dynamoEndpoint).isEqualTo("http://127.0.0.1:2");
        assertThat(resolve("--stream", "arn:aws:kinesis:ap-south-1:1:stream/x").streamName).isEqualTo("x");
        assertThat(resolve("--skip-table").tableName).isNull();
        assertThat(resolve("--skip-stream").streamName).isNull();
    }

    @Test
    void badOptionsExitWithUsageErrors() {
        Clients clients = new Clients();
        assertThat(run(clients).exit).isEqualTo(2);
        assertThat(run(clients, "frobnicate").exit).isEqualTo(2);
        assertThat(run(clients, "create", "--shards", "0").exit).isEqualTo(2);
        assertThat(run(clients, "create", "--shards", "many").exit).isEqualTo(2);
        assertThat(run(clients, "create", "--timeout", "soon").exit).isEqualTo(2);
        assertThat(run(clients, "create", "--bogus").exit).isEqualTo(2);
        Run r = run(clients, "delete", "--skip-stream", "--skip-table", "--skip-dashboard");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("nothing to do");
        Run missing = run(clients, "create", "--config", dir.resolve("nope.json").toString());
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.err).contains("config file not found");
        Run badArn = run(clients, "create", "--stream", "arn:aws:s3:::bucket");
        assertThat(badArn.exit).isEqualTo(2);
        assertThat(badArn.err).contains("not a Kinesis stream ARN");
        assertThat(clients.calls).as("no client made for bad options").isEmpty();
        assertThat(run(clients, "--help").exit).isZero();
        assertThat(run(clients, "create", "--help").exit).isZero();
    }

    @Test
    void createAndDeleteBothResources() {
        try (DynamoDbLocalServer server = DynamoDbLocalServer.start()) {
            Clients clients = new Clients();
            clients.dynamoDbLocal = server;
            Run created = run(clients, "create", "--stream", "cli-frames", "--table", "cli-scores", "--shards", "2",
                    "--endpoint-kinesis", "http://localhost:4568", "--endpoint-dynamodb", "http://localhost:8000",
                    "--region", "eu-west-1", "--timeout", "30s");
            assertThat(created.exit).as(created.err).isZero();
            assertThat(created.out.trim()).isEqualTo(FakeKinesis.arn("cli-frames"));
            assertThat(created.err).contains("stream cli-frames: created").contains("table cli-scores: created");
            assertThat(clients.calls).containsExactly("kinesis http://localhost:4568 eu-west-1",
                    "dynamodb http://localhost:8000 eu-west-1");
            assertThat(clients.kinesis.streams.get("cli-frames").shards).isEqualTo(2);

            Run again = run(clients, "create", "--stream", "cli-frames", "--table", "cli-scores");
            assertThat(again.exit).isZero();
            assertThat(again.err).contains("stream cli-frames: already exists").contains("table cli-scores: already exists");

            Run deleted = run(clients, "delete", "--stream", "cli-frames", "--table", "cli-scores");
            assertThat(deleted.exit).as(deleted.err).isZero();
            assertThat(deleted.err).contains("stream cli-frames: deleted").contains("table cli-scores: deleted");
            Run deletedAgain = run(clients, "delete", "--stream", "cli-frames", "--table", "cli-scores");
            assertThat(deletedAgain.err).contains("stream cli-frames: did not exist").contains("table cli-scores: did not exist");
            assertThat(deletedAgain.exit).isZero();
            try (DynamoDbClient dynamo = LocalDynamoDb.client(server)) {
                assertThat(new ResourceSetup(null, dynamo, Duration.ZERO, Duration.ofSeconds(1))
                        .describeTable("cli-scores")).isNull();
            }
        }
    }

    @Test
    void runtimeFailuresExitWithOne() {
        Clients clients = new Clients() {
            @Override public KinesisClient kinesis(String endpoint, String region) {
                throw new IllegalStateException("no credentials anywhere");
            }
        };
        Run r = run(clients, "create", "--skip-table");
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("kinesis-setup: error: no credentials anywhere");
    }

    @Test
    void durations() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("PT2M")).isEqualTo(Duration.ofMinutes(2));
    }
}
