package dev.crowdemotion.simulator;

/**
 * Time source and sleeper of the simulator. {@link #system()} is the wall clock (epoch ms UTC);
 * {@link #simulated(long)} jumps forward instead of sleeping, so tests run instantly with exact,
 * reproducible capture times.
 */
public interface SimClock {
    /** Now, epoch milliseconds UTC. */
    long nowMs();

    /** Returns once {@link #nowMs()} is at or past {@code epochMs}. */
    void sleepUntil(long epochMs) throws InterruptedException;

    /** The wall clock. */
    static SimClock system() {
        return new SimClock() {
            @Override
            public long nowMs() {
                return System.currentTimeMillis();
            }

            @Override
            public void sleepUntil(long epochMs) throws InterruptedException {
                long wait;
                while ((wait = epochMs - System.currentTimeMillis()) > 0) {
                    Thread.sleep(wait);
                }
            }
        };
    }

    /** A clock that starts at {@code startMs} and only moves when slept on. Thread-safe. */
    static SimClock simulated(long startMs) {
        return new SimClock() {
            private long now = startMs;

            @Override
            public synchronized long nowMs() {
                return now;
            }

            @Override
            public synchronized void sleepUntil(long epochMs) {
                now = Math.max(now, epochMs);
            }
        };
    }
}
