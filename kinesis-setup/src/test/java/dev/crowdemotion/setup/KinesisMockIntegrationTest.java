package dev.crowdemotion.setup;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Stream setup against kinesis-mock (skipped when kinesis-local is not installed, see {@link KinesisMock}). */
class KinesisMockIntegrationTest {
    static KinesisMock mock;
    static KinesisClient client;

    @BeforeAll
    static void start() throws Exception {
        Path dir = KinesisMock.packageDir();
        Assumptions.assumeTrue(dir != null,
                "kinesis-local not installed (npm ci in local-stack/, or -Dkinesis.local.dir=...) or node missing");
        mock = KinesisMock.start(dir, Path.of("kinesis-mock.log").toAbsolutePath());
        client = AwsClients.kinesis(mock.endpoint(), null);
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (mock != null) mock.close();
    }

    @Test
    void createsTheStreamOnceAndDeletesIt() {
        ResourceSetup setup = new ResourceSetup(client, null, Duration.ofMillis(100), Duration.ofSeconds(30));
        ProvisionedResource first = setup.ensureStream("setup-it", 2);
        assertThat(first.created()).isTrue();
        assertThat(first.arn()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/setup-it");
        assertThat(setup.describeStream("setup-it").streamStatusAsString()).isEqualTo("ACTIVE");
        assertThat(setup.describeStream("setup-it").openShardCount()).isEqualTo(2);

        ProvisionedResource again = setup.ensureStream("setup-it", 1);
        assertThat(again.created()).isFalse();
        assertThat(again.arn()).isEqualTo(first.arn());

        assertThat(setup.deleteStream("setup-it")).isTrue();
        assertThat(setup.describeStream("setup-it")).isNull();
        assertThat(setup.deleteStream("setup-it")).isFalse();
        assertThat(setup.ensureStream("setup-it", 1).created()).isTrue();
    }

    @Test
    void cliCreatesTheStreamAndPrintsItsArn() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = SetupCli.newCommandLine(new SetupCli());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("create", "--skip-table", "--stream", "cli-setup-it", "--endpoint-kinesis", mock.endpoint(),
                "--shards", "1");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString().trim()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/cli-setup-it");
        assertThat(err.toString()).contains("stream cli-setup-it: created");

        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        cl = SetupCli.newCommandLine(new SetupCli());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("delete", "--skip-table", "--stream", "cli-setup-it", "--endpoint-kinesis", mock.endpoint()))
                .as(err.toString()).isZero();
        assertThat(err.toString()).contains("stream cli-setup-it: deleted");
    }
}
