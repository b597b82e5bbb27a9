package dev.crowdemotion.local.rekognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crowdemotion.local.aws.LocalAws;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.retry.RetryUtils;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.rekognition.RekognitionAsyncClient;
import software.amazon.awssdk.services.rekognition.model.Attribute;
import software.amazon.awssdk.services.rekognition.model.DetectFacesResponse;
import software.amazon.awssdk.services.rekognition.model.Image;
import software.amazon.awssdk.services.rekognition.model.InternalServerErrorException;
import software.amazon.awssdk.services.rekognition.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.rekognition.model.RekognitionException;
import software.amazon.awssdk.services.rekognition.model.ThrottlingException;

/**
 * The stand-in's service realism (quota, latency, fault injection) through the real SDK v2
 * RekognitionAsyncClient: what the SDK makes of each error (typed exception, throttling,
 * retried by its default retry strategy or not).
 */
class RekognitionStandInRealismTest {
    /** A stand-in with the default options, for the injected-error tests. */
    private static RekognitionStandIn plain;
    /**
     * One HTTP client shared by the test's SDK clients (not closed with them): closing a Netty
     * client waits out its event loop's 2 s quiet period.
     */
    private static SdkAsyncHttpClient http;
    private static byte[] astronaut;
    /** 80x80 black PNG: the cheapest image the stand-in analyses (no face). */
    private static byte[] tiny;

