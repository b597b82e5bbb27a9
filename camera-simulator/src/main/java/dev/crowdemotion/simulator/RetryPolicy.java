package dev.crowdemotion.simulator;

import java.time.Duration;
import java.util.Random;

/**
 * Bounded exponential backoff with jitter: before attempt {@code n} (n >= 2) wait a random time in
 * [d/2, d], where d = min(maxDelay, baseDelay * 2^(n-2)). Immutable.
 */
public final class RetryPolicy {
    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;

    /**
     * @param maxAttempts attempts per record, including the first (>= 1)
     */
    public RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        if (maxAttempts < 1 || baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need maxAttempts >= 1 and 0 <= baseDelay <= maxDelay");
        }
        this.maxAttempts = maxAttempts;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    /** 8 attempts, 100 ms doubling up to 5 s (about 12 s of waiting at most). */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public int maxAttempts() { return maxAttempts; }
    public Duration baseDelay() { return baseDelay; }
    public Duration maxDelay() { return maxDelay; }

    /** Wait before attempt {@code attempt} (2 = first retry), ms. */
    public long delayMs(int attempt, Random random) {
        int shift = Math.min(30, Math.max(0, attempt - 2));
        long d = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << shift);
        if (d <= 1) return d;
        long half = d / 2;
        return half + (long) (random.nextDouble() * (d - half + 1));
    }
}
