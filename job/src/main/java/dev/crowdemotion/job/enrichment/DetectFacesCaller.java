package dev.crowdemotion.job.enrichment;

import com.google.common.util.concurrent.RateLimiter;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import org.apache.flink.metrics.Counter;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.rekognition.RekognitionAsyncClient;
import software.amazon.awssdk.services.rekognition.model.Attribute;
import software.amazon.awssdk.services.rekognition.model.DetectFacesRequest;
import software.amazon.awssdk.services.rekognition.model.DetectFacesResponse;
import software.amazon.awssdk.services.rekognition.model.Image;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes DetectFaces calls within a TPS budget, retrying what is worth retrying.
 *
 * <ul>
 *   <li><b>Pacing</b>: every attempt (first tries and retries alike) takes a permit from a Guava
 *       {@link RateLimiter} of {@code tps} permits per second (smooth, at most one second of
 *       saved-up permits, like the service's own bucket), on a dedicated pacer thread, so
 *       waiting for a permit never blocks Flink's task thread.</li>
 *   <li><b>Retries</b> (Failsafe {@link RetryPolicy}): throttling, 5xx and timeouts
 *       ({@link RekognitionErrors#isRetryable}) are retried up to {@code maxAttempts} attempts in
 *       all, with exponential backoff from {@code initialBackoff} to {@code maxBackoff} and
 *       ±50 % jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). Other errors fail
 *       at once. The SDK client must be built with its own retries off
 *       ({@link RekognitionClients}), so every attempt is paced and counted here.</li>
 * </ul>
 * Thread-safe.
 */
public final class DetectFacesCaller implements AutoCloseable {
    /** Counters updated by the caller; any may be Flink metrics. */
    public static final class Metrics {
        final Counter attempts;
        final Counter throttled;
        final Counter retries;

        /**
         * @param attempts DetectFaces requests sent
         * @param throttled attempts answered with a throttling error
         * @param retries attempts that were retries
         */
        public Metrics(Counter attempts, Counter throttled, Counter retries) {
            this.attempts = attempts;
            this.throttled = throttled;
            this.retries = retries;
        }
    }

    private final RekognitionAsyncClient client;
    private final double tps;
    private final RateLimiter limiter;
    private final ExecutorService pacer;
    private final ScheduledExecutorService scheduler;
    private final FailsafeExecutor<DetectFacesResponse> failsafe;
    private final Metrics metrics;
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * @param client client with SDK retries off
     * @param tps calls per second, > 0
     * @param maxAttempts attempts per call, >= 1
     * @param initialBackoff delay before the first retry
     * @param maxBackoff largest delay between attempts
     */
    public DetectFacesCaller(RekognitionAsyncClient client, double tps, int maxAttempts, Duration initialBackoff,
                             Duration maxBackoff, Metrics metrics) {
        this.client = client;
        this.tps = tps;
        this.limiter = RateLimiter.create(tps);
        this.metrics = metrics;
        this.pacer = Executors.newSingleThreadExecutor(r -> daemon(r, "rekognition-pacer"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "rekognition-retry"));
        RetryPolicy<DetectFacesResponse> retry = RetryPolicy.<DetectFacesResponse>builder()
                .handleIf(RekognitionErrors::isRetryable)
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
     * Runs DetectFaces with the EMOTIONS attribute on an encoded JPEG/PNG image.
     *
     * @return the response, or a future failed with the last attempt's exception (classify it
     *     with {@link RekognitionErrors})
     */
    public CompletableFuture<DetectFacesResponse> detectFaces(byte[] image) {
        DetectFacesRequest request = DetectFacesRequest.builder()
                .image(Image.builder().bytes(SdkBytes.fromByteArrayUnsafe(image)).build())
                .attributes(Attribute.EMOTIONS)
                .build();
        return failsafe.getStageAsync(() -> attempt(request));
    }

    private CompletableFuture<DetectFacesResponse> attempt(DetectFacesRequest request) {
        CompletableFuture<DetectFacesResponse> result = new CompletableFuture<>();
        waiting.incrementAndGet();
        try {
            pacer.execute(() -> {
                limiter.acquire();
                waiting.decrementAndGet();
                metrics.attempts.inc();
                client.detectFaces(request).whenComplete((response, failure) -> {
                    if (failure == null) {
                        result.complete(response);
                    } else {
                        if (RekognitionErrors.classify(failure) == RekognitionErrors.Kind.THROTTLED) {
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
