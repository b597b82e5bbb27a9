package dev.crowdemotion.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.FrameFormatException;
import dev.crowdemotion.metrics.MetricPoint;
import dev.crowdemotion.metrics.ScoreMetrics;
import dev.crowdemotion.metrics.StageCardinalityCap;
import dev.crowdemotion.scores.StageWindowScore;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A camera (or anyone who can write to the frame stream) chooses the camera and stage ids. They
 * become DynamoDB keys and the CloudWatch {@code Stage} dimension, so they are bounded twice:
 * {@link FrameCodec} rejects any id that is not 1..64 characters of {@code [A-Za-z0-9._-]}
 * starting with a letter or digit (dead letter {@code BAD_ID}), and {@link StageCardinalityCap}
 * publishes at most {@code CloudWatch.max.stages} stage values (then {@code other}). Records are
 * written as a camera would, by hand from the contract (not with the project's encoder, which
 * refuses bad ids itself).
 */
class StageDimensionBoundsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long W = 1_763_769_600_000L;
    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

    @Test
    void tenThousandRandomStageIdsGiveAtMostMaxStagesDimensionValues() throws Exception {
        byte[] jpeg = jpeg();
        Random random = new Random(20261122);
        List<String> accepted = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < 10_000; i++) {
            String id = randomId(random, i % 3);
            try {
                CameraFrame frame = FrameCodec.decode(record("cam-1", id, jpeg));
                assertThat(validByTheContract(id)).as("accepted '%s'", id).isTrue();
                assertThat(frame.getStageId()).isEqualTo(id);
                accepted.add(id);
            } catch (FrameFormatException e) {
                assertThat(validByTheContract(id)).as("rejected '%s'", id).isFalse();
                assertThat(e.reason()).isEqualTo(FrameFormatException.Reason.BAD_ID);
                rejected++;
            }
        }
        assertThat(accepted).as("ids accepted").hasSizeGreaterThan(3000);
        assertThat(rejected).as("ids rejected").isGreaterThan(6000);
        assertThat(new HashSet<>(accepted)).as("distinct accepted stage ids").hasSizeGreaterThan(3000);

        int maxStages = ConfigKeys.DEFAULT_MAX_STAGES;
        Set<String> dimensionValues = new HashSet<>();
        try (OneInputStreamOperatorTestHarness<StageWindowScore, MetricPoint> h =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new StageCardinalityCap(maxStages)))) {
            h.open();
            for (String stage : accepted) {
                h.processElement(new StreamRecord<>(CloudWatchBusinessMetricsTest.score(stage, W, 10, 2, 2, 70)));
            }
            for (MetricPoint p : h.extractOutputValues()) {
                String stage = p.dimension(ScoreMetrics.STAGE);
                if (stage != null) {
                    dimensionValues.add(stage);
                }
            }
        }
        assertThat(dimensionValues).as("Stage dimension values").hasSize(maxStages + 1)
                .contains(ScoreMetrics.OTHER_STAGE).allMatch(v -> v.length() <= 64);
    }

    @Test
    void overLongAndOddIdsAreRejectedForCameraAndStage() throws Exception {
        byte[] jpeg = jpeg();
        List<String> bad = List.of("", "a".repeat(65), "x".repeat(10_000), "-rock", ".hidden", "rock stage",
                "rock\n", "rock\u0000", "r\u00f4ck", "\u0440ock" /* Cyrillic er */, "../etc/hosts", "rock/1",
                "rock:1", "\uD83C\uDFB8", "Stage=rock,Camera=x", "rock%20", "<script>");
        for (String id : bad) {
            for (boolean asStage : new boolean[] {true, false}) {
                byte[] data = asStage ? record("cam-1", id, jpeg) : record(id, "rock", jpeg);
                assertThatThrownBy(() -> FrameCodec.decode(data)).as("%s '%s'", asStage ? "stage" : "camera", id)
                        .isInstanceOfSatisfying(FrameFormatException.class,
                                e -> assertThat(e.reason()).isEqualTo(FrameFormatException.Reason.BAD_ID));
            }
        }
        assertThat(FrameCodec.decode(record("cam-1", "a".repeat(64), jpeg)).getStageId()).hasSize(64);
    }

    /** The contract, spelled without the codec's regex: 1..64 chars of [A-Za-z0-9._-], the first a letter or digit. */
    private static boolean validByTheContract(String id) {
        if (id.isEmpty() || id.length() > 64 || ID_CHARS.indexOf(id.charAt(0)) >= ID_CHARS.indexOf('.')) {
            return false;
        }
        return id.chars().allMatch(c -> ID_CHARS.indexOf(c) >= 0);
    }

    /** Kind 0: contract charset, 1..64 long; 1: contract charset, 65..300 long; 2: any code points, 1..80 long. */
    private static String randomId(Random r, int kind) {
        StringBuilder b = new StringBuilder();
        int length = kind == 0 ? 1 + r.nextInt(64) : kind == 1 ? 65 + r.nextInt(236) : 1 + r.nextInt(80);
        while (b.length() < length) {
            if (kind == 2) {
                int cp = r.nextInt(4) == 0 ? r.nextInt(0x20000) : r.nextInt(0x80);
                if (Character.isValidCodePoint(cp) && !Character.isSurrogate((char) cp)) {
                    b.appendCodePoint(cp);
                }
            } else {
                b.append(ID_CHARS.charAt(r.nextInt(ID_CHARS.length())));
            }
        }
        return b.toString();
    }

    /** A frame record as docs/frame-contract.md specifies it: "CEF", version 1, header length, JSON header, image. */
    private static byte[] record(String cameraId, String stageId, byte[] image) throws Exception {
        ObjectNode header = JSON.createObjectNode();
        header.put("type", "frame");
        header.put("cameraId", cameraId);
        header.put("stageId", stageId);
        header.put("captureTimeMs", W);
        header.put("sequence", 1);
        header.put("mediaType", "image/jpeg");
        byte[] h = JSON.writeValueAsBytes(header);
        return ByteBuffer.allocate(8 + h.length + image.length)
                .put(new byte[] {'C', 'E', 'F', 1}).putInt(h.length).put(h).put(image).array();
    }

    private static byte[] jpeg() throws Exception {
        try (var files = Files.walk(Path.of("..", "data", "stages"))) {
            return Files.readAllBytes(files.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow());
        }
    }
}
