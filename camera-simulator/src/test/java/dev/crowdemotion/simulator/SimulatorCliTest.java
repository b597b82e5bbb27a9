package dev.crowdemotion.simulator;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.FrameRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatorCliTest {
    @TempDir
    Path tmp;

    final FakeKinesis kinesis = new FakeKinesis();
    final List<String> clientCalls = new ArrayList<>();

    static final class Run {
        int exit;
        String out;
        String err;
        SimulatorCli cli;
    }

    private Run run(String... args) {
        SimulatorCli cli = new SimulatorCli((endpoint, region) -> {
            clientCalls.add(endpoint + " " + region);
            return kinesis;
        });
        CommandLine cl = SimulatorCli.newCommandLine(cli);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Run r = new Run();
        r.exit = cl.execute(args);
        r.out = out.toString();
        r.err = err.toString();
        r.cli = cli;
        return r;
    }

    private String images() {
        return TestFrames.data("images").toString();
    }

    @Test
    void badOptionsAreUsageErrors() {
        String img = images();
        String[][] bad = {
                {},                                                       // no stream
                {"--stream", "s", "--stream-arn", "arn:aws:kinesis:us-east-1:1:stream/s"},
                {"--stream-arn", "arn:aws:s3:::bucket"},
                {"--stream", "s", "--duration", "10s", "--frames", "3"},
                {"--stream", "s", "--duration", "soon"},
                {"--stream", "s", "--frames", "0"},
                {"--stream", "s", "--fps", "0"},
                {"--stream", "s", "--fps", "-1"},
                {"--stream", "s", "--cameras-per-stage", "0"},
                {"--stream", "s", "--stages", "0", "--images", img},
                {"--stream", "s", "--images", tmp.resolve("missing").toString()},
                {"--stream", "s", "--stage", "main"},                     // not NAME=DIR
                {"--stream", "s", "--stage", "bad name=" + img},
                {"--stream", "s", "--stage", "main=" + tmp.resolve("missing")},
                {"--stream", "s", "--stage", "a=" + img, "--stages", "2"},
                {"--stream", "s", "--stage", "a=" + img, "--images", img},
                {"--stream", "s", "--faces-min", "3"},                    // crowd option without --crowd
                {"--stream", "s", "--crowd", "--faces-min", "5", "--faces-max", "2"},
                {"--stream", "s", "--crowd", "--width", "10"},
                {"--stream", "s", "--crowd", "--backdrop", "sunset"},
                {"--stream", "s", "--jpeg-quality", "1.5"},
                {"--stream", "s", "--bogus"},
                {"--stream", "s", "--min-score", "0.5"},                 // edge options without --edge
                {"--stream", "s", "--crop-margin", "0.3"},
                {"--stream", "s", "--crop-min-side", "80"},
                {"--stream", "s", "--crop-jpeg-quality", "0.8"},
                {"--stream", "s", "--crowd", "--min-score", "0.5"},
                {"--stream", "s", "--edge", "--min-score", "1.5"},
                {"--stream", "s", "--edge", "--min-score", "-0.1"},
                {"--stream", "s", "--edge", "--crop-margin", "-1"},
                {"--stream", "s", "--edge", "--crop-min-side", "0"},
                {"--stream", "s", "--edge", "--crop-min-side", "5000"},
                {"--stream", "s", "--edge", "--crop-jpeg-quality", "0"},
                {"--stream", "s", "--edge", "--crop-jpeg-quality", "1.1"},
                {"--stream", "s", "--edge", "--min-score", "high"},
                {"--config", "missing.json"},
                {"--config", "x.json", "--stream", "s"},
        };
        for (String[] args : bad) {
            Run r = run(args);
            assertThat(r.exit).as(String.join(" ", args) + "\n" + r.err).isEqualTo(SimulatorCli.EXIT_USAGE);
            assertThat(r.err).as(String.join(" ", args)).isNotBlank();
        }
        assertThat(clientCalls).as("no client for bad options").isEmpty();
        assertThat(kinesis.calls).isEmpty();
        assertThat(run("--help").exit).isZero();
    }

    @Test
    void stagePlans() {
        String img = images();
        Run r = run("--stream", "s", "--frames", "1", "--fps", "100", "--images", img, "--stages", "3", "--cameras-per-stage", "1");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.cli.stagePlan().keySet()).containsExactly("stage-1", "stage-2", "stage-3");

        Path other = tmp.resolve("other");
        other.toFile().mkdirs();
        Files.exists(other);
        try {
            Files.copy(TestFrames.data("images").resolve("rocket.jpg"), other.resolve("rocket.jpg"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        Run s = run("--stream", "s", "--frames", "1", "--fps", "100", "--stage", "main=" + img, "--stage", "tent=" + other);
        assertThat(s.exit).as(s.err).isZero();
        Map<String, Path> plan = s.cli.stagePlan();
        assertThat(plan.keySet()).containsExactly("main", "tent");
        assertThat(plan.get("tent")).isEqualTo(other);
        List<CameraFrame> tent = kinesis.acceptedFrames().stream().filter(f -> f.getStageId().equals("tent"))
                .collect(Collectors.toList());
        assertThat(tent).hasSize(2);
        assertThat(tent).allSatisfy(f -> assertThat(f.getImage()).isEqualTo(read(other.resolve("rocket.jpg"))));
    }

    @Test
    void streamsPhotoFramesThroughTheClient() {
        Run r = run("--stream", "frames", "--endpoint", "http://localhost:4567", "--region", "eu-west-1",
                "--stages", "2", "--cameras-per-stage", "2", "--fps", "50", "--frames", "3", "--images", images());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(clientCalls).containsExactly("http://localhost:4567 eu-west-1");
        assertThat(kinesis.closed).isTrue();
        List<CameraFrame> frames = kinesis.acceptedFrames();
        assertThat(frames).hasSize(12);
        assertThat(frames.stream().map(CameraFrame::getCameraId).distinct())
                .containsExactlyInAnyOrder("stage-1-cam-1", "stage-1-cam-2", "stage-2-cam-1", "stage-2-cam-2");
        assertThat(kinesis.accepted).allSatisfy(e -> assertThat(e.partitionKey()).startsWith("stage-"));
        assertThat(r.out).contains("sent 12 of 12 frame(s)").contains("stage stage-1: 6 frame(s)");
    }

    @Test
    void crowdModeAndArnRegion() {
        Run r = run("--stream-arn", "arn:aws:kinesis:ap-south-1:123456789012:stream/frames", "--crowd",
                "--stages", "1", "--cameras-per-stage", "1", "--fps", "50", "--frames", "2", "--images", images(),
                "--faces-min", "3", "--faces-max", "5", "--width", "800", "--height", "600", "--seed", "9");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(clientCalls).containsExactly("null ap-south-1");
        assertThat(kinesis.calls.get(0).streamARN()).endsWith(":stream/frames");
        assertThat(kinesis.acceptedFrames()).hasSize(2).allSatisfy(f -> {
            try {
                assertThat(dev.crowdemotion.vision.Images.decode(f.getImage()).getWidth()).isEqualTo(800);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void streamEndpointAndRegionFromTheJobConfig() throws Exception {
        Path cfg = tmp.resolve("local.json");
        Files.writeString(cfg, "[{\"PropertyGroupId\":\"FrameSource\",\"PropertyMap\":{"
                + "\"stream.arn\":\"arn:aws:kinesis:us-east-1:000000000000:stream/crowd-emotion-frames\","
                + "\"aws.region\":\"us-east-1\",\"aws.endpoint\":\"http://127.0.0.1:4568\"}}]");
        Run r = run("--config", cfg.toString(), "--frames", "1", "--fps", "100", "--stages", "1",
                "--cameras-per-stage", "1", "--images", images());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(clientCalls).containsExactly("http://127.0.0.1:4568 us-east-1");
        assertThat(kinesis.calls.get(0).streamARN()).endsWith("stream/crowd-emotion-frames");

        Run overridden = run("--config", cfg.toString(), "--endpoint", "http://localhost:9", "--region", "eu-west-1",
                "--frames", "1", "--stages", "1", "--cameras-per-stage", "1", "--images", images());
        assertThat(overridden.exit).as(overridden.err).isZero();
        assertThat(clientCalls.get(1)).isEqualTo("http://localhost:9 eu-west-1");

        Path noArn = tmp.resolve("empty.json");
        Files.writeString(noArn, "[{\"PropertyGroupId\":\"ScoresSink\",\"PropertyMap\":{}}]");
        Run bad = run("--config", noArn.toString(), "--frames", "1", "--images", images());
        assertThat(bad.exit).isEqualTo(SimulatorCli.EXIT_USAGE);
        assertThat(bad.err).contains("FrameSource.stream.arn");
    }

    @Test
    void edgeOptionsDefaultToTheJobsDetectionSettings() {
        SimulatorCli cli = new SimulatorCli();
        new CommandLine(cli).parseArgs("--stream", "s", "--edge");
        assertThat(cli.edge).isTrue();
        assertThat(cli.edgeDetectorOptions().minScore()).isEqualTo((float) ConfigKeys.DEFAULT_MIN_SCORE);
        assertThat(cli.edgeCrops().margin()).isEqualTo((float) ConfigKeys.DEFAULT_CROP_MARGIN);
        assertThat(cli.edgeCrops().minSidePx()).isEqualTo(ConfigKeys.DEFAULT_CROP_MIN_SIDE_PX);
        assertThat(cli.edgeCrops().jpegQuality()).isEqualTo((float) ConfigKeys.DEFAULT_CROP_JPEG_QUALITY);

        SimulatorCli custom = new SimulatorCli();
        new CommandLine(custom).parseArgs("--stream", "s", "--edge", "--min-score", "0.75", "--crop-margin", "0.1",
                "--crop-min-side", "112", "--crop-jpeg-quality", "0.85");
        assertThat(custom.edgeDetectorOptions().minScore()).isEqualTo(0.75f);
        assertThat(custom.edgeCrops().margin()).isEqualTo(0.1f);
        assertThat(custom.edgeCrops().minSidePx()).isEqualTo(112);
        assertThat(custom.edgeCrops().jpegQuality()).isEqualTo(0.85f);

        SimulatorCli plain = new SimulatorCli();
        new CommandLine(plain).parseArgs("--stream", "s");
        assertThat(plain.edge).isFalse();
    }

    @Test
    void edgeModeSendsFaceRecordsAndReportsBytes() throws Exception {
        Run r = run("--stream", "frames", "--edge", "--stages", "1", "--cameras-per-stage", "1", "--fps", "100",
                "--frames", "1", "--images", images());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.err).contains("edge mode");
        assertThat(kinesis.accepted).isNotEmpty();
        long bytes = 0;
        int faces = 0;
        for (var e : kinesis.accepted) {
            FrameRecord rec = FrameCodec.decodeRecord(e.data().asByteArray());
            assertThat(rec.face()).isNotNull();
            assertThat(e.partitionKey()).isEqualTo("stage-1-cam-1").isEqualTo(rec.face().getCameraId());
            if (!rec.face().isNoFace()) faces++;
            bytes += e.data().asByteArray().length + e.partitionKey().length();
        }
        assertThat(r.out).contains("sent 1 of 1 frame(s)")
                .contains("into Kinesis: 1 frame(s) generated, " + kinesis.accepted.size() + " record(s) (edge: " + faces + " face(s)")
                .contains(bytes + " bytes (data + partition keys)").contains("bytes/frame").contains("bytes/face");

        Run full = run("--stream", "frames", "--stages", "1", "--cameras-per-stage", "1", "--fps", "100",
                "--frames", "1", "--images", images());
        assertThat(full.out).contains("into Kinesis: 1 frame(s) generated, 1 record(s), ").doesNotContain("bytes/face");
    }

    @Test
    void failedRecordsExitWithOne() {
        kinesis.errors = (call, rec) -> "KMSAccessDeniedException";
        Run r = run("--stream", "s", "--frames", "1", "--fps", "100", "--images", images(), "--stages", "1",
                "--cameras-per-stage", "1", "--max-attempts", "2");
        assertThat(r.exit).isEqualTo(SimulatorCli.EXIT_FAILED);
        assertThat(r.out).contains("failed: 1 frame(s)").contains("KMSAccessDeniedException");
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
