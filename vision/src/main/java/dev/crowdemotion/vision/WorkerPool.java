package dev.crowdemotion.vision;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Package-private: an unbounded pool of non-thread-safe workers (a DJL {@code Predictor} plus
 * scratch buffers). Each call borrows a worker for its duration, so at most one thread uses a
 * worker at a time and the pool grows to the number of concurrent callers. {@link #close()}
 * waits for calls in progress, then closes every worker; later calls fail.
 */
final class WorkerPool<W extends AutoCloseable> implements AutoCloseable {
    private final Supplier<W> factory;
    private final ConcurrentLinkedDeque<W> idle = new ConcurrentLinkedDeque<>();
    private final Set<W> all = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String name;
    private boolean closed; // guarded by lock

    WorkerPool(String name, Supplier<W> factory) {
        this.name = name;
        this.factory = factory;
    }

    <R> R apply(Function<W, R> task) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            W w = idle.pollFirst();
            if (w == null) {
                w = factory.get();
                all.add(w);
            }
            try {
                return task.apply(w);
            } finally {
                idle.addFirst(w);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            RuntimeException first = null;
            for (W w : all) {
                try {
                    w.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = new IllegalStateException("closing " + name + " worker failed", e);
                    }
                }
            }
            all.clear();
            idle.clear();
            if (first != null) {
                throw first;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
