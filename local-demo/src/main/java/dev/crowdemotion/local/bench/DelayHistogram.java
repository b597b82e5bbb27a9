package dev.crowdemotion.local.bench;

/**
 * Delays in whole milliseconds, 0 to {@value #MAX_MS} ms in 1 ms buckets (longer delays go to the
 * last bucket; the true maximum is kept apart): constant memory however many faces are recorded.
 * Not thread-safe.
 */
final class DelayHistogram {
    static final int MAX_MS = 180_000;

    private final int[] counts = new int[MAX_MS + 1];
    private long total;
    private long max = Long.MIN_VALUE;
    private long sum;

    void record(long ms) {
        long v = Math.max(0, ms);
        counts[(int) Math.min(MAX_MS, v)]++;
        total++;
        sum += v;
        max = Math.max(max, v);
    }

    long count() {
        return total;
    }

    /** The smallest delay d (ms) such that at least fraction {@code q} of the recorded delays are <= d; -1 if empty. */
    long percentile(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i == MAX_MS ? max : i;
            }
        }
        return max;
    }

    long max() {
        return total == 0 ? -1 : max;
    }

    double mean() {
        return total == 0 ? -1 : (double) sum / total;
    }
}
