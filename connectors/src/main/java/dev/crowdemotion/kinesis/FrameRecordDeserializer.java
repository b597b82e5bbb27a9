package dev.crowdemotion.kinesis;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.FrameRecord;
import dev.crowdemotion.frame.FrameFormatException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.util.Collector;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Decodes Kinesis records of the frame contract ({@link FrameCodec}) into {@link IngestedRecord}s.
 * Never throws on bad input: a record that breaks the contract becomes a rejected
 * {@link IngestedRecord} with the {@link FrameFormatException.Reason} as its reason code and
 * the record's shard id and sequence number.
 *
 * <p>Built from the configuration, it also applies the source's admission policy, here so that a
 * rejected record carries no event time ({@link IngestedRecord#eventTimeMs()} is
 * {@link Long#MIN_VALUE}) and cannot advance its shard's watermark: a capture time more than
 * {@code FrameSource.max.future.ms} ahead of the processing-time clock ({@code FUTURE_CAPTURE_TIME}),
 * and, with {@code FrameSource.allowed.stages} set, a stage id not in the list ({@code UNKNOWN_STAGE}).
 */
public class FrameRecordDeserializer implements KinesisDeserializationSchema<IngestedRecord> {
    private static final long serialVersionUID = 1L;

    private final long maxFutureMs;
    private final TreeSet<String> allowedStages;
    private final boolean includePayload;

    /** No admission policy (capture times and stage ids checked only by the contract), no payload in dead letters. */
    public FrameRecordDeserializer() {
        this(Long.MAX_VALUE, Set.of(), false);
    }

    /**
     * The admission policy of the {@code FrameSource} group ({@code max.future.ms},
     * {@code allowed.stages}) and the {@code DeadLetters.include.payload} switch.
     */
    public FrameRecordDeserializer(CrowdEmotionConfig config) {
        this(config.maxFutureMs(), config.allowedStages(), config.deadLetterIncludePayload());
    }

    /**
     * @param maxFutureMs    how far a capture time may be ahead of {@link System#currentTimeMillis()}, ms
     * @param allowedStages  accepted stage ids; empty for every id the contract allows
     * @param includePayload whether a rejected record's dead letter carries the record's bytes
     *                       (up to {@link ConfigKeys#DEAD_LETTER_MAX_PAYLOAD_BYTES})
     */
    public FrameRecordDeserializer(long maxFutureMs, Set<String> allowedStages, boolean includePayload) {
        this.maxFutureMs = maxFutureMs;
        this.allowedStages = new TreeSet<>(allowedStages);
        this.includePayload = includePayload;
    }

    @Override
    public void deserialize(Record record, String stream, String shardId, Collector<IngestedRecord> out) {
        byte[] data = record.data() == null ? new byte[0] : record.data().asByteArrayUnsafe();
        IngestedRecord decoded = decode(data, shardId, record.sequenceNumber(), System::currentTimeMillis);
        if (includePayload && decoded.getRejected() != null && data.length <= ConfigKeys.DEAD_LETTER_MAX_PAYLOAD_BYTES) {
            decoded.getRejected().withPayload(data);
        }
        out.collect(decoded);
    }

    /**
     * Decodes one record's data blob and applies the admission policy.
     *
     * @param clock the processing-time clock, epoch ms
     */
    public IngestedRecord decode(byte[] data, String shardId, String sequenceNumber, LongSupplier clock) {
        IngestedRecord r = decode(data, shardId, sequenceNumber);
        if (r.getRejected() != null) {
            return r;
        }
        String camera = r.isFrame() ? r.getFrame().getCameraId() : r.getFace().getCameraId();
        String stage = r.isFrame() ? r.getFrame().getStageId() : r.getFace().getStageId();
        long capture = r.eventTimeMs();
        String reason = null;
        String detail = null;
        if (!allowedStages.isEmpty() && !allowedStages.contains(stage)) {
            reason = "UNKNOWN_STAGE";
            detail = "stage '" + stage + "' is not in " + ConfigKeys.GROUP_FRAME_SOURCE + "."
                    + ConfigKeys.ALLOWED_STAGES;
        } else if (maxFutureMs != Long.MAX_VALUE) {
            long now = clock.getAsLong();
            if (capture - now > maxFutureMs) {
                reason = "FUTURE_CAPTURE_TIME";
                detail = "capture time " + capture + " is " + (capture - now) + " ms ahead of the job's clock ("
                        + ConfigKeys.GROUP_FRAME_SOURCE + "." + ConfigKeys.MAX_FUTURE_MS + " = " + maxFutureMs + ")";
            }
        }
        if (reason == null) {
            return r;
        }
        return IngestedRecord.rejected(new DeadLetter(DeadLetter.Step.INGEST, reason, detail)
                .withSourcePosition(shardId, sequenceNumber)
                .withFrame(camera, stage, capture)
                .withPayloadBytes(data.length));
    }

    /**
     * Decodes one record's data blob against the contract only (no admission policy).
     *
     * @param data the record's data
     * @param shardId shard the record was read from (kept on dead letters)
     * @param sequenceNumber the record's Kinesis sequence number (kept on dead letters)
     */
    public static IngestedRecord decode(byte[] data, String shardId, String sequenceNumber) {
        try {
            FrameRecord decoded = FrameCodec.decodeRecord(data);
            return decoded.frame() != null ? IngestedRecord.of(decoded.frame()) : IngestedRecord.of(decoded.face());
        } catch (FrameFormatException e) {
            return IngestedRecord.rejected(new DeadLetter(DeadLetter.Step.INGEST, e.reason().name(), e.getMessage())
                    .withSourcePosition(shardId, sequenceNumber)
                    .withPayloadBytes(data.length));
        }
    }

    @Override
    public TypeInformation<IngestedRecord> getProducedType() {
        return TypeInformation.of(IngestedRecord.class);
    }
}