    @BeforeAll
    static void start() throws IOException {
        plain = RekognitionStandIn.start();
        http = NettyNioAsyncHttpClient.builder().build();
        astronaut = Files.readAllBytes(RekognitionStandInTest.dataImage("astronaut.png"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(80, 80, BufferedImage.TYPE_3BYTE_BGR), "png", out);
        tiny = out.toByteArray();
    }

    @AfterAll
    static void stop() {
        if (plain != null) {
            plain.close();
        }
        if (http != null) {
            http.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // units

    @Test
    void tokenBucketStartsFullAndRefillsAtTheRateUpToTheBurst() {
        long s = 1_000_000_000L;
        TokenBucket b = new TokenBucket(5, 5, 0);
        int taken = 0;
        while (b.tryAcquire(0)) {
            taken++;
        }
        assertThat(taken).isEqualTo(5);
        assertThat(b.tryAcquire(s / 10)).isFalse(); // 0.5 permits after 100 ms
        assertThat(b.tryAcquire(s / 5)).isTrue(); // 1.0 after 200 ms
        assertThat(b.available(s / 5 + 10 * s)).isEqualTo(5.0); // capped at the burst
        // exactly one second after emptying: exactly 5 permits
        TokenBucket c = new TokenBucket(5, 5, 0);
        for (int i = 0; i < 5; i++) {
            assertThat(c.tryAcquire(0)).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(c.tryAcquire(s)).as("permit %d", i).isTrue();
        }
        assertThat(c.tryAcquire(s)).isFalse();
        // a burst larger than the rate, and out-of-order arrival stamps
        TokenBucket d = new TokenBucket(1, 3, 0);
        assertThat(d.tryAcquire(0) && d.tryAcquire(0) && d.tryAcquire(0)).isTrue();
        assertThat(d.tryAcquire(-s)).isFalse();
        assertThat(d.tryAcquire(s)).isTrue();
    }

    @Test
    void realisticLatencyIsATruncatedLogNormalReproducibleBySeed() {
        LatencyModel m = LatencyModel.realistic();
        long[] a = sample(m, new Random(42), 10_000);
        assertThat(a).isEqualTo(sample(m, new Random(42), 10_000));
        long[] sorted = a.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: min %d, p5 %d, median %d, p95 %d, max %d ms%n", m, sorted[0], sorted[500],
                sorted[5_000], sorted[9_500], sorted[9_999]);
        assertThat(sorted[0]).isGreaterThanOrEqualTo(150);
        assertThat(sorted[9_999]).isLessThanOrEqualTo(400);
        assertThat(sorted[5_000]).isBetween(215L, 245L);
        assertThat(sorted[9_500] - sorted[500]).isGreaterThan(120);
        // no lumps at the bounds
        assertThat(Arrays.stream(a).filter(v -> v == 150 || v == 400).count()).isLessThan(100);

        assertThat(LatencyModel.uniform(0, 0).sampleMillis(new Random())).isZero();
        assertThat(Arrays.stream(sample(LatencyModel.uniform(10, 20), new Random(1), 1000)).allMatch(v -> v >= 10 && v <= 20)).isTrue();
        assertThat(LatencyModel.fixed(7).sampleMillis(new Random())).isEqualTo(7);
    }

    @Test
    void optionsRejectNonsense() {
        RekognitionStandIn.Options o = RekognitionStandIn.Options.defaults();
        assertThatThrownBy(() -> o.quotaTps(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> o.quotaBurst(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> o.throttleErrorCode("InternalServerError")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> o.serverErrorRate(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> o.latencyMs(300, 200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> o.throttleBurst(Duration.ofSeconds(1), Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plain.injectNext("NoSuchException", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RekognitionStandIn.start(RekognitionStandIn.Options.defaults().serverErrorRate(0.6).timeoutRate(0.6)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------------
    // quota

    /** 5 TPS, burst 5: of 20 requests arriving at once ~5 are served; one second later 5 more are. */
    @Test
    void quotaAnswersTheExcessAtOnceWithATypedProvisionedThroughputExceeded() {
        try (RekognitionStandIn s = RekognitionStandIn.start(RekognitionStandIn.Options.defaults().quotaTps(5));
                RekognitionAsyncClient client = client(s, noRetries(), null)) {
            openConnections(client, 20);
            long t0 = System.nanoTime();
            List<Outcome> first = fire(client, tiny, 20);
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            long served = first.stream().filter(Outcome::ok).count();
            System.out.printf("quota 5 TPS, 20 at once: %d served, %d throttled, in %d ms%n", served, 20 - served, elapsedMs);
            // 5 banked, plus what refills while the 20 arrive (5 per second, 0.2 s per permit; they
            // all arrive within elapsedMs, usually within a few tens of ms)
            assertThat(served).isBetween(5L, 5L + elapsedMs / 200);
            for (Outcome o : first) {
                if (!o.ok()) {
                    assertThat(o.error).isInstanceOf(ProvisionedThroughputExceededException.class);
                    RekognitionException e = (RekognitionException) o.error;
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(RekognitionStandIn.PROVISIONED_THROUGHPUT_EXCEEDED);
                    assertThat(e.isThrottlingException()).isTrue();
                    assertThat(e.numAttempts()).isEqualTo(1);
                    // refused before any analysis: answered long before a DetectFaces would be
                    assertThat(o.millis).isLessThan(1000);
                }
            }
            RekognitionStandIn.Counters c = s.counters();
            assertThat(c.throttled()).isEqualTo(20 - served);
            assertThat(c.errorsByType()).containsEntry(RekognitionStandIn.PROVISIONED_THROUGHPUT_EXCEEDED, 20 - served);
            assertThat(c.detectFacesOk()).isEqualTo(served);
            assertThat(c.perSecond().stream().mapToLong(RekognitionStandIn.SecondCount::served).sum()).isEqualTo(served);
            assertThat(c.perSecond().stream().mapToLong(RekognitionStandIn.SecondCount::throttled).sum()).isEqualTo(20 - served);

            sleep(1100);
            List<Outcome> second = fire(client, tiny, 5);
            assertThat(second).allMatch(Outcome::ok);
        }
    }

    @Test
    void quotaCanAnswerWithThrottlingExceptionAndABurstOtherThanTheRate() {
        RekognitionStandIn.Options options = RekognitionStandIn.Options.defaults().quotaTps(0.5).quotaBurst(2)
                .throttleErrorCode(RekognitionStandIn.THROTTLING);
        try (RekognitionStandIn s = RekognitionStandIn.start(options); RekognitionAsyncClient client = client(s, noRetries(), null)) {
            List<Outcome> all = fire(client, tiny, 5);
            assertThat(all.stream().filter(Outcome::ok).count()).isEqualTo(2);
            for (Outcome o : all) {
                if (!o.ok()) {
                    assertThat(o.error).isInstanceOf(ThrottlingException.class);
                    ThrottlingException e = (ThrottlingException) o.error;
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.isThrottlingException()).isTrue();
                }
            }
            assertThat(s.counters().errorsByType()).containsEntry(RekognitionStandIn.THROTTLING, 3L);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // latency

    /**
     * Realistic latency, one worker thread: every call takes 150-400 ms (plus client overhead),
     * and 12 concurrent calls take about the longest of them, not their sum: nothing sleeps on the
     * worker.
     */
    @Test
    void realisticLatencyWithoutBlockingAThread() {
        RekognitionStandIn.Options options = RekognitionStandIn.Options.realistic().workerThreads(1).seed(42);
        try (RekognitionStandIn s = RekognitionStandIn.start(options); RekognitionAsyncClient client = client(s, noRetries(), null)) {
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Outcome o = fire(client, tiny, 1).get(0);
                assertThat(o.ok()).isTrue();
                latencies.add(o.millis);
            }
            long t0 = System.nanoTime();
            List<Outcome> concurrent = fire(client, tiny, 12);
            long wall = (System.nanoTime() - t0) / 1_000_000;
            assertThat(concurrent).allMatch(Outcome::ok);
            concurrent.forEach(o -> latencies.add(o.millis));
            System.out.printf("realistic latency, sequential then 12 concurrent (1 worker): %s ms; the 12 in %d ms%n", latencies, wall);
            // the first call also pays for the client's first connection
            assertThat(latencies.subList(1, latencies.size())).allMatch(ms -> ms >= 150 && ms <= 450);
            assertThat(latencies.get(0)).isBetween(150L, 1000L);
            assertThat(latencies.stream().distinct().count()).isGreaterThan(5);
            // serialised on the one worker they would take >= 12 x 150 ms
            assertThat(wall).isLessThan(1200);
        }
    }

    @Test
    void defaultsAddNoLatency() {
        try (RekognitionAsyncClient client = client(plain, noRetries(), null)) {
            fire(client, tiny, 1);
            List<Long> ms = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ms.add(fire(client, tiny, 1).get(0).millis);
            }
            System.out.println("defaults, latency per call: " + ms + " ms");
            assertThat(ms.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(100);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // faults

    @Test
    void serverErrorRateOneIsATypedInternalServerErrorThatTheSdkRetries() {
        RekognitionStandIn.Options options = RekognitionStandIn.Options.defaults().serverErrorRate(1.0).seed(1);
        try (RekognitionStandIn s = RekognitionStandIn.start(options);
                RekognitionAsyncClient once = client(s, noRetries(), null);
                RekognitionAsyncClient retrying = client(s, sdkDefaultRetries(3), null)) {
            Outcome o = fire(once, astronaut, 1).get(0);
            assertThat(o.error).isInstanceOf(InternalServerErrorException.class);
            InternalServerErrorException e = (InternalServerErrorException) o.error;
            assertThat(e.statusCode()).isEqualTo(500);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(RekognitionStandIn.INTERNAL_SERVER_ERROR);
            assertThat(e.isThrottlingException()).isFalse();
            describe(e);

            long before = s.requestCount();
            Outcome retried = fire(retrying, astronaut, 1).get(0);
            assertThat(retried.error).isInstanceOf(InternalServerErrorException.class);
            assertThat(((SdkException) retried.error).numAttempts()).isEqualTo(3);
            assertThat(s.requestCount() - before).isEqualTo(3);
            assertThat(s.counters().errorsByType()).containsEntry(RekognitionStandIn.INTERNAL_SERVER_ERROR, 4L);
            assertThat(s.counters().detectFacesOk()).isZero();
        }
    }

    @Test
    void timeoutRateOneOutlastsTheClientsAttemptTimeout() {
        RekognitionStandIn.Options options = RekognitionStandIn.Options.defaults().timeoutRate(1.0).seed(1);
        Duration attempt = Duration.ofMillis(500);
        try (RekognitionStandIn s = RekognitionStandIn.start(options);
                RekognitionAsyncClient once = client(s, noRetries(), attempt)) {
            Outcome o = fire(once, tiny, 1).get(0);
            System.out.println("timeout: " + o.error + " after " + o.millis + " ms");
            assertThat(o.error).isInstanceOf(ApiCallAttemptTimeoutException.class);
            assertThat(o.millis).isBetween(450L, 1500L);
            assertThat(((SdkException) o.error).retryable()).isFalse();
            // (How the SDK's own retries end after held attempts varies by run, sometimes "Request
            // cancelled" after two attempts: not the stand-in's behaviour, so not asserted here.)
            assertThat(s.requestCount()).isEqualTo(1);
            RekognitionStandIn.Counters c = s.counters();
            assertThat(c.timeouts()).isEqualTo(1);
            assertThat(c.errorsByType()).containsEntry(RekognitionStandIn.TIMEOUT, 1L);
        }
    }

    /** The same seed gives the same sequence of faults; the rate is about as configured. */
    @Test
    void faultsAreReproducibleBySeed() {
        RekognitionStandIn.Options options = RekognitionStandIn.Options.defaults().serverErrorRate(0.3).seed(7);
        List<Boolean> a;
        List<Boolean> b;
        try (RekognitionStandIn s = RekognitionStandIn.start(options); RekognitionAsyncClient client = client(s, noRetries(), null)) {
            a = sequentialOutcomes(client, 24);
        }
        try (RekognitionStandIn s = RekognitionStandIn.start(options); RekognitionAsyncClient client = client(s, noRetries(), null)) {
            b = sequentialOutcomes(client, 24);
        }
        assertThat(a).isEqualTo(b);
        assertThat(a.stream().filter(ok -> !ok).count()).isBetween(2L, 14L);
    }

    /** Bursts every 800 ms for 400 ms, the first from 800 ms after start. */
    @Test
    void throttleBurstsThrottleEverythingInTheirWindows() {
        RekognitionStandIn.Options options = RekognitionStandIn.Options.defaults()
                .throttleBurst(Duration.ofMillis(800), Duration.ofMillis(400));
        try (RekognitionStandIn s = RekognitionStandIn.start(options); RekognitionAsyncClient client = client(s, noRetries(), null)) {
            long t0 = System.nanoTime(); // a little after the stand-in's start
            List<long[]> log = new ArrayList<>(); // {millis since t0 at send, 1 if throttled}
            while (System.nanoTime() - t0 < 2_100_000_000L) {
                long at = (System.nanoTime() - t0) / 1_000_000;
                Outcome o = fire(client, tiny, 1).get(0);
                if (!o.ok()) {
                    assertThat(o.error).isInstanceOf(ProvisionedThroughputExceededException.class);
                }
                log.add(new long[] {at, o.ok() ? 0 : 1});
                sleep(20);
            }
            long throttled = log.stream().filter(r -> r[1] == 1).count();
            System.out.printf("throttle bursts: %d of %d requests throttled%n", throttled, log.size());
            // nothing before the first burst; everything well inside the bursts; nothing well between them
            for (long[] r : log) {
                long at = r[0];
                if (at < 700 || (at > 1300 && at < 1500)) {
                    assertThat(r[1]).as("request at %d ms", at).isZero();
                }
                if ((at > 850 && at < 1100) || (at > 1650 && at < 1900)) {
                    assertThat(r[1]).as("request at %d ms", at).isEqualTo(1);
                }
            }
            assertThat(s.counters().throttled()).isEqualTo(throttled);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // injected errors: what the SDK makes of each

    @ParameterizedTest
    @ValueSource(strings = {RekognitionStandIn.PROVISIONED_THROUGHPUT_EXCEEDED, RekognitionStandIn.THROTTLING,
            RekognitionStandIn.INTERNAL_SERVER_ERROR})
    void injectedErrorsAreTypedAndRetriedBySdkDefaults(String code) {
        try (RekognitionAsyncClient once = client(plain, noRetries(), null);
                RekognitionAsyncClient retrying = client(plain, sdkDefaultRetries(3), null)) {
            RekognitionStandIn.Counters before = plain.counters();
            plain.injectNext(code, 1);
            Outcome o = fire(once, tiny, 1).get(0);
            RekognitionException e = (RekognitionException) o.error;
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            switch (code) {
                case RekognitionStandIn.PROVISIONED_THROUGHPUT_EXCEEDED -> {
                    assertThat(e).isInstanceOf(ProvisionedThroughputExceededException.class);
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.isThrottlingException()).isTrue();
                }
                case RekognitionStandIn.THROTTLING -> {
                    assertThat(e).isInstanceOf(ThrottlingException.class);
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.isThrottlingException()).isTrue();
                }
                default -> {
                    assertThat(e).isInstanceOf(InternalServerErrorException.class);
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.isThrottlingException()).isFalse();
                }
            }
            describe(e);

            // two injected failures, then the SDK's default retry strategy gets through on attempt 3
            plain.injectNext(code, 2);
            long requestsBefore = plain.requestCount();
            Outcome retried = fire(retrying, tiny, 1).get(0);
            assertThat(retried.ok()).as("retried %s: %s", code, retried.error).isTrue();
            assertThat(plain.requestCount() - requestsBefore).isEqualTo(3);
            assertThat(plain.pendingInjected()).isZero();
            RekognitionStandIn.Counters after = plain.counters();
            assertThat(after.errorsByType().get(code) - before.errorsByType().getOrDefault(code, 0L)).isEqualTo(3);
            boolean throttle = !code.equals(RekognitionStandIn.INTERNAL_SERVER_ERROR);
            assertThat(after.throttled() - before.throttled()).isEqualTo(throttle ? 3 : 0);
        }
    }

    @Test
    void injectedTimeoutIsRetriedAfterTheAttemptTimeout() {
        // the attempt timeout must outlast a real analysis even on a cold JVM
        try (RekognitionAsyncClient retrying = client(plain, sdkDefaultRetries(2), Duration.ofMillis(1500))) {
            plain.clearInjected(); // the stand-in is shared by the class's tests
            long before = plain.requestCount();
            long timeoutsBefore = plain.counters().timeouts();
            plain.injectNext(RekognitionStandIn.TIMEOUT, 1);
            Outcome o = fire(retrying, tiny, 1).get(0);
            // the first attempt is held and times out; the SDK retries once. The retry is served,
            // unless the Netty client hands it the keep-alive connection whose first response is
            // still held (seen now and then): then it times out too. Either way exactly one
            // timeout was injected and the call took at least the attempt timeout.
            assertThat(plain.counters().timeouts() - timeoutsBefore).isEqualTo(1);
            assertThat(plain.requestCount() - before).isBetween(1L, 2L);
            assertThat(o.millis).isGreaterThanOrEqualTo(1500);
            if (!o.ok()) {
                // the SDK ends such a call with an attempt timeout or "Request cancelled", by run
                assertThat(o.error).isInstanceOf(SdkException.class);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    private record Outcome(DetectFacesResponse response, Throwable error, long millis) {
        boolean ok() {
            return error == null;
        }
    }

    /** {@code n} DetectFaces calls at once; their outcomes, each with its own latency. */
    private static List<Outcome> fire(RekognitionAsyncClient client, byte[] image, int n) {
        Image img = Image.builder().bytes(SdkBytes.fromByteArray(image)).build();
        List<CompletableFuture<Outcome>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            calls.add(client.detectFaces(b -> b.image(img).attributes(Attribute.ALL))
                    .handle((r, e) -> new Outcome(r, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e,
                            (System.nanoTime() - t0) / 1_000_000)));
        }
        return calls.stream().map(CompletableFuture::join).toList();
    }

    /**
     * {@code n} concurrent calls of an operation the stand-in does not serve (no quota taken), so
     * that the next {@code n} calls go over open connections and arrive close together.
     */
    private static void openConnections(RekognitionAsyncClient client, int n) {
        Image img = Image.builder().bytes(SdkBytes.fromByteArray(tiny)).build();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(client.detectLabels(b -> b.image(img)).handle((r, e) -> null));
        }
        calls.forEach(CompletableFuture::join);
    }

    private static List<Boolean> sequentialOutcomes(RekognitionAsyncClient client, int n) {
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Outcome o = fire(client, tiny, 1).get(0);
            if (!o.ok()) {
                assertThat(o.error).isInstanceOf(InternalServerErrorException.class);
            }
            out.add(o.ok());
        }
        return out;
    }

    private static Consumer<software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.Builder> noRetries() {
        return c -> c.retryStrategy(AwsRetryStrategy.doNotRetry());
    }

    /**
     * The client's default retry strategy (its retry mode and AWS retry conditions, as the SDK
     * configures it), with {@code maxAttempts} and no backoff delay to keep the test fast.
     */
    private static Consumer<software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.Builder> sdkDefaultRetries(int maxAttempts) {
        return c -> c.retryStrategy(r -> r.maxAttempts(maxAttempts)
                .backoffStrategy(BackoffStrategy.retryImmediately())
                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately()));
    }

    private static RekognitionAsyncClient client(RekognitionStandIn s,
            Consumer<software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.Builder> retries, Duration attemptTimeout) {
        return RekognitionAsyncClient.builder()
                .endpointOverride(s.endpoint())
                .region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(c -> {
                    retries.accept(c);
                    if (attemptTimeout != null) {
                        c.apiCallAttemptTimeout(attemptTimeout);
                    }
                })
                .build();
    }

    private static void describe(SdkServiceException e) {
        System.out.printf("%s: status %d, isThrottlingException %s, SdkException.retryable %s, RetryUtils.isRetryableException %s,"
                        + " RetryUtils.isThrottlingException %s%n",
                e.getClass().getSimpleName(), e.statusCode(), e.isThrottlingException(), e.retryable(),
                RetryUtils.isRetryableException(e), RetryUtils.isThrottlingException(e));
    }

    private static long[] sample(LatencyModel m, Random r, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = m.sampleMillis(r);
        }
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
