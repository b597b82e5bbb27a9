package dev.crowdemotion.modelserver;

import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link BlazeFaceDetector} per distinct minimum score, each loaded once (on first use) and
 * shared by all requests asking for that score. All detectors share the other settings of the
 * base {@link DetectorOptions}. At most {@code maxDetectors} distinct scores are kept, so that
 * clients cannot make the server load models without bound. Thread-safe.
 */
final class DetectorCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorCache.class);

    private final DetectorOptions base;
    private final int maxDetectors;
    private final Map<Float, BlazeFaceDetector> detectors = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param base options of every detector; its {@code minScore} is the default score
     * @param maxDetectors most distinct scores served (each costs two ONNX Runtime sessions)
     */
    DetectorCache(DetectorOptions base, int maxDetectors) {
        this.base = Objects.requireNonNull(base, "base");
        if (maxDetectors < 1) {
            throw new IllegalArgumentException("maxDetectors " + maxDetectors);
        }
        this.maxDetectors = maxDetectors;
    }

    /** The score used when a request names none. */
    float defaultMinScore() {
        return base.minScore();
    }

    /** Whether the default detector is loaded (and the cache not closed). */
    boolean ready() {
        return !closed && detectors.containsKey(base.minScore());
    }

    /**
     * The detector for {@code minScore}, loading it (a few hundred ms) on first use.
     *
     * @throws TooManyDetectorsException if {@code maxDetectors} other scores are already loaded
     * @throws IllegalStateException if the cache is closed or the model cannot be loaded
     */
    BlazeFaceDetector get(float score) {
        float minScore = score + 0.0f; // -0.0 and 0.0 are one key
        if (closed) {
            throw new IllegalStateException("closed");
        }
        BlazeFaceDetector d = detectors.get(minScore);
        if (d != null) {
            return d;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            d = detectors.get(minScore);
            if (d == null) {
                if (detectors.size() >= maxDetectors) {
                    throw new TooManyDetectorsException("this server keeps at most " + maxDetectors
                            + " distinct min_score values loaded; use one of " + detectors.keySet());
                }
                long t0 = System.nanoTime();
                d = BlazeFaceDetector.load(base.toBuilder().minScore(minScore).build());
                detectors.put(minScore, d);
                LOG.info("BlazeFace loaded for min_score {} in {} ms", minScore, (System.nanoTime() - t0) / 1_000_000);
            }
            return d;
        }
    }

    /** Closes every detector (waiting for detections in progress). Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        for (BlazeFaceDetector d : detectors.values()) {
            d.close();
        }
        detectors.clear();
    }

    /** Thrown by {@link #get} when the cache is full. */
    static final class TooManyDetectorsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyDetectorsException(String message) {
            super(message);
        }
    }
}
