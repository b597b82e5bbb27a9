package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.local.kinesis.KinesisEmulator;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against kinesis-mock ({@link KinesisEmulator} of local-stack, which the build installs; never
 * skipped): the simulator's frames arrive in the stream, decodable and equal to what it reports as sent.
 */
class KinesisStreamIntegrationTest {
    @AutoClose static final KinesisEmulator emulator = KinesisEmulator.start();
    static final String endpoint = emulator.endpoint().toString();
    @AutoClose static final KinesisClient client = AwsClients.kinesis(endpoint, "us-east-1");

    static void createStream(String name, int shards) throws InterruptedException {
        client.createStream(b -> b.streamName(name).shardCount(shards));
        for (int i = 0; i < 100; i++) {
            if (client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus()
                    == StreamStatus.ACTIVE) return;
            Thread.sleep(100);
        }
        throw new AssertionError("stream " + name + " did not become ACTIVE");
    }

    static List<CameraFrame> readAll(String stream) throws Exception {
        List<CameraFrame> frames = new ArrayList<>();
        for (Shard shard : client.listShards(b -> b.streamName(stream)).shards()) {
            String it = client.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            for (int i = 0; i < 50 && it != null; i++) {
                final String iter = it;
                var resp = client.getRecords(b -> b.shardIterator(iter).limit(1000));
                for (Record r : resp.records()) {
                    CameraFrame f = FrameCodec.decode(r.data().asByteArray());
                    assertThat(r.partitionKey()).isEqualTo(f.getCameraId());
                    frames.add(f);
                }
                if (resp.records().isEmpty() && resp.millisBehindLatest() != null && resp.millisBehindLatest() == 0) break;
                it = resp.nextShardIterator();
            }
        }
        return frames;
    }

    @Test
    void simulatedCrowdFramesArriveInTheStream() throws Exception {
        createStream("sim-it", 2);
        CrowdComposer crowd = CrowdComposer.fromDirectory(TestFrames.data("images"),
                CrowdComposer.Settings.defaults().seed(1).faces(4, 6));
        PhotoFrames photos = PhotoFrames.fromDirectory(TestFrames.data("images"), 0.8f);
        SimulationReport report = CameraSimulator.builder().stage("main", crowd).stage("tent", photos)
                .camerasPerStage(2).fps(5).framesPerCamera(4)
                .sink(new KinesisFrameWriter(client, StreamRef.name("sim-it")))
                .keepSentFrames(true).build().run();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.framesSent()).isEqualTo(16);

        List<CameraFrame> got = readAll("sim-it");
        assertThat(got).containsExactlyInAnyOrderElementsOf(report.sentFrames());
        // regenerate from the reported metadata: the same bytes
        for (CameraFrame f : got) {
            FrameGenerator g = f.getStageId().equals("main") ? crowd : photos;
            assertThat(g.next(f.getCameraId(), f.getStageId(), f.getSequenceNumber(), f.getCaptureTimeMs())).isEqualTo(f);
        }
    }

    @Test
    void theCliStreamsToTheEmulatorWithItsOwnClient() throws Exception {
        createStream("cli-it", 1);
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = SimulatorCli.newCommandLine(new SimulatorCli());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String arn = client.describeStreamSummary(b -> b.streamName("cli-it")).streamDescriptionSummary().streamARN();
        int exit = cl.execute("--stream-arn", arn, "--endpoint", endpoint, "--stages", "2",
                "--cameras-per-stage", "1", "--fps", "10", "--duration", "500ms", "--images",
                TestFrames.data("images").toString(), "--jpeg-quality", "0.7");
        assertThat(exit).as(err + "\n" + out).isZero();
        assertThat(out.toString()).contains("sent 10 of 10 frame(s)");
        List<CameraFrame> got = readAll("cli-it");
        assertThat(got).hasSize(10);
        assertThat(got).extracting(CameraFrame::getStageId).containsOnly("stage-1", "stage-2");
    }

    @Test
    void aMissingStreamStopsTheRunWithAClearError() {
        SimulationReport r = CameraSimulator.builder().stage("s", TestFrames.fakeGenerator(10)).fps(20)
                .duration(Duration.ofSeconds(5))
                .sink(new KinesisFrameWriter(client, StreamRef.name("no-such-stream"))).build().run();
        assertThat(r.ok()).isFalse();
        assertThat(r.fatalError()).contains("ResourceNotFound");
        assertThat(r.endMs() - r.startMs()).isLessThan(4000);
    }
}
