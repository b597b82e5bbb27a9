package dev.crowdemotion.vision;

import java.awt.image.BufferedImage;

/** STUB: signatures fixed, body to be implemented (FER2013 mini-Xception via DJL OnnxRuntime). */
public final class EmotionClassifier implements AutoCloseable {

    /** Loads the vendored FER2013 model. */
    public static EmotionClassifier loadDefault() {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Classifies the expression of a face crop. Returns 7 probabilities summing to ~1, indexed by
     * {@link FerExpression#ordinal()}. Thread-safe.
     */
    public float[] classify(BufferedImage face) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void close() {}
}
