package dev.crowdemotion.config;

import java.util.Locale;

/** Where faces are detected: the values of {@code Detection.detector} ({@link ConfigKeys#DETECTOR}). */
public enum DetectorMode {
    /** BlazeFace in the job (DJL, ONNX Runtime engine); face records are rejected. */
    EMBEDDED,
    /** An Amazon SageMaker endpoint running {@code model-server}, called per frame; face records are rejected. */
    SAGEMAKER,
    /** The cameras detect faces and send face records; frame records are rejected. */
    EDGE;

    /** The configuration value, e.g. {@code embedded}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a configuration value, case-insensitively.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static DetectorMode parse(String value) {
        for (DetectorMode m : values()) {
            if (m.value().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException(ConfigKeys.GROUP_DETECTION + "." + ConfigKeys.DETECTOR
                + " must be embedded, sagemaker or edge, not '" + value + "'");
    }
}
