package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.job.detection.FaceCrop;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class FaceBatcherTest {
    private static final long WINDOW = 10_000;

    private static CrowdEmotionConfig config(int k, double maxTps) {
        Properties src = new Properties();
        src.setProperty(ConfigKeys.STREAM_ARN, "arn:aws:kinesis:us-east-1:000000000000:stream/frames");
        Properties rek = new Properties();
        rek.setProperty(ConfigKeys.MOSAIC_MAX_FACES, Integer.toString(k));
        rek.setProperty(ConfigKeys.MAX_TPS, Double.toString(maxTps));
        Properties agg = new Properties();
        agg.setProperty(ConfigKeys.WINDOW_SIZE_MS, Long.toString(WINDOW));
        return new CrowdEmotionConfig(Map.of(ConfigKeys.GROUP_FRAME_SOURCE, src, ConfigKeys.GROUP_REKOGNITION, rek,
                ConfigKeys.GROUP_AGGREGATION, agg));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, FaceCrop, FaceBatch> harness(int k) throws Exception {
        return harness(config(k, 1_000));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, FaceCrop, FaceBatch> harness(CrowdEmotionConfig c)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, FaceCrop, FaceBatch> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FaceBatcher(c)), FaceCrop::getStageId, Types.STRING);
        h.open();
        return h;
    }

    /** What went to the bypass side output: "stage@timestamp:M" for markers, ":S<index>" for sampled-out faces. */
    private static List<String> bypass(KeyedOneInputStreamOperatorTestHarness<String, FaceCrop, FaceBatch> h) {
        List<String> out = new ArrayList<>();
        if (h.getSideOutput(FaceBatcher.BYPASS) == null) {
            return out;
        }
        for (StreamRecord<FaceObservation> r : h.getSideOutput(FaceBatcher.BYPASS)) {
            FaceObservation o = r.getValue();
            assertThat(o.isFrameMarker() || "SAMPLED_OUT".equals(o.getFailureReason())).isTrue();
            out.add(o.getStageId() + "@" + r.getTimestamp() + ":" + (o.isFrameMarker() ? "M" : "S" + o.getFaceIndex()));
        }
        return out;
    }

    private static FaceCrop face(String stage, long t, int index) {
        return FaceCrop.face(stage, stage + "-cam-1", t, t / 1000, 9, index, 0, 0, 0.1f, 0.1f, 0.9f, new byte[] {(byte) index});
    }

    private static void add(KeyedOneInputStreamOperatorTestHarness<String, FaceCrop, FaceBatch> h, FaceCrop c) throws Exception {
        h.processElement(new StreamRecord<>(c, c.getCaptureTimeMs()));
    }

    /** Output records (batches with their timestamps) and watermarks, in order. */
    private static List<String> output(KeyedOneInputStreamOperatorTestHarness<String, FaceCrop, FaceBatch> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark) {
                out.add("W" + ((Watermark) o).getTimestamp());
            } else {
                @SuppressWarnings("unchecked")
                StreamRecord<FaceBatch> r = (StreamRecord<FaceBatch>) o;
                StringBuilder s = new StringBuilder(r.getValue().getStageId() + "@" + r.getTimestamp() + ":");
                for (FaceCrop c : r.getValue().getCrops()) {
                    s.append(c.isFrameMarker() ? "M" : Integer.toString(c.getFaceIndex()));
                }
                out.add(s.toString());
            }
        }
        return out;
    }

    @Test
    void emitsAFullBatchAtOnceAndThePartialOneBeforeTheWatermarkClosesItsWindow() throws Exception {
        try (var h = harness(3)) {
            add(h, face("pop", 1_000, 0));
            add(h, face("pop", 1_000, 1));
            add(h, face("pop", 2_000, 2));
            add(h, face("pop", 3_000, 3));
            add(h, face("pop", 4_000, 4));
            assertThat(output(h)).containsExactly("pop@2000:012");
            h.processWatermark(new Watermark(9_000));
            assertThat(output(h)).containsExactly("pop@2000:012", "W9000");
            h.processWatermark(new Watermark(9_999));
            // the partial batch comes out before the watermark that would close its window
            assertThat(output(h)).containsExactly("pop@2000:012", "W9000", "pop@9999:34", "W9999");
        }
    }

    @Test
    void neverMixesWindowsOrStagesAndSendsFrameMarkersAroundTheCalls() throws Exception {
        try (var h = harness(4)) {
            add(h, face("pop", 9_500, 0));
            add(h, FaceCrop.frameMarker("pop", "pop-cam-1", 10_200, 10, 2));
            add(h, face("pop", 10_200, 1));
            add(h, face("jazz", 9_700, 2));
            h.processWatermark(new Watermark(19_999));
            List<String> out = output(h);
            assertThat(out.subList(0, 3)).containsExactlyInAnyOrder("pop@9999:0", "jazz@9999:2", "pop@19999:1");
            assertThat(out.get(3)).isEqualTo("W19999");
            assertThat(bypass(h)).containsExactly("pop@10200:M");
        }
    }

    @Test
    void beyondTheBudgetFacesAreSampledOutNotQueued() throws Exception {
        // 1 call/s with a 2 s burst, one call per face: of 6 faces arriving at once, the burst's
        // worth is sent (the stage's first token plus the shared bucket), the rest sampled out
        try (var h = harness(config(1, 1))) {
            for (int i = 0; i < 6; i++) {
                add(h, face("pop", 1_000, i));
            }
            List<String> sent = output(h);
            List<String> sampled = bypass(h);
            assertThat(sent.size() + sampled.size()).isEqualTo(6);
            assertThat(sent).hasSizeBetween(2, 3).allMatch(s -> s.startsWith("pop@1000:"));
            assertThat(sampled).allMatch(s -> s.startsWith("pop@1000:S"));
        }
    }

    @Test
    void singleCropModePassesEveryCropThrough() throws Exception {
        try (var h = harness(1)) {
            add(h, face("pop", 1_000, 0));
            add(h, face("pop", 1_000, 1));
            assertThat(output(h)).containsExactly("pop@1000:0", "pop@1000:1");
        }
    }

    @Test
    void bufferedCropsSurviveACheckpointAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(5)) {
            add(h, face("pop", 1_000, 0));
            add(h, face("pop", 2_000, 1));
            snapshot = h.snapshot(1, 2_500);
        }
        KeyedOneInputStreamOperatorTestHarness<String, FaceCrop, FaceBatch> restored =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FaceBatcher(config(5, 1_000))),
                        FaceCrop::getStageId, Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processWatermark(new Watermark(9_999));
        assertThat(output(restored)).containsExactly("pop@9999:01", "W9999");
        restored.close();
    }
}
