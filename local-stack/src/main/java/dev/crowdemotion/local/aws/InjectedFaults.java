package dev.crowdemotion.local.aws;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The stand-ins' queue of errors injected on demand: the next requests are answered with these
 * error codes, one per request, in order. Thread-safe.
 */
public final class InjectedFaults {
    private final Set<String> accepted;
    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();

    /** @param accepted the error codes the stand-in can answer with */
    public InjectedFaults(Set<String> accepted) {
        this.accepted = new TreeSet<>(accepted);
    }

    /**
     * Queues {@code errorCode} for the next {@code count} requests, after those already queued.
     *
     * @throws IllegalArgumentException on a code not accepted or a negative count
     */
    public void add(String errorCode, int count) {
        if (!accepted.contains(errorCode)) {
            throw new IllegalArgumentException("cannot inject " + errorCode + "; one of " + accepted);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count " + count);
        }
        for (int i = 0; i < count; i++) {
            queue.add(errorCode);
        }
    }

    /** The next injected error code, removed from the queue, or {@code null} if none is queued. */
    public String poll() {
        return queue.poll();
    }

    /** Injected errors not yet used. */
    public int pending() {
        return queue.size();
    }

    /** Drops the injected errors not yet used. */
    public void clear() {
        queue.clear();
    }
}
