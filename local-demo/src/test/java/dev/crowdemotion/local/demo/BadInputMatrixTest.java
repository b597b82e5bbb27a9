package dev.crowdemotion.local.demo;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setup.ResourceSetup;
import dev.crowdemotion.simulator.CrowdComposer;
import dev.crowdemotion.simulator.FrameGenerator;
import dev.crowdemotion.simulator.KinesisFrameWriter;
import dev.crowdemotion.simulator.PhotoFrames;
import dev.crowdemotion.simulator.StreamRef;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bad input matrix on the real Kinesis path: the same good frames (two stages, two cameras
 * each) are read once alone and once interleaved with every kind of bad record, each by the job
 * on a Flink mini-cluster. Every bad record must become exactly one dead letter with its reason,
 * the job must keep running, and the good frames must give the same DynamoDB items, attribute for
 * attribute. A record over Kinesis' 1 MiB limit never enters the stream: PutRecord refuses it.
 */
class BadInputMatrixTest {
    private static final long T0 = (System.currentTimeMillis() - 600_000) / 10_000 * 10_000;
    private static final int FRAMES_PER_CAMERA = 12;
    private static final String GOOD_STREAM = "bad-input-good";
    private static final String MIXED_STREAM = "bad-input-mixed";
    private static final int MAX_FACES = 64;

    private static LocalStack stack;
    private static Path root;
    private static List<CameraFrame> good;
    private static Map<String, long[]> expected;
    private static CameraFrame crowded;
    private static int crowdedFaces;
    /** Reasons of the bad records written to the mixed stream, in order. */
    private static final List<String> expectedReasons = new ArrayList<>();

