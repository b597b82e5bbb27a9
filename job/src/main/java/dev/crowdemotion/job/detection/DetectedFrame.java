package dev.crowdemotion.job.detection;

import dev.crowdemotion.frame.CameraFrame;

/**
 * What remote (SageMaker) detection made of one frame: the frame and its faces as ratios of the
 * frame size, or the reason detection failed for good. The frame travels on only to the
 * operator that crops it, chained to the async operator. Flink POJO.
 */
public class DetectedFrame {
    private CameraFrame frame;
    private double[] boxes;
    private String failureReason;
    private String failureDetail;

    /** For Flink's POJO serializer. */
    public DetectedFrame() {}

    /**
     * A frame with its faces.
     *
     * @param boxes five values per face, {@code score, xmin, ymin, xmax, ymax}, coordinates as
     *     ratios of the frame's width and height (the SageMaker object detection format)
     */
    public static DetectedFrame detected(CameraFrame frame, double[] boxes) {
        if (boxes.length % 5 != 0) {
            throw new IllegalArgumentException("boxes need 5 values per face, got " + boxes.length);
        }
        DetectedFrame d = new DetectedFrame();
        d.frame = frame;
        d.boxes = boxes;
        return d;
    }

    /**
     * A frame detection failed for, after retries or for good.
     *
     * @param reason stable reason code (the service's error code, {@code TIMEOUT}, ...)
     * @param detail human-readable detail
     */
    public static DetectedFrame failed(CameraFrame frame, String reason, String detail) {
        DetectedFrame d = new DetectedFrame();
        d.frame = frame;
        d.failureReason = reason;
        d.failureDetail = detail;
        return d;
    }

    public boolean isFailed() { return failureReason != null; }

    /** Number of faces; 0 for a failed frame. */
    public int faceCount() { return boxes == null ? 0 : boxes.length / 5; }

    public CameraFrame getFrame() { return frame; }
    public void setFrame(CameraFrame frame) { this.frame = frame; }
    /** {@code score, xmin, ymin, xmax, ymax} per face, ratios; {@code null} for a failed frame. */
    public double[] getBoxes() { return boxes; }
    public void setBoxes(double[] boxes) { this.boxes = boxes; }
    public String getFailureReason() { return failureReason; }
    public void setFailureReason(String failureReason) { this.failureReason = failureReason; }
    public String getFailureDetail() { return failureDetail; }
    public void setFailureDetail(String failureDetail) { this.failureDetail = failureDetail; }

    @Override
    public String toString() {
        return "DetectedFrame{" + frame + (isFailed() ? ", failed " + failureReason : ", faces=" + faceCount()) + "}";
    }
}
