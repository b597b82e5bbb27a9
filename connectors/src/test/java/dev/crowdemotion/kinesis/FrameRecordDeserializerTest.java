package dev.crowdemotion.kinesis;

import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.EdgeFace;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.testing.TestData;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FrameRecordDeserializerTest {
    private static final long NOW = 1_750_000_000_000L;
    private static final byte[] JPEG = TestData.image("grace_hopper_512x512.jpg");

    private static byte[] frame(String stage, long captureTimeMs) throws Exception {
        return FrameCodec.encode(new CameraFrame("cam-1", stage, captureTimeMs, 3, MediaType.JPEG, JPEG));
    }

    @Test
    void aCaptureTimeTooFarAheadOfTheClockIsRejectedWithoutEventTime() throws Exception {
        FrameRecordDeserializer d = new FrameRecordDeserializer(60_000, Set.of(), false);
        IngestedRecord atLimit = d.decode(frame("main", NOW + 60_000), "shardId-0", "42", () -> NOW);
        assertThat(atLimit.isFrame()).isTrue();
        assertThat(atLimit.eventTimeMs()).isEqualTo(NOW + 60_000);

        IngestedRecord ahead = d.decode(frame("main", NOW + 60_001), "shardId-0", "43", () -> NOW);
        assertThat(ahead.isFrame()).isFalse();
        assertThat(ahead.eventTimeMs()).isEqualTo(Long.MIN_VALUE); // cannot advance a watermark
        DeadLetter dl = ahead.getRejected();
        assertThat(dl.getReason()).isEqualTo("FUTURE_CAPTURE_TIME");
        assertThat(dl.getStep()).isEqualTo(DeadLetter.Step.INGEST);
        assertThat(dl.getCameraId()).isEqualTo("cam-1");
        assertThat(dl.getCaptureTimeMs()).isEqualTo(NOW + 60_001);
        assertThat(dl.getSequenceNumber()).isEqualTo("43");
        assertThat(dl.getDetail()).contains("60001 ms ahead");
    }

    @Test
    void withAnAllowlistOtherStagesAreRejectedFaceRecordsToo() throws Exception {
        FrameRecordDeserializer d = new FrameRecordDeserializer(60_000, Set.of("main", "tent"), false);
        assertThat(d.decode(frame("tent", NOW), "s", "1", () -> NOW).isFrame()).isTrue();
        IngestedRecord other = d.decode(frame("mian", NOW), "s", "2", () -> NOW);
        assertThat(other.getRejected().getReason()).isEqualTo("UNKNOWN_STAGE");
        assertThat(other.getRejected().getStageId()).isEqualTo("mian");
        assertThat(other.eventTimeMs()).isEqualTo(Long.MIN_VALUE);
        byte[] face = FrameCodec.encode(EdgeFace.noFace("cam-1", "mian", NOW, 0, 640, 480));
        assertThat(d.decode(face, "s", "3", () -> NOW).getRejected().getReason()).isEqualTo("UNKNOWN_STAGE");

        FrameRecordDeserializer open = new FrameRecordDeserializer(60_000, Set.of(), false);
        assertThat(open.decode(frame("mian", NOW), "s", "2", () -> NOW).isFrame()).isTrue();
    }

    @Test
    void contractViolationsKeepTheirReasonUnderThePolicy() {
        FrameRecordDeserializer d = new FrameRecordDeserializer(60_000, Set.of("main"), false);
        IngestedRecord r = d.decode(new byte[] {1, 2, 3}, "s", "9", () -> NOW);
        assertThat(r.getRejected().getReason()).isEqualTo("TRUNCATED");
        assertThat(r.eventTimeMs()).isEqualTo(Long.MIN_VALUE);
    }
}
