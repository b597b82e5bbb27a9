package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;

/**
 * Makes the frames of simulated cameras. Implementations are deterministic: the same arguments
 * give an equal frame (image bytes included), whatever was generated before, so a test can
 * regenerate exactly what was sent. They are thread-safe, and every frame they return fits the
 * Kinesis record limit ({@link FrameFitter}).
 */
public interface FrameGenerator {
    /**
     * @param cameraId camera id (frame contract id rules); also the partition key
     * @param stageId stage the camera films
     * @param sequence the camera's frame counter, from 0
     * @param captureTimeMs capture time, epoch ms UTC; only stamped on the frame
     */
    CameraFrame next(String cameraId, String stageId, long sequence, long captureTimeMs);
}
