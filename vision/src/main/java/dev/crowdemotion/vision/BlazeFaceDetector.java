package dev.crowdemotion.vision;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * STUB: signatures fixed, body to be implemented (BlazeFace 256 through DJL's OnnxRuntime engine).
 */
public final class BlazeFaceDetector implements AutoCloseable {

    /** Loads the vendored BlazeFace back-256 model with default thresholds. */
    public static BlazeFaceDetector loadDefault() {
        throw new UnsupportedOperationException("stub");
    }

    /** Detects faces; boxes in pixels of {@code image}. Thread-safe. */
    public List<FaceBox> detect(BufferedImage image) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void close() {}
}
