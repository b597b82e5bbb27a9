package dev.crowdemotion.setup;

import dev.crowdemotion.local.kinesis.KinesisEmulator;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream setup against kinesis-mock ({@link KinesisEmulator} of local-stack, which the build
 * installs; never skipped).
 */
class KinesisStreamIntegrationTest {
    @AutoClose static final KinesisEmulator emulator = KinesisEmulator.start();
    static final String endpoint = emulator.endpoint().toString();
    @AutoClose static final KinesisClient client = AwsClients.kinesis(endpoint, null);

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
        int exit = cl.execute("create", "--skip-table", "--stream", "cli-setup-it", "--endpoint-kinesis", endpoint,
                "--shards", "1");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString().trim()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/cli-setup-it");
        assertThat(err.toString()).contains("stream cli-setup-it: created");

        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        cl = SetupCli.newCommandLine(new SetupCli());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("delete", "--skip-table", "--stream", "cli-setup-it", "--endpoint-kinesis", endpoint))
                .as(err.toString()).isZero();
        assertThat(err.toString()).contains("stream cli-setup-it: deleted");
    }
}
