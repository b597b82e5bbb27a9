package dev.crowdemotion.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.kinesis.FrameRecordDeserializer;
import dev.crowdemotion.kinesis.IngestedRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static DeadLetter rejected(byte[] data) {
        IngestedRecord r = FrameRecordDeserializer.decode(data, "shardId-000000000001", "4960");
        assertThat(r.getRejected()).as("rejected").isNotNull();
        return r.getRejected().withPayload(data);
    }

    @Test
    void writesEveryFieldAndThePayloadOnlyWhenIncluded() throws Exception {
        byte[] data = "not a frame".getBytes(StandardCharsets.US_ASCII);
        DeadLetter d = rejected(data);

        JsonNode without = MAPPER.readTree(new DeadLetterJson(false).serialize(d));
        assertThat(without.get("step").asText()).isEqualTo("INGEST");
        assertThat(without.get("reason").asText()).isEqualTo(d.getReason());
        assertThat(without.get("detail").asText()).isEqualTo(d.getDetail());
        assertThat(without.get("shardId").asText()).isEqualTo("shardId-000000000001");
        assertThat(without.get("sequenceNumber").asText()).isEqualTo("4960");
        assertThat(without.get("captureTimeMs").asLong()).isEqualTo(-1);
        assertThat(without.get("payloadBytes").asInt()).isEqualTo(data.length);
        assertThat(without.has("payload")).isFalse();
        assertThat(without.has("cameraId")).isFalse();

        JsonNode with = MAPPER.readTree(new DeadLetterJson(true).serialize(d));
        assertThat(Base64.getDecoder().decode(with.get("payload").asText())).isEqualTo(data);
    }

    @Test
    void leavesOutPayloadsOverTheCapAndWritesJsonLines() throws Exception {
        byte[] big = new byte[ConfigKeys.DEAD_LETTER_MAX_PAYLOAD_BYTES + 1];
        DeadLetter d = rejected(big);
        assertThat(MAPPER.readTree(new DeadLetterJson(true).serialize(d)).has("payload")).isFalse();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeadLetterJson json = new DeadLetterJson(false);
        json.encode(d, out);
        json.encode(rejected(new byte[0]), out);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[2]).isEmpty();
        assertThat(MAPPER.readTree(lines[0]).get("payloadBytes").asInt()).isEqualTo(big.length);
        assertThat(MAPPER.readTree(lines[1]).get("payloadBytes").asInt()).isZero();
    }

    @Test
    void partitionKeyIsTheCameraElseTheReason() {
        DeadLetter d = new DeadLetter(DeadLetter.Step.INGEST, "BAD_MAGIC", "x");
        assertThat(DeadLetterSinks.partitionKey(d)).isEqualTo("BAD_MAGIC");
        assertThat(DeadLetterSinks.partitionKey(d.withFrame("cam-1", "pop", 1))).isEqualTo("cam-1");
    }
}
