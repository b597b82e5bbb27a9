package dev.crowdemotion.modelserver;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The request header {@value #HEADER}: SageMaker forwards {@code InvokeEndpoint}'s
 * {@code CustomAttributes} (at most 1024 visible US-ASCII characters, opaque to SageMaker) to the
 * container under this header (SageMaker API reference, "InvokeEndpoint", request parameter
 * {@code CustomAttributes}: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html).
 *
 * <p>This container reads it as {@code key=value} pairs separated by {@code ,} or {@code ;}
 * (whitespace around keys and values ignored, keys case-insensitive, later pairs win); entries
 * without {@code =} and unknown keys are ignored. The one key it uses is {@value #MIN_SCORE}.
 * Immutable.
 */
public final class CustomAttributes {
    /** Header carrying InvokeEndpoint's {@code CustomAttributes}, request and response. */
    public static final String HEADER = "X-Amzn-SageMaker-Custom-Attributes";
    /** Key of the minimum detection score, a number in [0, 1], e.g. {@code min_score=0.6}. */
    public static final String MIN_SCORE = "min_score";

    private static final CustomAttributes NONE = new CustomAttributes(Map.of());

    private final Map<String, String> values;

    private CustomAttributes(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Parses a header value; null or blank gives no attributes. Never throws. */
    public static CustomAttributes parse(String header) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : header.split("[,;]")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!key.isEmpty()) {
                out.put(key, pair.substring(eq + 1).trim());
            }
        }
        return out.isEmpty() ? NONE : new CustomAttributes(out);
    }

    /** All pairs, keys lower case, in header order. */
    public Map<String, String> values() {
        return values;
    }

    /** The value of {@code key} (case-insensitive), if present. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key.toLowerCase(Locale.ROOT)));
    }

    /**
     * The {@value #MIN_SCORE} attribute, or empty if absent.
     *
     * @throws IllegalArgumentException if present but not a number in [0, 1]
     */
    public Optional<Float> minScore() {
        Optional<String> raw = get(MIN_SCORE);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        float v;
        try {
            v = Float.parseFloat(raw.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MIN_SCORE + " must be a number in [0, 1], got '" + raw.get() + "'");
        }
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(MIN_SCORE + " must be a number in [0, 1], got '" + raw.get() + "'");
        }
        return Optional.of(v);
    }

    @Override
    public String toString() {
        return "CustomAttributes" + values;
    }
}
