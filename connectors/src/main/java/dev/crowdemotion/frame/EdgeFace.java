package dev.crowdemotion.frame;

import java.util.Arrays;
import java.util.Objects;

/**
 * A face detected on the camera ("edge mode"), as carried by record type {@code "face"} of the
 * frame contract v1 ({@code docs/frame-contract.md}): one face crop plus where it was in the
 * original frame. A frame in which the camera found no face is reported by one record with
 * {@code facesInFrame == 0}, {@code faceIndex == -1}, no box and no image, so that frames are
 * still counted.
 *
 * <p>Box coordinates are pixels of the original frame (origin top-left, fractional values
 * allowed, as the detector returns them; the box may extend past the frame's edge but must
 * overlap it). A Flink POJO.
 */
public class EdgeFace {
    private String cameraId;
    private String stageId;
    private long captureTimeMs;
    private long sequenceNumber;
    private MediaType mediaType;
    private int frameWidth;
    private int frameHeight;
    private int facesInFrame;
    private int faceIndex = -1;
    private float boxX;
    private float boxY;
    private float boxWidth;
    private float boxHeight;
    private float score;
    private byte[] image;

    /** For Flink's POJO serializer. */
    public EdgeFace() {}

    /**
     * The report of a frame in which the camera found no face.
     *
     * @param captureTimeMs capture time of the frame, epoch ms UTC
     * @param sequenceNumber the camera's frame counter
     * @param frameWidth frame width, pixels
     * @param frameHeight frame height, pixels
     */
    public static EdgeFace noFace(String cameraId, String stageId, long captureTimeMs, long sequenceNumber,
                                  int frameWidth, int frameHeight) {
        EdgeFace f = new EdgeFace();
        f.cameraId = cameraId;
        f.stageId = stageId;
        f.captureTimeMs = captureTimeMs;
        f.sequenceNumber = sequenceNumber;
        f.frameWidth = frameWidth;
        f.frameHeight = frameHeight;
        return f;
    }

    /**
     * One face of a frame.
     *
     * @param facesInFrame faces the camera found in the frame, >= 1
     * @param faceIndex this face's index in the frame, 0-based
     * @param boxX left edge of the face box, pixels of the original frame
     * @param boxY top edge, pixels
     * @param boxWidth box width, pixels
     * @param boxHeight box height, pixels
     * @param score detector score, 0..1
     * @param mediaType encoding of {@code image}
     * @param image the face crop (the box plus a margin), JPEG or PNG
     */
    public static EdgeFace face(String cameraId, String stageId, long captureTimeMs, long sequenceNumber,
                                int frameWidth, int frameHeight, int facesInFrame, int faceIndex,
                                float boxX, float boxY, float boxWidth, float boxHeight, float score,
                                MediaType mediaType, byte[] image) {
        EdgeFace f = noFace(cameraId, stageId, captureTimeMs, sequenceNumber, frameWidth, frameHeight);
        f.facesInFrame = facesInFrame;
        f.faceIndex = faceIndex;
        f.boxX = boxX;
        f.boxY = boxY;
        f.boxWidth = boxWidth;
        f.boxHeight = boxHeight;
        f.score = score;
        f.mediaType = mediaType;
        f.image = image;
        return f;
    }

    /** Whether this reports a frame without faces (no box, no image). */
    public boolean isNoFace() { return facesInFrame == 0; }

    public String getCameraId() { return cameraId; }
    public void setCameraId(String cameraId) { this.cameraId = cameraId; }
    public String getStageId() { return stageId; }
    public void setStageId(String stageId) { this.stageId = stageId; }
    /** Capture time of the frame, epoch ms UTC; the event time. */
    public long getCaptureTimeMs() { return captureTimeMs; }
    public void setCaptureTimeMs(long captureTimeMs) { this.captureTimeMs = captureTimeMs; }
    /** The camera's frame counter of the frame this face is from. */
    public long getSequenceNumber() { return sequenceNumber; }
    public void setSequenceNumber(long sequenceNumber) { this.sequenceNumber = sequenceNumber; }
    /** Encoding of the crop; {@code null} for a no-face report. */
    public MediaType getMediaType() { return mediaType; }
    public void setMediaType(MediaType mediaType) { this.mediaType = mediaType; }
    /** Width of the original frame, pixels. */
    public int getFrameWidth() { return frameWidth; }
    public void setFrameWidth(int frameWidth) { this.frameWidth = frameWidth; }
    /** Height of the original frame, pixels. */
    public int getFrameHeight() { return frameHeight; }
    public void setFrameHeight(int frameHeight) { this.frameHeight = frameHeight; }
    /** Faces the camera found in the frame. */
    public int getFacesInFrame() { return facesInFrame; }
    public void setFacesInFrame(int facesInFrame) { this.facesInFrame = facesInFrame; }
    /** Index of this face in its frame, 0-based; -1 for a no-face report. */
    public int getFaceIndex() { return faceIndex; }
    public void setFaceIndex(int faceIndex) { this.faceIndex = faceIndex; }
    /** Left edge of the face box, pixels of the original frame. */
    public float getBoxX() { return boxX; }
    public void setBoxX(float boxX) { this.boxX = boxX; }
    /** Top edge of the face box, pixels. */
    public float getBoxY() { return boxY; }
    public void setBoxY(float boxY) { this.boxY = boxY; }
    /** Face box width, pixels. */
    public float getBoxWidth() { return boxWidth; }
    public void setBoxWidth(float boxWidth) { this.boxWidth = boxWidth; }
    /** Face box height, pixels. */
    public float getBoxHeight() { return boxHeight; }
    public void setBoxHeight(float boxHeight) { this.boxHeight = boxHeight; }
    /** Detector score, 0..1. */
    public float getScore() { return score; }
    public void setScore(float score) { this.score = score; }
    /** The encoded face crop, not copied; {@code null} for a no-face report. */
    public byte[] getImage() { return image; }
    public void setImage(byte[] image) { this.image = image; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof EdgeFace)) return false;
        EdgeFace f = (EdgeFace) o;
        return captureTimeMs == f.captureTimeMs && sequenceNumber == f.sequenceNumber
                && frameWidth == f.frameWidth && frameHeight == f.frameHeight && facesInFrame == f.facesInFrame
                && faceIndex == f.faceIndex && Float.compare(boxX, f.boxX) == 0 && Float.compare(boxY, f.boxY) == 0
                && Float.compare(boxWidth, f.boxWidth) == 0 && Float.compare(boxHeight, f.boxHeight) == 0
                && Float.compare(score, f.score) == 0 && Objects.equals(cameraId, f.cameraId)
                && Objects.equals(stageId, f.stageId) && mediaType == f.mediaType && Arrays.equals(image, f.image);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, stageId, captureTimeMs, sequenceNumber, faceIndex) * 31 + Arrays.hashCode(image);
    }

    @Override
    public String toString() {
        return isNoFace()
                ? "EdgeFace{" + stageId + "/" + cameraId + "#" + sequenceNumber + ", no face, "
                        + frameWidth + "x" + frameHeight + "}"
                : "EdgeFace{" + stageId + "/" + cameraId + "#" + sequenceNumber + "." + faceIndex + "/" + facesInFrame
                        + ", box=" + boxX + "," + boxY + " " + boxWidth + "x" + boxHeight + ", "
                        + (image == null ? 0 : image.length) + " B}";
    }
}
