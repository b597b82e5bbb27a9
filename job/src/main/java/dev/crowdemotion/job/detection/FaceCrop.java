package dev.crowdemotion.job.detection;

/**
 * Output of face detection, one of two kinds:
 * <ul>
 *   <li>a <b>frame marker</b> ({@link #isFrameMarker()}, {@code faceIndex == -1}, no crop): one
 *       per decoded frame, carrying the frame's face count, so that frames and faces are counted
 *       even when a frame has no face;</li>
 *   <li>a <b>face</b>: one detected face, its box in the frame as ratios of the frame size
 *       (0..1, origin top-left), and the encoded JPEG crop (the face plus a margin).</li>
 * </ul>
 * Whole frames never travel past detection. Flink POJO.
 */
public class FaceCrop {
    private String stageId;
    private String cameraId;
    private long captureTimeMs;
    private long frameSequence;
    private int facesInFrame;
    private int faceIndex = -1;
    private float left;
    private float top;
    private float width;
    private float height;
    private float detectorScore;
    private byte[] jpeg;

    /** For Flink's POJO serializer. */
    public FaceCrop() {}

    /** A frame marker for a frame with {@code facesInFrame} detected faces. */
    public static FaceCrop frameMarker(String stageId, String cameraId, long captureTimeMs, long frameSequence,
                                       int facesInFrame) {
        FaceCrop c = new FaceCrop();
        c.stageId = stageId;
        c.cameraId = cameraId;
        c.captureTimeMs = captureTimeMs;
        c.frameSequence = frameSequence;
        c.facesInFrame = facesInFrame;
        return c;
    }

    /**
     * A face crop.
     *
     * @param left left edge of the face box, ratio of frame width
     * @param top top edge, ratio of frame height
     * @param width box width, ratio of frame width
     * @param height box height, ratio of frame height
     * @param detectorScore detector score 0..1
     * @param jpeg the crop, JPEG-encoded
     */
    public static FaceCrop face(String stageId, String cameraId, long captureTimeMs, long frameSequence,
                                int facesInFrame, int faceIndex, float left, float top, float width, float height,
                                float detectorScore, byte[] jpeg) {
        FaceCrop c = frameMarker(stageId, cameraId, captureTimeMs, frameSequence, facesInFrame);
        c.faceIndex = faceIndex;
        c.left = left;
        c.top = top;
        c.width = width;
        c.height = height;
        c.detectorScore = detectorScore;
        c.jpeg = jpeg;
        return c;
    }

    public boolean isFrameMarker() { return faceIndex < 0; }

    public String getStageId() { return stageId; }
    public void setStageId(String stageId) { this.stageId = stageId; }
    public String getCameraId() { return cameraId; }
    public void setCameraId(String cameraId) { this.cameraId = cameraId; }
    /** Capture time of the frame, epoch ms UTC. */
    public long getCaptureTimeMs() { return captureTimeMs; }
    public void setCaptureTimeMs(long captureTimeMs) { this.captureTimeMs = captureTimeMs; }
    public long getFrameSequence() { return frameSequence; }
    public void setFrameSequence(long frameSequence) { this.frameSequence = frameSequence; }
    public int getFacesInFrame() { return facesInFrame; }
    public void setFacesInFrame(int facesInFrame) { this.facesInFrame = facesInFrame; }
    /** Index of the face in its frame, 0-based; -1 for a frame marker. */
    public int getFaceIndex() { return faceIndex; }
    public void setFaceIndex(int faceIndex) { this.faceIndex = faceIndex; }
    public float getLeft() { return left; }
    public void setLeft(float left) { this.left = left; }
    public float getTop() { return top; }
    public void setTop(float top) { this.top = top; }
    public float getWidth() { return width; }
    public void setWidth(float width) { this.width = width; }
    public float getHeight() { return height; }
    public void setHeight(float height) { this.height = height; }
    public float getDetectorScore() { return detectorScore; }
    public void setDetectorScore(float detectorScore) { this.detectorScore = detectorScore; }
    /** The JPEG crop; {@code null} for a frame marker. */
    public byte[] getJpeg() { return jpeg; }
    public void setJpeg(byte[] jpeg) { this.jpeg = jpeg; }

    @Override
    public String toString() {
        return isFrameMarker()
                ? "FrameMarker{" + stageId + "/" + cameraId + "#" + frameSequence + ", faces=" + facesInFrame + "}"
                : "FaceCrop{" + stageId + "/" + cameraId + "#" + frameSequence + "." + faceIndex + ", "
                        + (jpeg == null ? 0 : jpeg.length) + " B}";
    }
}
