package dev.crowdemotion.deadletter;

import dev.crowdemotion.frame.CameraFrame;

import java.util.Objects;

/**
 * A record the job could not use, with a machine-readable reason. Every rejected input becomes
 * exactly one dead letter, so nothing is dropped without a count and a reason.
 *
 * <p>Flink POJO. Fields that are unknown at the point of rejection are {@code null} (or -1).
 */
public class DeadLetter {
    /** Pipeline step that rejected the record. */
    public enum Step { INGEST, DETECTION, ENRICHMENT, AGGREGATION, SETLIST }

    private Step step;
    private String reason;
    private String detail;
    private String shardId;
    private String sequenceNumber;
    private String cameraId;
    private String stageId;
    private long captureTimeMs = -1;
    private int payloadBytes;
    private byte[] payload;

    /** For Flink's POJO serializer. */
    public DeadLetter() {}

    /**
     * @param step the pipeline step that rejected it
     * @param reason stable reason code, e.g. {@code BAD_MAGIC}, {@code IMAGE_UNDECODABLE}, {@code LATE_FRAME}
     * @param detail human-readable explanation
     */
    public DeadLetter(Step step, String reason, String detail) {
        this.step = step;
        this.reason = reason;
        this.detail = detail;
    }

    /** Sets the Kinesis source position (shard id and sequence number) and returns this. */
    public DeadLetter withSourcePosition(String shardId, String sequenceNumber) {
        this.shardId = shardId;
        this.sequenceNumber = sequenceNumber;
        return this;
    }

    /** Sets what is known of the frame and returns this. */
    public DeadLetter withFrame(String cameraId, String stageId, long captureTimeMs) {
        this.cameraId = cameraId;
        this.stageId = stageId;
        this.captureTimeMs = captureTimeMs;
        return this;
    }

    /**
     * Sets the frame's camera, stage and capture time, and its image size as the payload size
     * (0 without an image); returns this.
     */
    public DeadLetter withFrame(CameraFrame frame) {
        return withFrame(frame.getCameraId(), frame.getStageId(), frame.getCaptureTimeMs())
                .withPayloadBytes(frame.getImage() == null ? 0 : frame.getImage().length);
    }

    /** Sets the size of the rejected payload in bytes and returns this. */
    public DeadLetter withPayloadBytes(int payloadBytes) {
        this.payloadBytes = payloadBytes;
        return this;
    }

    /**
     * Sets the rejected record's bytes (kept only with {@code DeadLetters.include.payload=true};
     * see {@link dev.crowdemotion.config.ConfigKeys#INCLUDE_PAYLOAD}) and returns this.
     */
    public DeadLetter withPayload(byte[] payload) {
        this.payload = payload;
        return this;
    }

    public Step getStep() { return step; }
    public void setStep(Step step) { this.step = step; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
    public String getDetail() { return detail; }
    public void setDetail(String detail) { this.detail = detail; }
    public String getShardId() { return shardId; }
    public void setShardId(String shardId) { this.shardId = shardId; }
    public String getSequenceNumber() { return sequenceNumber; }
    public void setSequenceNumber(String sequenceNumber) { this.sequenceNumber = sequenceNumber; }
    public String getCameraId() { return cameraId; }
    public void setCameraId(String cameraId) { this.cameraId = cameraId; }
    public String getStageId() { return stageId; }
    public void setStageId(String stageId) { this.stageId = stageId; }
    /** Capture time of the frame, epoch ms UTC, or -1 if unknown. */
    public long getCaptureTimeMs() { return captureTimeMs; }
    public void setCaptureTimeMs(long captureTimeMs) { this.captureTimeMs = captureTimeMs; }
    public int getPayloadBytes() { return payloadBytes; }
    public void setPayloadBytes(int payloadBytes) { this.payloadBytes = payloadBytes; }
    /** The rejected record's bytes, or {@code null} (the default: not kept). */
    public byte[] getPayload() { return payload; }
    public void setPayload(byte[] payload) { this.payload = payload; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeadLetter)) return false;
        DeadLetter d = (DeadLetter) o;
        return step == d.step && Objects.equals(reason, d.reason) && Objects.equals(detail, d.detail)
                && Objects.equals(shardId, d.shardId) && Objects.equals(sequenceNumber, d.sequenceNumber)
                && Objects.equals(cameraId, d.cameraId) && Objects.equals(stageId, d.stageId)
                && captureTimeMs == d.captureTimeMs && payloadBytes == d.payloadBytes
                && java.util.Arrays.equals(payload, d.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(step, reason, shardId, sequenceNumber, cameraId, captureTimeMs);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + step + "/" + reason + ": " + detail
                + (shardId == null ? "" : ", at " + shardId + "/" + sequenceNumber)
                + (cameraId == null ? "" : ", camera=" + cameraId + ", stage=" + stageId + ", t=" + captureTimeMs)
                + ", " + payloadBytes + " B}";
    }
}
