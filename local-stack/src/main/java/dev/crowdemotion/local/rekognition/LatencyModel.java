package dev.crowdemotion.local.rekognition;

import java.util.Locale;
import java.util.Random;

/**
 * The service latency the Rekognition stand-in adds to a request: a response is sent no earlier
 * than {@code arrival + sampleMillis(random)} (and no earlier than the analysis is done, so the
 * effective latency is {@code max(sampled, queueing + analysis)}). Implementations must be
 * thread-safe and should draw their randomness only from the given {@link Random}, so that a
 * stand-in started with a fixed {@code seed} reproduces its latencies.
 *
 * <p>None of the models is measured from the real service; {@link #realistic()} is an assumption
 * documented there.
 */
@FunctionalInterface
public interface LatencyModel {

    /** Added latency for one request, milliseconds, at least 0. */
    long sampleMillis(Random random);

    /** No added latency: answer as soon as the analysis is done. */
    static LatencyModel none() {
        return NamedLatencyModel.NONE;
    }

    /** Always {@code millis}. */
    static LatencyModel fixed(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("millis " + millis);
        }
        return millis == 0 ? none() : new NamedLatencyModel(r -> millis, "fixed(" + millis + " ms)");
    }

    /** Uniform on {@code [minMillis, maxMillis]}; {@code (0, 0)} is {@link #none()}. */
    static LatencyModel uniform(long minMillis, long maxMillis) {
        if (minMillis < 0 || maxMillis < minMillis) {
            throw new IllegalArgumentException("latency range [" + minMillis + ", " + maxMillis + "] ms");
        }
        if (minMillis == maxMillis) {
            return fixed(minMillis);
        }
        return new NamedLatencyModel(r -> minMillis + (long) (r.nextDouble() * (maxMillis - minMillis + 1)),
                "uniform(" + minMillis + ".." + maxMillis + " ms)");
    }

    /**
     * Log-normal with the given median and shape {@code sigma} (standard deviation of the natural
     * logarithm), truncated to {@code [minMillis, maxMillis]}: a sample outside the range is drawn
     * again (up to 16 times, then clamped), so the bounds carry no lumps of probability.
     */
    static LatencyModel logNormal(double medianMillis, double sigma, long minMillis, long maxMillis) {
        if (!(medianMillis > 0) || !(sigma >= 0) || minMillis < 0 || maxMillis < minMillis
                || medianMillis < minMillis || medianMillis > maxMillis) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "log-normal median %s ms, sigma %s, range [%d, %d] ms", medianMillis, sigma, minMillis, maxMillis));
        }
        double mu = Math.log(medianMillis);
        return new NamedLatencyModel(r -> {
            double v = medianMillis;
            for (int i = 0; i < 16; i++) {
                v = Math.exp(mu + sigma * r.nextGaussian());
                if (v >= minMillis && v <= maxMillis) {
                    break;
                }
            }
            return Math.round(Math.max(minMillis, Math.min(maxMillis, v)));
        }, String.format(Locale.ROOT, "logNormal(median %.0f ms, sigma %.2f, %d..%d ms)", medianMillis, sigma, minMillis, maxMillis));
    }

    /**
     * The stand-in's "realistic" DetectFaces latency: log-normal, median 230 ms, sigma 0.25,
     * truncated to [150, 400] ms (5th-95th percentiles about 152-347 ms).
     *
     * <p>Source: an assumption, not a measurement. Amazon does not publish DetectFaces latencies;
     * 150-400 ms with a median around 230 ms is the range this project assumes for a small JPEG
     * face crop sent as {@code Image.Bytes} from within the same region (TLS, signature check,
     * detection and the attribute models). Log-normal because service latencies are right-skewed;
     * truncated so tests can rely on the bounds. Replace it with measured numbers (CloudWatch or
     * SDK metrics of a real account) when there are some.
     */
    static LatencyModel realistic() {
        return NamedLatencyModel.REALISTIC;
    }
}

/** A latency model with a readable {@code toString}. */
final class NamedLatencyModel implements LatencyModel {
    static final NamedLatencyModel NONE = new NamedLatencyModel(r -> 0, "none");
    static final NamedLatencyModel REALISTIC = (NamedLatencyModel) LatencyModel.logNormal(230, 0.25, 150, 400);

    private final LatencyModel model;
    private final String name;

    NamedLatencyModel(LatencyModel model, String name) {
        this.model = model;
        this.name = name;
    }

    @Override
    public long sampleMillis(Random random) {
        return model.sampleMillis(random);
    }

    @Override
    public String toString() {
        return name;
    }
}
