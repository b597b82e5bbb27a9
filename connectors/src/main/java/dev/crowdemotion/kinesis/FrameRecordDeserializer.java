package dev.crowdemotion.kinesis;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.FrameRecord;
import dev.crowdemotion.frame.FrameFormatException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.util.Collector;

/**
 * Decodes Kinesis records of the frame contract ({@link FrameCodec}) into {@link IngestedRecord}s.
 * Never throws on bad input: a record that breaks the contract becomes a rejected
 * {@link IngestedRecord} with the {@link FrameFormatException.Reason} as its reason code and
 * the record's shard id and sequence number.
 */
public class FrameRecordDeserializer implements KinesisDeserializationSchema<IngestedRecord> {
    private static final long serialVersionUID = 1L;

    private final boolean includePayload;

    /** A deserializer whose dead letters carry no payload. */
    public FrameRecordDeserializer() {
        this(false);
    }

    /**
     * @param includePayload whether a rejected record's dead letter carries the record's bytes
     *                       (up to {@link ConfigKeys#DEAD_LETTER_MAX_PAYLOAD_BYTES})
     */
    public FrameRecordDeserializer(boolean includePayload) {
        this.includePayload = includePayload;
    }

    @Override
    public void deserialize(Record record, String stream, String shardId, Collector<IngestedRecord> out) {
        byte[] data = record.data() == null ? new byte[0] : record.data().asByteArrayUnsafe();
        IngestedRecord decoded = decode(data, shardId, record.sequenceNumber());
        if (includePayload && decoded.getRejected() != null && data.length <= ConfigKeys.DEAD_LETTER_MAX_PAYLOAD_BYTES) {
            decoded.getRejected().withPayload(data);
        }
        out.collect(decoded);
    }

    /**
     * Decodes one record's data blob.
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
