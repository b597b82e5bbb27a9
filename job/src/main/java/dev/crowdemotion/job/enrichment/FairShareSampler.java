package dev.crowdemotion.job.enrichment;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Decides which DetectFaces calls to make when stages produce faces faster than the budget
 * allows: max-min fair sharing of {@code rate} calls per second across the stages that asked
 * recently.
 *
 * <p>Token buckets: every second, {@code rate} tokens are split evenly over the active stages
 * (those that asked within {@code activeWindowMs}); each stage's bucket holds at most
 * {@code burst / activeStages} tokens, and what overflows goes to a shared bucket (capacity
 * {@code burst}) that any stage may draw from. So each active stage is guaranteed
 * {@code rate / activeStages} calls per second however loud another stage is, and capacity a
 * quiet stage leaves unused goes to the others. A call that finds no token is not made: its
 * faces are counted as sampled out.
 *
 * <p>Not thread-safe: one instance per parallel operator instance, used from the task thread.
 * Time is passed in (milliseconds, any monotonic origin), so it is deterministic in tests.
 */
public final class FairShareSampler {
    private final double rate;
    private final double burst;
    private final long activeWindowMs;
    private final Map<String, double[]> stages = new HashMap<>(); // stage -> {tokens, lastAskMs}
    private double shared;
    private long lastRefillMs = Long.MIN_VALUE;

    /**
     * @param rate calls per second to share, > 0
     * @param burst most tokens that can be saved up, in calls (e.g. {@code rate}: one second)
     * @param activeWindowMs a stage that has not asked for this long no longer takes a share
     */
    public FairShareSampler(double rate, double burst, long activeWindowMs) {
        if (rate <= 0 || burst < 1 || activeWindowMs <= 0) {
            throw new IllegalArgumentException("rate > 0, burst >= 1 and activeWindowMs > 0 required");
        }
        this.rate = rate;
        this.burst = burst;
        this.activeWindowMs = activeWindowMs;
        this.shared = burst;
    }

    /**
     * Takes a token for one call of {@code stage} at {@code nowMs} if there is one.
     *
     * @return true if the call may be made
     */
    public boolean tryAcquire(String stage, long nowMs) {
        double[] s = stages.get(stage);
        if (s == null) { // a stage that starts asking gets its first call at once
            s = new double[] {1, nowMs};
            stages.put(stage, s);
        }
        s[1] = nowMs;
        refill(nowMs);
        if (s[0] >= 1) {
            s[0] -= 1;
            return true;
        }
        if (shared >= 1) {
            shared -= 1;
            return true;
        }
        return false;
    }

    /** Stages currently taking a share. */
    public int activeStages() {
        return stages.size();
    }

    private void refill(long nowMs) {
        if (lastRefillMs == Long.MIN_VALUE) {
            lastRefillMs = nowMs;
            return;
        }
        for (Iterator<double[]> it = stages.values().iterator(); it.hasNext(); ) {
            double[] s = it.next();
            if (nowMs - (long) s[1] > activeWindowMs) {
                shared = Math.min(burst, shared + s[0]);
                it.remove();
            }
        }
        long elapsed = nowMs - lastRefillMs;
        if (elapsed <= 0 || stages.isEmpty()) {
            lastRefillMs = Math.max(lastRefillMs, nowMs);
            return;
        }
        lastRefillMs = nowMs;
        double perStage = rate * elapsed / 1000.0 / stages.size();
        double cap = Math.max(1, burst / stages.size());
        for (double[] s : stages.values()) {
            double filled = s[0] + perStage;
            if (filled > cap) {
                shared = Math.min(burst, shared + filled - cap);
                filled = cap;
            }
            s[0] = filled;
        }
    }
}
