package dev.crowdemotion.frame;

import java.util.Arrays;
import java.util.Objects;

/**
 * One camera frame as carried in the Kinesis record format v1 (see {@code docs/frame-contract.md}).
 *
 * <p>A Flink POJO: public no-arg constructor and getters/setters, so Flink serialises it
 * without Kryo.
 */
public class CameraFrame {
    private String cameraId;
    private String stageId;
    private long captureTimeMs;
    private long sequenceNumber;
    private MediaType mediaType;
    private byte[] image;

    /** For Flink's POJO serializer. */
    public CameraFrame() {}

    /**
     * @param cameraId camera identifier; also the Kinesis partition key
     * @param stageId stage the camera films
     * @param captureTimeMs capture time, epoch milliseconds UTC; the event time
     * @param sequenceNumber per-camera frame counter, increasing by one per frame
     * @param mediaType encoding of {@code image}
     * @param image the encoded image bytes (JPEG or PNG)
     */
    public CameraFrame(String cameraId, String stageId, long captureTimeMs, long sequenceNumber,
                       MediaType mediaType, byte[] image) {
        this.cameraId = cameraId;
        this.stageId = stageId;
        this.captureTimeMs = captureTimeMs;
        this.sequenceNumber = sequenceNumber;
        this.mediaType = mediaType;
        this.image = image;
    }

    public String getCameraId() { return cameraId; }
    public void setCameraId(String cameraId) { this.cameraId = cameraId; }
    public String getStageId() { return stageId; }
    public void setStageId(String stageId) { this.stageId = stageId; }
    /** Capture time, epoch milliseconds UTC. */
    public long getCaptureTimeMs() { return captureTimeMs; }
    public void setCaptureTimeMs(long captureTimeMs) { this.captureTimeMs = captureTimeMs; }
    public long getSequenceNumber() { return sequenceNumber; }
    public void setSequenceNumber(long sequenceNumber) { this.sequenceNumber = sequenceNumber; }
    public MediaType getMediaType() { return mediaType; }
    public void setMediaType(MediaType mediaType) { this.mediaType = mediaType; }
    /** The encoded image; not copied. */
    public byte[] getImage() { return image; }
    public void setImage(byte[] image) { this.image = image; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof CameraFrame)) return false;
        CameraFrame f = (CameraFrame) o;
        return captureTimeMs == f.captureTimeMs && sequenceNumber == f.sequenceNumber
                && Objects.equals(cameraId, f.cameraId) && Objects.equals(stageId, f.stageId)
                && mediaType == f.mediaType && Arrays.equals(image, f.image);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, stageId, captureTimeMs, sequenceNumber, mediaType) * 31
                + Arrays.hashCode(image);
    }

    @Override
    public String toString() {
        return "CameraFrame{camera=" + cameraId + ", stage=" + stageId + ", t=" + captureTimeMs
                + ", seq=" + sequenceNumber + ", " + mediaType + ", " + (image == null ? 0 : image.length) + " B}";
    }
}
