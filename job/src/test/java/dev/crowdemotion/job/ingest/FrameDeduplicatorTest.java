package dev.crowdemotion.job.ingest;

import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.MediaType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class FrameDeduplicatorTest {
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00};
    private static final long TTL_MS = 600_000;

    private static KeyedOneInputStreamOperatorTestHarness<String, CameraFrame, CameraFrame> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FrameDeduplicator(TTL_MS)),
                CameraFrame::getCameraId, Types.STRING);
    }

    private static StreamRecord<CameraFrame> frame(String camera, long sequence) {
        return new StreamRecord<>(new CameraFrame(camera, "main", 1000 + sequence, sequence, MediaType.JPEG, JPEG),
                1000 + sequence);
    }

    private static List<DeadLetter> deadLetters(KeyedOneInputStreamOperatorTestHarness<String, CameraFrame, CameraFrame> h) {
        return h.getSideOutput(FrameRouter.DEAD_LETTERS) == null ? List.of()
                : h.getSideOutput(FrameRouter.DEAD_LETTERS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void aSecondCopyOfACamerasSequenceNumberIsADeadLetterOtherCamerasAreNotAffected() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, CameraFrame, CameraFrame> h = harness()) {
            h.open();
            h.processElement(frame("cam-1", 0));
            h.processElement(frame("cam-1", 1));
            h.processElement(frame("cam-2", 0)); // same sequence, other camera: not a duplicate
            h.processElement(frame("cam-1", 0)); // retried after a partial PutRecords failure
            assertThat(h.extractOutputValues()).extracting(f -> f.getCameraId() + "#" + f.getSequenceNumber())
                    .containsExactly("cam-1#0", "cam-1#1", "cam-2#0");
            assertThat(deadLetters(h)).extracting(DeadLetter::getReason, DeadLetter::getCameraId, DeadLetter::getCaptureTimeMs)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("DUPLICATE_FRAME", "cam-1", 1000L));
        }
    }

    @Test
    void duplicatesAreRecognisedAfterARestoreAndForgottenAfterTheTtl() throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, CameraFrame, CameraFrame> h = harness()) {
            h.setStateTtlProcessingTime(0);
            h.open();
            h.processElement(frame("cam-1", 7));
            snapshot = h.snapshot(1, 1);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, CameraFrame, CameraFrame> h = harness()) {
            h.setStateTtlProcessingTime(TTL_MS - 1);
            h.initializeState(snapshot);
            h.open();
            h.processElement(frame("cam-1", 7));
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(deadLetters(h)).extracting(DeadLetter::getReason).containsExactly("DUPLICATE_FRAME");

            h.setStateTtlProcessingTime(TTL_MS + 1); // written at 0: expired
            h.processElement(frame("cam-1", 7));
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(deadLetters(h)).hasSize(1);
        }
    }
}
