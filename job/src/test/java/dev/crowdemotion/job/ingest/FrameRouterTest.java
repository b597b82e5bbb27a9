package dev.crowdemotion.job.ingest;

import dev.crowdemotion.config.DetectorMode;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.EdgeFace;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.kinesis.IngestedRecord;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class FrameRouterTest {
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00};

    private static OneInputStreamOperatorTestHarness<IngestedRecord, CameraFrame> harness(DetectorMode mode)
            throws Exception {
        OneInputStreamOperatorTestHarness<IngestedRecord, CameraFrame> h =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new FrameRouter(mode)));
        h.open();
        return h;
    }

    private static List<IngestedRecord> records() {
        return List.of(
                IngestedRecord.of(new CameraFrame("cam-1", "main", 1000, 0, MediaType.JPEG, JPEG)),
                IngestedRecord.of(EdgeFace.noFace("cam-2", "main", 1000, 0, 640, 480)),
                IngestedRecord.rejected(new DeadLetter(DeadLetter.Step.INGEST, "BAD_MAGIC", "x")));
    }

    @Test
    void framesGoToTheDetectorFaceRecordsAndRejectsToDeadLetters() throws Exception {
        for (DetectorMode mode : new DetectorMode[] {DetectorMode.EMBEDDED, DetectorMode.SAGEMAKER}) {
            try (OneInputStreamOperatorTestHarness<IngestedRecord, CameraFrame> h = harness(mode)) {
                for (IngestedRecord r : records()) {
                    h.processElement(new StreamRecord<>(r, 1000));
                }
                assertThat(h.extractOutputValues()).extracting(CameraFrame::getCameraId).containsExactly("cam-1");
                assertThat(h.getSideOutput(FrameRouter.EDGE_FACES)).isNull();
                List<DeadLetter> dead = h.getSideOutput(FrameRouter.DEAD_LETTERS).stream().map(StreamRecord::getValue)
                        .collect(Collectors.toList());
                assertThat(dead).extracting(DeadLetter::getReason)
                        .containsExactlyInAnyOrder("FACE_RECORD_NOT_IN_EDGE_MODE", "BAD_MAGIC");
                assertThat(dead).filteredOn(d -> d.getReason().startsWith("FACE"))
                        .extracting(DeadLetter::getCameraId).containsExactly("cam-2");
            }
        }
    }

    @Test
    void inEdgeModeWholeFramesAreDeadLettersWithAReason() throws Exception {
        try (OneInputStreamOperatorTestHarness<IngestedRecord, CameraFrame> h = harness(DetectorMode.EDGE)) {
            for (IngestedRecord r : records()) {
                h.processElement(new StreamRecord<>(r, 1000));
            }
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(FrameRouter.EDGE_FACES)).hasSize(1);
            List<DeadLetter> dead = h.getSideOutput(FrameRouter.DEAD_LETTERS).stream().map(StreamRecord::getValue)
                    .collect(Collectors.toList());
            assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrder("FRAME_IN_EDGE_MODE", "BAD_MAGIC");
            assertThat(dead).filteredOn(d -> d.getReason().equals("FRAME_IN_EDGE_MODE"))
                    .extracting(DeadLetter::getCameraId).containsExactly("cam-1");
        }
    }
}
