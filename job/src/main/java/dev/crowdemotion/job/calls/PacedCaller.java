package dev.crowdemotion.job.calls;

import com.google.common.util.concurrent.RateLimiter;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import org.apache.flink.metrics.Counter;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Makes calls to an AWS service within a TPS budget, retrying what is worth retrying. Used for
 * Rekognition DetectFaces and for SageMaker InvokeEndpoint alike.
 *
 * <ul>
 *   <li><b>Pacing</b>: every attempt (first tries and retries alike) takes a permit from a Guava
 *       {@link RateLimiter} of {@code tps} permits per second (smooth, at most one second of
 *       saved-up permits, like the services' own token buckets), on a dedicated pacer thread, so
 *       waiting for a permit never blocks Flink's task thread.</li>
 *   <li><b>Retries</b> (Failsafe {@link RetryPolicy}): throttling, 5xx and timeouts
 *       ({@link ServiceErrors#isRetryable}) are retried up to {@code maxAttempts} attempts in
 *       all, with exponential backoff from {@code initialBackoff} to {@code maxBackoff} and
 *       ±50 % jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). Other errors fail
 *       at once. The SDK client must be built with its own retries off, so that every attempt
 *       is paced and counted here.</li>
 * </ul>
 * Thread-safe.
 *
 * @param <R> the service's response type
 */
public final class PacedCaller<R> implements AutoCloseable {
    /** Counters updated by the caller; any may be Flink metrics (they are touched from SDK threads). */
    public static final class Metrics {
        final Counter attempts;
        final Counter throttled;
        final Counter retries;

        /**
         * @param attempts requests sent
         * @param throttled attempts answered with a throttling error
         * @param retries attempts that were retries
         */
        public Metrics(Counter attempts, Counter throttled, Counter retries) {
            this.attempts = attempts;
            this.throttled = throttled;
            this.retries = retries;
        }
    }

    private final double tps;
    private final RateLimiter limiter;
    private final ExecutorService pacer;
    private final ScheduledExecutorService scheduler;
    private final FailsafeExecutor<R> failsafe;
    private final Metrics metrics;
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * @param name thread name prefix, e.g. {@code rekognition}
     * @param tps calls per second, > 0
     * @param maxAttempts attempts per call, >= 1
     * @param initialBackoff delay before the first retry
     * @param maxBackoff largest delay between attempts
     */
    public PacedCaller(String name, double tps, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                       Metrics metrics) {
        this.tps = tps;
        this.limiter = RateLimiter.create(tps);
        this.metrics = metrics;
        this.pacer = Executors.newSingleThreadExecutor(r -> daemon(r, name + "-pacer"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-retry"));
        RetryPolicy<R> retry = RetryPolicy.<R>builder()
                .handleIf(ServiceErrors::isRetryable)
                .withBackoff(initialBackoff, maxBackoff)
                .withJitter(0.5)
                .withMaxAttempts(maxAttempts)
                .onRetry(e -> metrics.retries.inc())
                .build();
        this.failsafe = Failsafe.with(retry).with(scheduler);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Runs a call: each attempt waits for a permit, then invokes {@code attempt} (which must start
     * one request, e.g. {@code () -> client.detectFaces(request)}).
     *
     * @return the response, or a future failed with the last attempt's exception (classify it
     *     with {@link ServiceErrors})
     */
    public CompletableFuture<R> call(Supplier<CompletableFuture<R>> attempt) {
        return failsafe.getStageAsync(() -> paced(attempt));
    }

    private CompletableFuture<R> paced(Supplier<CompletableFuture<R>> attempt) {
        CompletableFuture<R> result = new CompletableFuture<>();
        waiting.incrementAndGet();
        try {
            pacer.execute(() -> {
                limiter.acquire();
                waiting.decrementAndGet();
                metrics.attempts.inc();
                CompletableFuture<R> sent;
                try {
                    sent = attempt.get();
                } catch (RuntimeException e) { // a client that throws instead of failing the future
                    sent = CompletableFuture.failedFuture(e);
                }
                sent.whenComplete((response, failure) -> {
                    if (failure == null) {
                        result.complete(response);
                    } else {
                        if (ServiceErrors.classify(failure) == ServiceErrors.Kind.THROTTLED) {
                            metrics.throttled.inc();
                        }
                        result.completeExceptionally(failure);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet();
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Attempts waiting for a permit. */
    public int waiting() {
        return waiting.get();
    }

    /** How long the attempts waiting for a permit will take to be sent at the budget, seconds. */
    public double backlogSeconds() {
        return waiting.get() / tps;
    }

    @Override
    public void close() {
        pacer.shutdownNow();
        scheduler.shutdownNow();
        try {
            pacer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
