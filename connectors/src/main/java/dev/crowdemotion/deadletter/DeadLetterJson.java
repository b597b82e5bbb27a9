package dev.crowdemotion.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crowdemotion.config.ConfigKeys;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.api.common.serialization.SerializationSchema;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * A {@link DeadLetter} as one JSON object (Jackson), for the dead-letter Kinesis stream
 * ({@link SerializationSchema}) and JSON Lines files ({@link Encoder}, one object and a newline
 * per dead letter). Fields: {@code step}, {@code reason}, {@code detail}, {@code shardId},
 * {@code sequenceNumber}, {@code cameraId}, {@code stageId}, {@code captureTimeMs} (epoch ms UTC,
 * -1 if unknown), {@code payloadBytes}; unknown strings are omitted. {@code payload} (the
 * rejected record's bytes, base64) only when {@code includePayload} is set, the dead letter
 * carries them and they are at most {@link ConfigKeys#DEAD_LETTER_MAX_PAYLOAD_BYTES}.
 */
public final class DeadLetterJson implements SerializationSchema<DeadLetter>, Encoder<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final boolean includePayload;

    /** @param includePayload whether the payload is written ({@code DeadLetters.include.payload}) */
    public DeadLetterJson(boolean includePayload) {
        this.includePayload = includePayload;
    }

    /** The dead letter as a JSON object. */
    public ObjectNode toJson(DeadLetter d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("step", d.getStep() == null ? null : d.getStep().name());
        o.put("reason", d.getReason());
        putIfKnown(o, "detail", d.getDetail());
        putIfKnown(o, "shardId", d.getShardId());
        putIfKnown(o, "sequenceNumber", d.getSequenceNumber());
        putIfKnown(o, "cameraId", d.getCameraId());
        putIfKnown(o, "stageId", d.getStageId());
        o.put("captureTimeMs", d.getCaptureTimeMs());
        o.put("payloadBytes", d.getPayloadBytes());
        byte[] payload = d.getPayload();
        if (includePayload && payload != null && payload.length <= ConfigKeys.DEAD_LETTER_MAX_PAYLOAD_BYTES) {
            o.put("payload", Base64.getEncoder().encodeToString(payload));
        }
        return o;
    }

    private static void putIfKnown(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    /** The JSON object as UTF-8 bytes (a Kinesis record's data). */
    @Override
    public byte[] serialize(DeadLetter d) {
        try {
            return MAPPER.writeValueAsBytes(toJson(d));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the JSON object and a newline (a JSON Lines row). */
    @Override
    public void encode(DeadLetter d, OutputStream out) throws IOException {
        out.write(serialize(d));
        out.write('\n');
    }
}
