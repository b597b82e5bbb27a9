package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.job.detection.FaceCrop;
import dev.crowdemotion.scores.EmotionType;

/**
 * A {@link FaceCrop} after enrichment: a frame marker passed through, or a face with either
 * Rekognition's emotion confidences (0-100, indexed by {@link EmotionType#ordinal()}) or the
 * reason it could not be enriched (e.g. {@code NO_FACE_IN_CROP}, {@code TIMEOUT}, or the
 * Rekognition error code). The crop's bytes are not carried further. Flink POJO.
 */
public class FaceObservation {
    private String stageId;
    private String cameraId;
    private long captureTimeMs;
    private long frameSequence;
    private int facesInFrame;
    private int faceIndex = -1;
    private float[] confidences;
    private String failureReason;
    private boolean permanentFailure;
    private int cropBytes;

    /** For Flink's POJO serializer. */
    public FaceObservation() {}

    private static FaceObservation from(FaceCrop c) {
        FaceObservation o = new FaceObservation();
        o.stageId = c.getStageId();
        o.cameraId = c.getCameraId();
        o.captureTimeMs = c.getCaptureTimeMs();
        o.frameSequence = c.getFrameSequence();
        o.facesInFrame = c.getFacesInFrame();
        o.faceIndex = c.getFaceIndex();
        return o;
    }

    /** The observation of a frame marker. */
    public static FaceObservation frameMarker(FaceCrop marker) {
        return from(marker);
    }

    /** An enriched face with confidences 0-100 per {@link EmotionType#ordinal()}. */
    public static FaceObservation enriched(FaceCrop face, float[] confidences) {
        FaceObservation o = from(face);
        o.confidences = confidences;
        return o;
    }

    /** A face that could not be enriched, with a reason code (e.g. {@code TIMEOUT}, {@code SAMPLED_OUT}). */
    public static FaceObservation unenriched(FaceCrop face, String reason) {
        FaceObservation o = from(face);
        o.failureReason = reason;
        return o;
    }

    /**
     * A face whose crop Rekognition rejected for good (e.g. {@code InvalidImageFormatException}):
     * unenriched, and also sent to the dead-letter output.
     */
    public static FaceObservation rejected(FaceCrop face, String errorCode) {
        FaceObservation o = unenriched(face, errorCode);
        o.permanentFailure = true;
        o.cropBytes = face.getJpeg() == null ? 0 : face.getJpeg().length;
        return o;
    }

    public boolean isFrameMarker() { return faceIndex < 0; }
    public boolean isEnriched() { return confidences != null; }

    /**
     * The emotion with the highest confidence (ties: enum order); {@code null} if not enriched or if
     * every confidence is 0 (Rekognition reported only {@code UNKNOWN}).
     */
    public EmotionType dominantEmotion() {
        if (confidences == null) {
            return null;
        }
        int best = 0;
        for (int i = 1; i < confidences.length; i++) {
            if (confidences[i] > confidences[best]) {
                best = i;
            }
        }
        // all zero: Rekognition reported only UNKNOWN (or nothing) for this face
        return confidences[best] > 0 ? EmotionType.values()[best] : null;
    }

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
    public int getFaceIndex() { return faceIndex; }
    public void setFaceIndex(int faceIndex) { this.faceIndex = faceIndex; }
    /** Confidence 0-100 per {@link EmotionType#ordinal()}, or {@code null} if not enriched. */
    public float[] getConfidences() { return confidences; }
    public void setConfidences(float[] confidences) { this.confidences = confidences; }
    public String getFailureReason() { return failureReason; }
    public void setFailureReason(String failureReason) { this.failureReason = failureReason; }
    /** Whether Rekognition rejected the crop for good (a dead letter). */
    public boolean isPermanentFailure() { return permanentFailure; }
    public void setPermanentFailure(boolean permanentFailure) { this.permanentFailure = permanentFailure; }
    /** Size of the rejected crop, bytes (only set for {@link #rejected}). */
    public int getCropBytes() { return cropBytes; }
    public void setCropBytes(int cropBytes) { this.cropBytes = cropBytes; }

    @Override
    public String toString() {
        return "FaceObservation{" + stageId + "/" + cameraId + "#" + frameSequence + "." + faceIndex
                + (isFrameMarker() ? ", marker faces=" + facesInFrame
                : isEnriched() ? ", " + dominantEmotion() : ", unenriched: " + failureReason) + "}";
    }
}