    @BeforeAll
    static void writeStreams() throws Exception {
        root = LocalDemo.repositoryRoot();
        Map<String, Properties> groups = ApplicationProperties.fromFile(root.resolve("config/local.json").toString());
        stack = LocalStack.start(groups);
        ResourceSetup setup = new ResourceSetup(stack.kinesis(), stack.dynamoDb());
        setup.ensureStream(GOOD_STREAM, 1);
        setup.ensureStream(MIXED_STREAM, 1);

        FrameGenerator crowd = CrowdComposer.fromDirectory(root.resolve("data/stages/pop"),
                CrowdComposer.Settings.defaults().size(960, 540).faces(2, 6).faceSize(60, 140).seed(11));
        FrameGenerator photos = PhotoFrames.fromDirectory(root.resolve("data/stages/jazz"));
        good = new ArrayList<>();
        for (int i = 0; i < FRAMES_PER_CAMERA; i++) {
            for (int c = 1; c <= 2; c++) {
                good.add(crowd.next("pop-cam-" + c, "pop", i, T0 + i * 1000L + c * 10));
                good.add(photos.next("jazz-cam-" + c, "jazz", i, T0 + i * 1000L + c * 10));
            }
        }
        crowded = new CameraFrame("crowd-cam-1", "crowd", T0 + 3_000, 0, MediaType.JPEG, tiledFaces(1280, 960, 64));
        CameraFrame closing = new CameraFrame("jazz-cam-1", "jazz", T0 + 60_000, FRAMES_PER_CAMERA, MediaType.JPEG,
                image("data/images/hubble_deep_field.jpg"));
        try (BlazeFaceDetector detector = BlazeFaceDetector.load(
                DetectorOptions.builder().minScore((float) stack.config().minScore()).build())) {
            expected = JobRuns.expectedFramesAndFaces(good, detector);
            crowdedFaces = (int) JobRuns.expectedFramesAndFaces(List.of(crowded), detector).values().iterator().next()[1];
        }

        KinesisFrameWriter goodWriter = new KinesisFrameWriter(stack.kinesis(), StreamRef.name(GOOD_STREAM));
        KinesisFrameWriter mixedWriter = new KinesisFrameWriter(stack.kinesis(), StreamRef.name(MIXED_STREAM));
        List<Runnable> bad = badRecords();
        for (int from = 0, tick = 0; from < good.size(); from += 4, tick++) {
            List<CameraFrame> frames = good.subList(from, from + 4);
            assertThat(goodWriter.write(frames).failures()).isEmpty();
            assertThat(mixedWriter.write(frames).failures()).isEmpty();
            // the bad records between the ticks, two by two
            for (int b = 2 * tick; b < Math.min(bad.size(), 2 * tick + 2); b++) {
                bad.get(b).run();
            }
            if (tick == 1) { // a camera retries a batch after a partial PutRecords failure: two copies
                assertThat(mixedWriter.write(good.subList(0, 2)).failures()).isEmpty();
                expectedReasons.add("DUPLICATE_FRAME");
                expectedReasons.add("DUPLICATE_FRAME");
                assertThat(mixedWriter.write(List.of(crowded)).failures()).isEmpty();
                expectedReasons.add("TOO_MANY_FACES");
            }
        }
        assertThat(bad.size()).isLessThanOrEqualTo(2 * (good.size() / 4));
        assertThat(goodWriter.write(List.of(closing)).failures()).isEmpty();
        assertThat(mixedWriter.write(List.of(closing)).failures()).isEmpty();

        // over Kinesis' limit of 1 MiB per record: refused by PutRecord, never in the stream
        assertThatThrownBy(() -> put(new byte[FrameCodec.MAX_RECORD_BYTES + 1], "pop-cam-1"))
                .isInstanceOf(KinesisException.class);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** The bad records, each writing itself to the mixed stream and noting its expected reason. */
    private static List<Runnable> badRecords() throws Exception {
        byte[] jpeg = image("data/images/grace_hopper_512x512.jpg");
        List<Runnable> out = new ArrayList<>();
        // a camera clock an hour ahead, early in the stream: it must not move the watermark
        out.add(bad("FUTURE_CAPTURE_TIME", envelope(header("pop-cam-1", "pop", System.currentTimeMillis() + 3_600_000,
                1001, "image/jpeg"), jpeg)));
        out.add(bad("BAD_MEDIA_TYPE", envelope(header("pop-cam-1", "pop", T0 + 1_500, 1002, "image/jpeg"),
                "this is not an image".getBytes(StandardCharsets.UTF_8))));
        out.add(bad("IMAGE_UNDECODABLE", envelope(header("pop-cam-2", "pop", T0 + 2_500, 1003, "image/jpeg"),
                Arrays.copyOf(jpeg, jpeg.length / 2)))); // truncated JPEG
        out.add(bad("TRUNCATED", new byte[] {'C', 'E', 'F'})); // shorter than the preamble
        out.add(bad("EMPTY_IMAGE", envelope(header("jazz-cam-1", "jazz", T0 + 3_500, 1004, "image/jpeg"), new byte[0])));
        out.add(bad("IMAGE_UNDECODABLE", envelope(header("jazz-cam-2", "jazz", T0 + 4_500, 1005, "image/jpeg"),
                pixelBomb()))); // declares 20000 x 20000 pixels
        out.add(bad("IMAGE_TOO_SMALL", envelope(header("pop-cam-1", "pop", T0 + 5_500, 1006, "image/jpeg"),
                scaled(jpeg, 64, 64))));
        out.add(bad("BAD_MAGIC", jpeg)); // a JPEG without the envelope
        out.add(bad("UNSUPPORTED_VERSION", withByte(envelope(header("pop-cam-1", "pop", T0 + 6_500, 1007, "image/jpeg"),
                jpeg), 3, (byte) 2)));
        out.add(bad("BAD_HEADER", envelope("{\"type\":\"frame\",".getBytes(StandardCharsets.UTF_8), jpeg)));
        out.add(bad("TRUNCATED", Arrays.copyOf(envelope(header("pop-cam-1", "pop", T0 + 6_600, 1008, "image/jpeg"),
                jpeg), 20))); // header runs past the end
        out.add(bad("BAD_ID", envelope(header("pop-cam-1", "pop stage!", T0 + 7_500, 1009, "image/jpeg"), jpeg)));
        out.add(bad("BAD_ID", envelope(header("../cam", "pop", T0 + 8_500, 1010, "image/jpeg"), jpeg)));
        out.add(bad("UNKNOWN_STAGE", envelope(header("pop-cam-1", "mian", T0 + 9_500, 1011, "image/jpeg"), jpeg)));
        out.add(bad("BAD_HEADER", envelope(("{\"type\":\"frame\",\"cameraId\":\"pop-cam-1\",\"stageId\":\"pop\","
                + "\"captureTimeMs\":-5,\"sequence\":1,\"mediaType\":\"image/jpeg\"}").getBytes(StandardCharsets.UTF_8), jpeg)));
        return out;
    }

    private static Runnable bad(String reason, byte[] data) {
        return () -> {
            put(data, "pop-cam-1");
            expectedReasons.add(reason);
        };
    }

    private static void put(byte[] data, String partitionKey) {
        stack.kinesis().putRecord(b -> b.streamName(MIXED_STREAM).partitionKey(partitionKey)
                .data(SdkBytes.fromByteArray(data)));
    }

    private static byte[] header(String camera, String stage, long captureTimeMs, long sequence, String mediaType) {
        return String.format("{\"type\":\"frame\",\"cameraId\":\"%s\",\"stageId\":\"%s\",\"captureTimeMs\":%d,"
                        + "\"sequence\":%d,\"mediaType\":\"%s\"}", camera, stage, captureTimeMs, sequence, mediaType)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The frame contract's envelope around any header and image bytes (FrameCodec.encode refuses bad ones). */
    private static byte[] envelope(byte[] header, byte[] image) {
        return ByteBuffer.allocate(8 + header.length + image.length).put(new byte[] {'C', 'E', 'F', 1})
                .putInt(header.length).put(header).put(image).array();
    }

    private static byte[] withByte(byte[] data, int index, byte value) {
        byte[] copy = data.clone();
        copy[index] = value;
        return copy;
    }

    private static byte[] image(String path) throws Exception {
        return Files.readAllBytes(root.resolve(path));
    }

    private static byte[] jpeg(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    private static byte[] scaled(byte[] jpeg, int width, int height) throws Exception {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(ImageIO.read(new java.io.ByteArrayInputStream(jpeg)), 0, 0, width, height, null);
        g.dispose();
        return jpeg(out);
    }

    /** A small valid JPEG whose frame header (SOF0) declares 20000 x 20000 pixels: 400 megapixels. */
    private static byte[] pixelBomb() throws Exception {
        byte[] data = jpeg(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB));
        for (int i = 2; i + 8 < data.length; i++) {
            if ((data[i] & 0xFF) == 0xFF && (data[i + 1] & 0xFF) == 0xC0) {
                ByteBuffer.wrap(data, i + 5, 4).putShort((short) 20_000).putShort((short) 20_000);
                return data;
            }
        }
        throw new IllegalStateException("no SOF0 marker");
    }

    /** A face photo tiled {@code cell} px apart: hundreds of small faces in one frame. */
    private static byte[] tiledFaces(int width, int height, int cell) throws Exception {
        BufferedImage face = ImageIO.read(root.resolve("data/images/grace_hopper_512x512.jpg").toFile());
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        for (int y = 0; y + cell <= height; y += cell) {
            for (int x = 0; x + cell <= width; x += cell) {
                g.drawImage(face, x, y, cell, cell, null);
            }
        }
        g.dispose();
        return jpeg(out);
    }

    @Test
    void everyBadRecordIsOneDeadLetterWithItsReasonAndTheGoodFramesGiveTheSameItems() throws Exception {
        assertThat(crowdedFaces).as("faces BlazeFace finds in the tiled frame").isGreaterThan(250);
        Set<String> stages = Set.of("pop", "jazz", "crowd");
        java.util.function.Consumer<Map<String, Properties>> policy = g -> {
            g.get(ConfigKeys.GROUP_FRAME_SOURCE).setProperty(ConfigKeys.ALLOWED_STAGES, String.join(",", stages));
            g.get(ConfigKeys.GROUP_DETECTION).setProperty(ConfigKeys.MAX_FACES_PER_FRAME, Integer.toString(MAX_FACES));
        };

        Map<String, StageWindowScore> reference;
        try (JobRuns.Run run = JobRuns.start(stack, "bad-input-good", GOOD_STREAM, policy)) {
            reference = run.awaitItems(items -> JobRuns.complete(items, expected));
            assertThat(run.deadLetters()).as("dead letters of the good frames alone").isEmpty();
        }
        JobRuns.assertCounts(reference, expected);

        Map<String, long[]> withCrowd = new TreeMap<>(expected);
        withCrowd.put("crowd@" + JobRuns.windowStart(crowded.getCaptureTimeMs()), new long[] {1, MAX_FACES});
        try (JobRuns.Run run = JobRuns.start(stack, "bad-input-mixed", MIXED_STREAM, policy)) {
            run.awaitItems(items -> JobRuns.complete(items, withCrowd));
            run.await(run::deadLetters, d -> d.size() >= expectedReasons.size());

            // a frame later than its window (allowed lateness 0), read after every window fired
            CameraFrame late = new CameraFrame("jazz-cam-1", "jazz", T0 + 5_000, 500, MediaType.JPEG,
                    image("data/images/grace_hopper_512x512.jpg"));
            assertThat(new KinesisFrameWriter(stack.kinesis(), StreamRef.name(MIXED_STREAM)).write(List.of(late))
                    .failures()).isEmpty();
            expectedReasons.add("LATE_FRAME");
            expectedReasons.add("LATE_FACE");
            run.await(run::deadLetters, d -> d.size() >= expectedReasons.size());
            Thread.sleep(2_000); // nothing more may come, and no item may change
            Map<String, StageWindowScore> mixed = run.items();
            assertThat(run.running()).as("job still running after every bad input").isTrue();

            List<DeadLetter> dead = new ArrayList<>(run.deadLetters());
            dead.forEach(d -> System.out.println("dead letter: " + d));
            assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrderElementsOf(expectedReasons);
            DeadLetter tooMany = dead.stream().filter(d -> d.getReason().equals("TOO_MANY_FACES")).findFirst().orElseThrow();
            assertThat(tooMany.getDetail()).isEqualTo("detected=" + crowdedFaces + " kept=" + MAX_FACES
                    + " dropped=" + (crowdedFaces - MAX_FACES));
            assertThat(dead).filteredOn(d -> d.getReason().equals("DUPLICATE_FRAME"))
                    .extracting(d -> d.getCameraId() + "@" + d.getCaptureTimeMs())
                    .containsExactlyInAnyOrder(good.get(0).getCameraId() + "@" + good.get(0).getCaptureTimeMs(),
                            good.get(1).getCameraId() + "@" + good.get(1).getCaptureTimeMs());
            assertThat(dead).filteredOn(d -> d.getStep() == DeadLetter.Step.INGEST && !d.getReason().equals("DUPLICATE_FRAME"))
                    .allSatisfy(d -> assertThat(d.getShardId()).isNotNull());

            // the good frames' items are those of the good frames alone; the crowded frame's has 64 faces
            assertThat(mixed.keySet()).containsAll(expected.keySet());
            JobRuns.assertSameItems(mixed, reference, expected.keySet());
            JobRuns.assertCounts(mixed, withCrowd);
            assertThat(mixed.keySet().stream().map(k -> k.substring(0, k.indexOf('@'))).collect(Collectors.toSet()))
                    .isSubsetOf(stages);
        }
    }
}
