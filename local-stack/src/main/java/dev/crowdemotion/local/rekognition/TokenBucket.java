package dev.crowdemotion.local.rekognition;

/**
 * A token bucket on arrival time: {@code ratePerSecond} permits per second, at most
 * {@code capacity} banked (starting full). Thread-safe. Arrival times out of order (two handler
 * threads stamping and acquiring in the opposite order) are treated as simultaneous. Shared by the
 * Rekognition and SageMaker Runtime stand-ins.
 */
public final class TokenBucket {
    /** Tolerance for the floating-point refill (5 TPS for exactly 1 s must give 5 permits). */
    private static final double EPSILON = 1e-9;

    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    /**
     * @param ratePerSecond permits added per second, &gt; 0
     * @param capacity most permits banked (and the initial number), &gt;= 1
     * @param nowNanos the current {@link System#nanoTime()}
     * @throws IllegalArgumentException on a rate or capacity out of range
     */
    public TokenBucket(double ratePerSecond, double capacity, long nowNanos) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate " + ratePerSecond);
        }
        if (!(capacity >= 1) || Double.isInfinite(capacity)) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.capacity = capacity;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Takes one permit at {@code nowNanos} ({@link System#nanoTime()} scale) if there is one. */
    public synchronized boolean tryAcquire(long nowNanos) {
        if (nowNanos - lastNanos > 0) {
            tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * ratePerNano);
            lastNanos = nowNanos;
        }
        if (tokens >= 1 - EPSILON) {
            tokens = Math.max(0, tokens - 1);
            return true;
        }
        return false;
    }

    /** Permits available at {@code nowNanos} (without taking any). */
    public synchronized double available(long nowNanos) {
        long dt = Math.max(0, nowNanos - lastNanos);
        return Math.min(capacity, tokens + dt * ratePerNano);
    }
}
