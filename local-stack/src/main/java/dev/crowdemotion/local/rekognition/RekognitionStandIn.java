package dev.crowdemotion.local.rekognition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.aws.InjectedFaults;
import dev.crowdemotion.local.aws.StandInHttp;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.EmotionClassifier;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.FerExpression;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Amazon Rekognition's {@code DetectFaces}, speaking the real wire protocol
 * (AWS JSON 1.1: {@code POST /}, {@code X-Amz-Target: RekognitionService.DetectFaces}) so the
 * real SDK's {@code RekognitionClient}/{@code RekognitionAsyncClient} can be pointed at it with
 * {@code endpointOverride(standIn.endpoint())}.
 *
 * <p>Analysis is real, not canned: faces come from BlazeFace ({@link BlazeFaceDetector}) and
 * emotions from the FER2013 mini-Xception classifier ({@link EmotionClassifier}). Responses use
 * Rekognition's {@code FaceDetail} shape: {@code BoundingBox} as ratios of the image (clamped to
 * the image, whereas the real service may return values slightly outside [0, 1] for faces cut by
 * the border), {@code Confidence} 0-100, and {@code Emotions} (sorted by confidence, descending)
 * only when {@code Attributes} contains {@code ALL} or {@code EMOTIONS}. FER2013 has no
 * CONFUSED/UNKNOWN classes; neutral is reported as CALM. Landmarks, Pose, Quality and the other
 * ALL attributes are not produced.
 *
 * <p>Requests the real service rejects are rejected with its error types (HTTP 400, body
 * {@code {"__type", "Code", "Message", "Logref"}} like the service's, header {@code x-amzn-ErrorType}),
 * which the SDK maps to its typed exceptions: see {@link #detectFaces(JsonNode)}.
 *
 * <p><b>Service realism</b> (all opt-in; {@link Options#defaults()} has none of it, so the demo
 * and the end-to-end test stay fast): a TPS quota ({@link Options#quotaTps}), service latency
 * ({@link Options#latency}, {@link Options#realistic()}), and seeded fault injection
 * ({@link Options#serverErrorRate}, {@link Options#timeoutRate}, {@link Options#throttleBurst},
 * {@link #injectNext}). A DetectFaces request is admitted on arrival, before its body is analysed,
 * in this order: an error queued by {@link #injectNext}; a throttle burst window; the quota's
 * token bucket; the random timeout and 5xx draws. A refused request is answered at once (or, for
 * a timeout, held unanswered); an admitted one is analysed on the worker pool and answered no
 * earlier than {@code arrival + sampled latency}. No thread waits out a latency or a hold: the
 * exchange is completed later from a scheduler thread. The error codes and statuses, as the SDK's
 * Rekognition model (2.31) declares them and the Rekognition Developer Guide ("Error handling")
 * lists them:
 * <ul>
 *   <li>{@value #PROVISIONED_THROUGHPUT_EXCEEDED}: HTTP 400, "Provisioned Rate exceeded." (the
 *       account's TPS quota);
 *   <li>{@value #THROTTLING}: HTTP 500, "Service Unavailable" (the service scaling; the guide
 *       lists it under 400 too, the SDK model declares 500);
 *   <li>{@value #INTERNAL_SERVER_ERROR}: HTTP 500, "Internal server error".
 * </ul>
 *
 * <p>Listens on 127.0.0.1 only, unless {@link Options#bindAddress} says otherwise. Request bodies are read by a pool of HTTP threads; analysis runs
 * on a fixed pool of worker threads (default: one per available processor). Signatures are not
 * checked.
 */
public final class RekognitionStandIn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RekognitionStandIn.class);

    /** X-Amz-Target of DetectFaces. */
    public static final String DETECT_FACES_TARGET = "RekognitionService.DetectFaces";
    /** Rekognition's limit on image bytes passed in the request: 5 MB. */
    public static final int MAX_IMAGE_BYTES = 5 * 1024 * 1024;
    /** Rekognition's minimum image width and height, pixels. */
    public static final int MIN_IMAGE_DIMENSION = 80;

    /** The account's TPS quota is exceeded (HTTP 400). */
    public static final String PROVISIONED_THROUGHPUT_EXCEEDED = "ProvisionedThroughputExceededException";
    /** The service is throttling while it scales (HTTP 500). */
    public static final String THROTTLING = "ThrottlingException";
    /** Rekognition's 5xx error type (HTTP 500). */
    public static final String INTERNAL_SERVER_ERROR = "InternalServerError";
    /**
     * Not a Rekognition error: the pseudo error type of a request held unanswered (see
     * {@link Options#timeoutRate}), as counted in {@link Counters#errorsByType()} and accepted by
     * {@link #injectNext}.
     */
    public static final String TIMEOUT = "Timeout";

    /** Error types {@link #injectNext} accepts: status and message of each (DetectFaces' modeled errors). */
    private static final Map<String, Fault> FAULTS;

    static {
        Map<String, Fault> f = new LinkedHashMap<>();
        f.put(PROVISIONED_THROUGHPUT_EXCEEDED, new Fault(400, "Provisioned Rate exceeded."));
        f.put(THROTTLING, new Fault(500, "Service Unavailable"));
        f.put(INTERNAL_SERVER_ERROR, new Fault(500, "Internal server error"));
        f.put("AccessDeniedException", new Fault(400, "User is not authorized to perform: rekognition:DetectFaces"));
        f.put("InvalidParameterException", new Fault(400, "Request has invalid parameters"));
        f.put("InvalidImageFormatException", new Fault(400, "Request has invalid image format"));
        f.put("ImageTooLargeException", new Fault(400, "Image size is too large"));
        f.put("InvalidS3ObjectException", new Fault(400, "Request has invalid S3 object"));
        f.put(TIMEOUT, new Fault(0, null));
        FAULTS = Map.copyOf(f);
    }

    private static final String JSON_11 = "application/x-amz-json-1.1";
    /** Bodies beyond this are not read (a 5 MB image is ~7 MB of base64 plus JSON). */
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    private static final Set<String> ATTRIBUTES = Set.of("DEFAULT", "ALL", "AGE_RANGE", "BEARD", "EMOTIONS",
            "EYE_DIRECTION", "EYEGLASSES", "EYES_OPEN", "GENDER", "MOUTH_OPEN", "MUSTACHE", "FACE_OCCLUDED",
            "SMILE", "SUNGLASSES");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Second detection pass: longer side of the scaled image, and side of the padded canvas. */
    private static final int PADDED_INNER_SIDE = 128;
    private static final int PADDED_CANVAS_SIDE = 384;
    private static final float PADDED_MIN_SCORE = 0.7f;
    /** Seconds of per-second counts kept for {@link Counters#perSecond()}. */
    private static final int SECONDS_KEPT = 300;

    /**
     * Start options. {@link #defaults()}: no quota, no added latency, no faults (fast, for the demo
     * and the end-to-end test). {@link #realistic()}: the defaults plus
     * {@link LatencyModel#realistic()} latency; quota and faults stay opt-in.
     */
    public static final class Options {
        private int port;
        private String bindAddress = LocalAws.LOOPBACK_HOST;
        private int workerThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private float faceCropMargin = 0.15f;
        private double quotaTps;
        private double quotaBurst = Double.NaN;
        private String throttleErrorCode = PROVISIONED_THROUGHPUT_EXCEEDED;
        private LatencyModel latency = LatencyModel.none();
        private Long seed;
        private double serverErrorRate;
        private double timeoutRate;
        private Duration timeoutHold = Duration.ofSeconds(120);
        private Duration burstEvery;
        private Duration burstLength;
        private String burstErrorCode;

        /** No quota, no added latency, no injected faults. */
        public static Options defaults() {
            return new Options();
        }

        /** The defaults plus {@link LatencyModel#realistic()} latency (150-400 ms, median ~230 ms); no quota. */
        public static Options realistic() {
            return new Options().latency(LatencyModel.realistic());
        }

        /** Port on the bind address; 0 (default) picks a free one. */
        public Options port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Address to listen on: {@value LocalAws#LOOPBACK_HOST} (default), or e.g. {@code 0.0.0.0} in a
         * container that other containers call.
         *
         * @throws IllegalArgumentException if it is not an IP address or a resolvable name
         */
        public Options bindAddress(String address) {
            LocalAws.bindAddress(address);
            this.bindAddress = address.trim();
            return this;
        }

        /** Worker threads analysing requests (default: available processors). */
        public Options workerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads " + threads);
            }
            this.workerThreads = threads;
            return this;
        }

        /** Margin (fraction of the face box per side) of the crop given to the emotion classifier. */
        public Options faceCropMargin(float margin) {
            if (margin < 0 || margin > 1) {
                throw new IllegalArgumentException("margin " + margin);
            }
            this.faceCropMargin = margin;
            return this;
        }

        /**
         * DetectFaces transactions per second allowed (a token bucket on arrival time, refilled at
         * {@code tps} permits per second); requests beyond it are answered at once, before any
         * analysis, with {@link #throttleErrorCode}. 0 (default): unlimited.
         */
        public Options quotaTps(double tps) {
            if (!(tps >= 0) || Double.isInfinite(tps)) {
                throw new IllegalArgumentException("tps " + tps);
            }
            this.quotaTps = tps;
            return this;
        }

        /**
         * Permits the quota's bucket holds (and starts with): how many requests may arrive at once.
         * Default: {@code max(1, tps)}, a one-second bucket. At least 1.
         */
        public Options quotaBurst(double permits) {
            if (!(permits >= 1) || Double.isInfinite(permits)) {
                throw new IllegalArgumentException("permits " + permits);
            }
            this.quotaBurst = permits;
            return this;
        }

        /**
         * The error answering requests beyond the quota (and, unless given there, in throttle
         * bursts): {@value RekognitionStandIn#PROVISIONED_THROUGHPUT_EXCEEDED} (default, HTTP 400:
         * the account's TPS quota) or {@value RekognitionStandIn#THROTTLING} (HTTP 500: the service
         * scaling).
         */
        public Options throttleErrorCode(String errorCode) {
            this.throttleErrorCode = requireThrottleCode(errorCode);
            return this;
        }

        /** Added service latency (default {@link LatencyModel#none()}). */
        public Options latency(LatencyModel model) {
            this.latency = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * Added service latency uniform on {@code [minMillis, maxMillis]}; {@code (0, 0)} adds none,
         * {@code (n, n)} always n ms. For a skewed distribution use {@link #latency(LatencyModel)}.
         */
        public Options latencyMs(long minMillis, long maxMillis) {
            return latency(LatencyModel.uniform(minMillis, maxMillis));
        }

        /** Seed of the latency samples and fault draws (default: random, logged at start). */
        public Options seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Fraction [0, 1] of admitted DetectFaces requests answered at once with HTTP 500
         * {@value RekognitionStandIn#INTERNAL_SERVER_ERROR} (default 0).
         */
        public Options serverErrorRate(double rate) {
            this.serverErrorRate = rate(rate);
            return this;
        }

        /**
         * Fraction [0, 1] of admitted DetectFaces requests never answered within any sane client
         * timeout: held for {@link #timeoutHold} (default 120 s) and then dropped by closing the
         * connection, without a response (default 0). {@code timeoutRate + serverErrorRate <= 1}.
         */
        public Options timeoutRate(double rate) {
            this.timeoutRate = rate(rate);
            return this;
        }

        /** How long a timed-out request is held before its connection is closed (default 120 s). */
        public Options timeoutHold(Duration hold) {
            if (hold == null || hold.isNegative()) {
                throw new IllegalArgumentException("hold " + hold);
            }
            this.timeoutHold = hold;
            return this;
        }

        /**
         * Periodic throttling: from {@code every} after start, for {@code length} out of every
         * {@code every}, all DetectFaces requests are answered with {@link #throttleErrorCode}
         * (windows {@code [k*every, k*every + length)} after start, k = 1, 2, ...).
         */
        public Options throttleBurst(Duration every, Duration length) {
            if (every == null || length == null || every.isNegative() || every.isZero() || length.isNegative()
                    || length.compareTo(every) > 0) {
                throw new IllegalArgumentException("throttle burst every " + every + " for " + length);
            }
            this.burstEvery = every;
            this.burstLength = length;
            return this;
        }

        /** {@link #throttleBurst(Duration, Duration)} answering with {@code errorCode} (a throttle code). */
        public Options throttleBurst(Duration every, Duration length, String errorCode) {
            throttleBurst(every, length);
            this.burstErrorCode = requireThrottleCode(errorCode);
            return this;
        }

        private static double rate(double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("rate " + rate);
            }
            return rate;
        }

        private static String requireThrottleCode(String code) {
            if (!PROVISIONED_THROUGHPUT_EXCEEDED.equals(code) && !THROTTLING.equals(code)) {
                throw new IllegalArgumentException("throttle error code " + code + ": expected "
                        + PROVISIONED_THROUGHPUT_EXCEEDED + " or " + THROTTLING);
            }
            return code;
        }

        String describe(long effectiveSeed) {
            StringBuilder b = new StringBuilder();
            b.append("latency ").append(latency);
            b.append(", quota ");
            if (quotaTps > 0) {
                b.append(String.format(Locale.ROOT, "%.2f TPS burst %.1f (%s)", quotaTps, effectiveBurst(), throttleErrorCode));
            } else {
                b.append("unlimited");
            }
            if (serverErrorRate > 0 || timeoutRate > 0) {
                b.append(String.format(Locale.ROOT, ", serverErrorRate %.3f, timeoutRate %.3f (hold %s)",
                        serverErrorRate, timeoutRate, timeoutHold));
            }
            if (burstEvery != null) {
                b.append(", throttle bursts ").append(burstLength).append(" every ").append(burstEvery);
            }
            b.append(", seed ").append(effectiveSeed);
            return b.toString();
        }

        double effectiveBurst() {
            return Double.isNaN(quotaBurst) ? Math.max(1, quotaTps) : quotaBurst;
        }
    }

    /**
     * A snapshot of the request counters.
     *
     * @param requests requests received (any operation, any outcome)
     * @param detectFacesOk DetectFaces requests analysed successfully
     * @param errors requests answered with an error, or held unanswered (injected timeouts)
     * @param facesReturned faces in successful responses
     * @param errorsByType {@code errors} by error type ({@value RekognitionStandIn#TIMEOUT} for held requests)
     * @param throttled requests answered with a throttle error (quota, throttle burst or injected):
     *        {@value RekognitionStandIn#PROVISIONED_THROUGHPUT_EXCEEDED} or {@value RekognitionStandIn#THROTTLING}
     * @param timeouts requests held unanswered
     * @param perSecond served (HTTP 200) and throttled DetectFaces requests per second of arrival,
     *        oldest first, the last {@value RekognitionStandIn#SECONDS_KEPT} seconds with any
     */
    public record Counters(long requests, long detectFacesOk, long errors, long facesReturned,
            Map<String, Long> errorsByType, long throttled, long timeouts, List<SecondCount> perSecond) {
        public Counters {
            errorsByType = Map.copyOf(errorsByType);
            perSecond = List.copyOf(perSecond);
        }

        /** One line: the totals, and of {@code perSecond} only the peak served and throttled. */
        @Override
        public String toString() {
            long peakServed = perSecond.stream().mapToLong(SecondCount::served).max().orElse(0);
            long peakThrottled = perSecond.stream().mapToLong(SecondCount::throttled).max().orElse(0);
            return "Counters[requests=" + requests + ", detectFacesOk=" + detectFacesOk + ", errors=" + errors
                    + ", facesReturned=" + facesReturned + ", errorsByType=" + new TreeMap<>(errorsByType)
                    + ", throttled=" + throttled + ", timeouts=" + timeouts + ", peak served/s=" + peakServed
                    + ", peak throttled/s=" + peakThrottled + "]";
        }
    }

    /** DetectFaces requests arriving in one second (epoch second, UTC) answered with 200, and throttled. */
    public record SecondCount(long epochSecond, long served, long throttled) {}

    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final ExecutorService executor;
    private final ScheduledThreadPoolExecutor scheduler;
    private final BlazeFaceDetector detector;
    private final EmotionClassifier classifier;
    private final float faceCropMargin;
    private final URI endpoint;
    private final LongAdder requests = new LongAdder();
    private final LongAdder detectFacesOk = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder facesReturned = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final Map<String, LongAdder> errorsByType = new ConcurrentHashMap<>();
    private final AtomicLong analysisNanos = new AtomicLong();
    // realism
    private final long startNanos;
    private final TokenBucket quota;
    private final String throttleErrorCode;
    private final LatencyModel latency;
    private final double serverErrorRate;
    private final double timeoutRate;
    private final long timeoutHoldNanos;
    private final long burstEveryNanos;
    private final long burstLengthNanos;
    private final String burstErrorCode;
    private final Random faultRandom;
    private final Random latencyRandom;
    private final InjectedFaults injected = new InjectedFaults(FAULTS.keySet());
    private final Set<HttpExchange> held = ConcurrentHashMap.newKeySet();
    private final long[] secondEpoch = new long[SECONDS_KEPT];
    private final long[] secondServed = new long[SECONDS_KEPT];
    private final long[] secondThrottled = new long[SECONDS_KEPT];
    private volatile boolean closed;

    private RekognitionStandIn(HttpServer server, ExecutorService httpThreads, ExecutorService executor,
            ScheduledThreadPoolExecutor scheduler, BlazeFaceDetector detector, EmotionClassifier classifier,
            Options options, long seed) {
        this.server = server;
        this.httpThreads = httpThreads;
        this.executor = executor;
        this.scheduler = scheduler;
        this.detector = detector;
        this.classifier = classifier;
        this.faceCropMargin = options.faceCropMargin;
        this.endpoint = LocalAws.endpointOf(server.getAddress());
        this.startNanos = System.nanoTime();
        this.quota = options.quotaTps > 0 ? new TokenBucket(options.quotaTps, options.effectiveBurst(), startNanos) : null;
        this.throttleErrorCode = options.throttleErrorCode;
        this.latency = options.latency;
        this.serverErrorRate = options.serverErrorRate;
        this.timeoutRate = options.timeoutRate;
        this.timeoutHoldNanos = options.timeoutHold.toNanos();
        this.burstEveryNanos = options.burstEvery == null ? 0 : options.burstEvery.toNanos();
        this.burstLengthNanos = options.burstLength == null ? 0 : options.burstLength.toNanos();
        this.burstErrorCode = options.burstErrorCode != null ? options.burstErrorCode : options.throttleErrorCode;
        this.faultRandom = new Random(seed);
        this.latencyRandom = new Random(seed ^ 0x9E3779B97F4A7C15L);
        Arrays.fill(secondEpoch, Long.MIN_VALUE);
    }

    /** Loads the models and starts serving on a free port of 127.0.0.1. */
    public static RekognitionStandIn start() {
        return start(Options.defaults());
    }

    /** Loads the models and starts serving on the options' bind address (127.0.0.1 by default). */
    public static RekognitionStandIn start(Options options) {
        if (options.timeoutRate + options.serverErrorRate > 1 + 1e-9) {
            throw new IllegalArgumentException("timeoutRate + serverErrorRate > 1");
        }
        long t0 = System.nanoTime();
        BlazeFaceDetector detector = BlazeFaceDetector.loadDefault();
        EmotionClassifier classifier;
        try {
            classifier = EmotionClassifier.loadDefault();
        } catch (RuntimeException e) {
            detector.close();
            throw e;
        }
        HttpServer server;
        try {
            server = StandInHttp.bind(options.bindAddress, options.port, 64);
        } catch (RuntimeException e) {
            detector.close();
            classifier.close();
            throw e;
        }
        ThreadPoolExecutor executor = new ThreadPoolExecutor(options.workerThreads, options.workerThreads,
                0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), StandInHttp.daemonThreads("rekognition-stand-in"));
        // HTTP threads only read request bodies and decide admission: the arrival time is stamped
        // when the request arrives, not when a busy worker gets to it.
        ExecutorService httpThreads = Executors.newCachedThreadPool(StandInHttp.daemonThreads("rekognition-stand-in-http"));
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, StandInHttp.daemonThreads("rekognition-stand-in-timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long seed = options.seed != null ? options.seed : new Random().nextLong();
        RekognitionStandIn standIn = new RekognitionStandIn(server, httpThreads, executor, scheduler, detector,
                classifier, options, seed);
        server.createContext("/", standIn::handle);
        server.setExecutor(httpThreads);
        server.start();
        LOG.info("Rekognition stand-in ready at {} in {} ms ({} worker threads; {})", standIn.endpoint,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), options.workerThreads, options.describe(seed));
        return standIn;
    }

    /** {@code http://<bind address>:<port>}; {@code http://127.0.0.1:<port>} when bound to a wildcard address. */
    public URI endpoint() {
        return endpoint;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests received (any operation, any outcome). */
    public long requestCount() {
        return requests.sum();
    }

    /** Requests answered with an error, or held unanswered (injected timeouts). */
    public long errorCount() {
        return errors.sum();
    }

    /** A snapshot of all counters. */
    public Counters counters() {
        Map<String, Long> byType = new TreeMap<>();
        errorsByType.forEach((k, v) -> byType.put(k, v.sum()));
        List<SecondCount> seconds = new ArrayList<>();
        long now = System.currentTimeMillis() / 1000;
        synchronized (secondEpoch) {
            for (int i = 0; i < SECONDS_KEPT; i++) {
                if (secondEpoch[i] != Long.MIN_VALUE && now - secondEpoch[i] < SECONDS_KEPT) {
                    seconds.add(new SecondCount(secondEpoch[i], secondServed[i], secondThrottled[i]));
                }
            }
        }
        seconds.sort(Comparator.comparingLong(SecondCount::epochSecond));
        return new Counters(requests.sum(), detectFacesOk.sum(), errors.sum(), facesReturned.sum(), byType,
                throttled.sum(), timeouts.sum(), seconds);
    }

    /** Mean time spent decoding and analysing per successful DetectFaces, milliseconds (0 if none). */
    public double meanAnalysisMillis() {
        long ok = detectFacesOk.sum();
        return ok == 0 ? 0 : analysisNanos.get() / 1e6 / ok;
    }

    /**
     * Answers the next {@code count} DetectFaces requests with {@code errorCode} (at once, before the
     * quota and the other faults are considered, and without taking a quota permit), or holds them
     * unanswered for {@value #TIMEOUT}. Accepted codes: {@value #PROVISIONED_THROUGHPUT_EXCEEDED}
     * (400), {@value #THROTTLING} (500), {@value #INTERNAL_SERVER_ERROR} (500), DetectFaces' other
     * modeled errors (AccessDeniedException, InvalidParameterException, InvalidImageFormatException,
     * ImageTooLargeException, InvalidS3ObjectException: 400) and {@value #TIMEOUT}. Adds to errors
     * already queued.
     */
    public void injectNext(String errorCode, int count) {
        injected.add(errorCode, count);
    }

    /** Injected errors not yet used. */
    public int pendingInjected() {
        return injected.pending();
    }

    /** Drops the injected errors not yet used. */
    public void clearInjected() {
        injected.clear();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        httpThreads.shutdown();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        for (HttpExchange exchange : held) {
            exchange.close();
        }
        held.clear();
        detector.close();
        classifier.close();
    }

    // ---------------------------------------------------------------------------------------------
    // HTTP

    private void handle(HttpExchange exchange) {
        long arrivalNanos = System.nanoTime();
        long arrivalSecond = System.currentTimeMillis() / 1000;
        requests.increment();
        try {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"POST".equals(exchange.getRequestMethod()) || target == null) {
                drain(exchange.getRequestBody());
                respond(exchange, new Response(400, "UnknownOperationException",
                        errorBody("com.amazon.coral.service#UnknownOperationException", null)), arrivalSecond);
                return;
            }
            if (!DETECT_FACES_TARGET.equals(target)) {
                drain(exchange.getRequestBody());
                respond(exchange, new Response(400, "UnknownOperationException",
                        errorBody("com.amazon.coral.service#UnknownOperationException",
                                "Operation " + target + " is not supported by the local Rekognition stand-in")), arrivalSecond);
                return;
            }
            String fault = admit(arrivalNanos);
            if (fault != null) {
                drain(exchange.getRequestBody());
                if (TIMEOUT.equals(fault)) {
                    hold(exchange);
                } else {
                    Fault f = FAULTS.get(fault);
                    respond(exchange, new Response(f.status, fault, errorBody(fault, f.message)), arrivalSecond);
                }
                return;
            }
            byte[] body;
            try {
                body = readBody(exchange.getRequestBody());
            } catch (RekognitionError e) {
                respond(exchange, error(e.type, e.getMessage()), arrivalSecond);
                return;
            }
            long dueNanos = arrivalNanos + TimeUnit.MILLISECONDS.toNanos(Math.max(0, latency.sampleMillis(latencyRandom)));
            executor.execute(() -> complete(exchange, analyse(body), dueNanos, arrivalSecond));
        } catch (IOException | RejectedExecutionException e) {
            LOG.debug("request abandoned: {}", e.toString());
            exchange.close();
        } catch (RuntimeException e) {
            LOG.warn("DetectFaces failed", e);
            respond(exchange, new Response(500, INTERNAL_SERVER_ERROR, errorBody(INTERNAL_SERVER_ERROR, String.valueOf(e))),
                    arrivalSecond);
        }
    }

    /**
     * The error type refusing a DetectFaces request arriving at {@code arrivalNanos}, or null to
     * admit it: an injected error, a throttle burst, the quota, the random faults, in this order.
     */
    private String admit(long arrivalNanos) {
        String next = injected.poll();
        if (next != null) {
            return next;
        }
        if (burstEveryNanos > 0) {
            long sinceStart = arrivalNanos - startNanos;
            if (sinceStart >= burstEveryNanos && sinceStart % burstEveryNanos < burstLengthNanos) {
                return burstErrorCode;
            }
        }
        if (quota != null && !quota.tryAcquire(arrivalNanos)) {
            return throttleErrorCode;
        }
        if (timeoutRate > 0 || serverErrorRate > 0) {
            double u = faultRandom.nextDouble();
            if (u < timeoutRate) {
                return TIMEOUT;
            }
            if (u < timeoutRate + serverErrorRate) {
                return INTERNAL_SERVER_ERROR;
            }
        }
        return null;
    }

    /** Parses and analyses a DetectFaces request body into its response (never throws). */
    private Response analyse(byte[] body) {
        try {
            JsonNode request;
            try {
                request = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return new Response(400, "SerializationException", errorBody("SerializationException", "Malformed JSON"));
            }
            if (request == null || !request.isObject()) {
                return new Response(400, "SerializationException", errorBody("SerializationException", "Expected a JSON object"));
            }
            return new Response(200, null, JSON.writeValueAsBytes(detectFaces(request)));
        } catch (RekognitionError e) {
            return error(e.type, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("DetectFaces failed", e);
            return new Response(500, INTERNAL_SERVER_ERROR, errorBody(INTERNAL_SERVER_ERROR, String.valueOf(e)));
        }
    }

    /** Counts {@code response} and sends it now, or from the scheduler at {@code dueNanos}. */
    private void complete(HttpExchange exchange, Response response, long dueNanos, long arrivalSecond) {
        long delay = dueNanos - System.nanoTime();
        if (delay <= 0) {
            respond(exchange, response, arrivalSecond);
            return;
        }
        count(response, arrivalSecond);
        try {
            scheduler.schedule(() -> send(exchange, response), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            exchange.close();
        }
    }

    /** Counts {@code response} and sends it from the calling thread. */
    private void respond(HttpExchange exchange, Response response, long arrivalSecond) {
        count(response, arrivalSecond);
        send(exchange, response);
    }

    private void count(Response response, long arrivalSecond) {
        boolean isThrottle = PROVISIONED_THROUGHPUT_EXCEEDED.equals(response.errorType) || THROTTLING.equals(response.errorType);
        if (response.errorType != null) {
            errors.increment();
            errorsByType.computeIfAbsent(response.errorType, k -> new LongAdder()).increment();
        }
        if (isThrottle) {
            throttled.increment();
        }
        if (response.status == 200 || isThrottle) {
            synchronized (secondEpoch) {
                int i = (int) Math.floorMod(arrivalSecond, (long) SECONDS_KEPT);
                if (secondEpoch[i] != arrivalSecond) {
                    secondEpoch[i] = arrivalSecond;
                    secondServed[i] = 0;
                    secondThrottled[i] = 0;
                }
                if (isThrottle) {
                    secondThrottled[i]++;
                } else {
                    secondServed[i]++;
                }
            }
        }
    }

    private static void send(HttpExchange exchange, Response response) {
        StandInHttp.respond(exchange, response.status, JSON_11, response.errorType, response.body);
    }

    /** Holds {@code exchange} unanswered, then closes its connection; no thread waits meanwhile. */
    private void hold(HttpExchange exchange) {
        errors.increment();
        errorsByType.computeIfAbsent(TIMEOUT, k -> new LongAdder()).increment();
        timeouts.increment();
        held.add(exchange);
        try {
            scheduler.schedule(() -> {
                if (held.remove(exchange)) {
                    exchange.close();
                }
            }, timeoutHoldNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            held.remove(exchange);
            exchange.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // DetectFaces

    /**
     * DetectFaces on a parsed request. Errors, as the real service answers them:
     * <ul>
     *   <li>no {@code Image}, or neither {@code Image.Bytes} nor {@code Image.S3Object}:
     *       InvalidParameterException;
     *   <li>{@code Image.S3Object}: InvalidS3ObjectException (no S3 here);
     *   <li>more than 5 MB of image bytes: ImageTooLargeException;
     *   <li>bytes that are not a decodable JPEG or PNG: InvalidImageFormatException
     *       ("Request has invalid image format");
     *   <li>width or height under 80 px: InvalidParameterException ("Request has invalid parameters").
     *       The 80 px minimum is documented in the Rekognition Developer Guide, "Guidelines and quotas
     *       in Amazon Rekognition" (docs.aws.amazon.com/rekognition/latest/dg/limits.html: "The minimum
     *       image dimensions is 80 pixels for both height and width"); the service answers such images
     *       with InvalidParameterException "Request has Invalid Parameters", as reported in
     *       boto/botocore issue #1366 for a too-small image;
     *   <li>an unknown {@code Attributes} value: InvalidParameterException.
     * </ul>
     */
    ObjectNode detectFaces(JsonNode request) {
        boolean emotions = wantsEmotions(request.get("Attributes"));
        JsonNode image = request.get("Image");
        if (image == null || !image.isObject()) {
            throw new RekognitionError("InvalidParameterException", "Request has invalid parameters: Image is required");
        }
        JsonNode bytesNode = image.get("Bytes");
        if (bytesNode == null || bytesNode.isNull()) {
            if (image.hasNonNull("S3Object")) {
                throw new RekognitionError("InvalidS3ObjectException",
                        "Unable to get object metadata from S3: the local Rekognition stand-in takes Image.Bytes only");
            }
            throw new RekognitionError("InvalidParameterException", "Request has invalid parameters: Image.Bytes or Image.S3Object is required");
        }
        if (!bytesNode.isTextual()) {
            throw new RekognitionError("SerializationException", "Image.Bytes must be a base64 string");
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(bytesNode.asText());
        } catch (IllegalArgumentException e) {
            throw new RekognitionError("SerializationException", "Image.Bytes is not valid base64");
        }
        if (bytes.length > MAX_IMAGE_BYTES) {
            throw new RekognitionError("ImageTooLargeException",
                    "Image size is too large: " + bytes.length + " bytes, the limit is " + MAX_IMAGE_BYTES);
        }
        if (!isJpeg(bytes) && !isPng(bytes)) {
            throw new RekognitionError("InvalidImageFormatException", "Request has invalid image format");
        }
        long t0 = System.nanoTime();
        BufferedImage img;
        try {
            img = Images.decode(bytes);
        } catch (ImageDecodeException e) {
            throw new RekognitionError("InvalidImageFormatException", "Request has invalid image format");
        }
        if (img.getWidth() < MIN_IMAGE_DIMENSION || img.getHeight() < MIN_IMAGE_DIMENSION) {
            throw new RekognitionError("InvalidParameterException", "Request has invalid parameters");
        }

        List<FaceBox> faces = findFaces(img);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode details = response.putArray("FaceDetails");
        for (FaceBox face : faces) {
            ObjectNode detail = details.addObject();
            float left = clamp01(face.x() / img.getWidth());
            float top = clamp01(face.y() / img.getHeight());
            float right = clamp01((face.x() + face.width()) / img.getWidth());
            float bottom = clamp01((face.y() + face.height()) / img.getHeight());
            ObjectNode box = detail.putObject("BoundingBox");
            box.put("Width", right - left);
            box.put("Height", bottom - top);
            box.put("Left", left);
            box.put("Top", top);
            if (emotions) {
                float[] probs = classifier.classify(Images.crop(img, face, faceCropMargin));
                List<FerExpression> order = new ArrayList<>(EnumSet.allOf(FerExpression.class));
                order.sort(Comparator.comparingDouble((FerExpression e) -> probs[e.ordinal()]).reversed());
                ArrayNode list = detail.putArray("Emotions");
                for (FerExpression e : order) {
                    ObjectNode em = list.addObject();
                    em.put("Type", e.rekognitionType());
                    em.put("Confidence", clamp(probs[e.ordinal()] * 100f, 0f, 100f));
                }
            }
            detail.put("Confidence", clamp(face.score() * 100f, 0f, 100f));
        }
        analysisNanos.addAndGet(System.nanoTime() - t0);
        detectFacesOk.increment();
        facesReturned.add(faces.size());
        return response;
    }

    /**
     * Faces in {@code img}, boxes in its pixels. BlazeFace's full-range model is made for faces at a
     * distance and can miss a face that fills the image (like the face crops the job sends: one
     * face with ~25 % margin). When the first pass finds nothing, the image, scaled to
     * {@value #PADDED_INNER_SIDE} px on its longer side, is placed in the middle of a grey
     * {@value #PADDED_CANVAS_SIDE} px canvas (so a close-up face becomes a mid-sized one) and
     * searched again, keeping detections scoring at least {@value #PADDED_MIN_SCORE} (a little
     * stricter than the detector's default, as this pass runs only on images where the first found
     * nothing); boxes are mapped back to {@code img}'s pixels. Measured on the repository's test
     * images: crops of the face box itself (no margin) or of its inner 60-90 %, which the first pass
     * misses, are found at scores 0.70-0.88; the face-free images and crops of them gain none (the
     * closest, a crop of the Hubble deep field, scored 0.69).
     */
    List<FaceBox> findFaces(BufferedImage img) {
        List<FaceBox> faces = detector.detect(img);
        if (!faces.isEmpty()) {
            return faces;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        float scale = (float) PADDED_INNER_SIDE / Math.max(w, h);
        int sw = Math.max(1, Math.round(w * scale));
        int sh = Math.max(1, Math.round(h * scale));
        int offX = (PADDED_CANVAS_SIDE - sw) / 2;
        int offY = (PADDED_CANVAS_SIDE - sh) / 2;
        BufferedImage canvas = new BufferedImage(PADDED_CANVAS_SIDE, PADDED_CANVAS_SIDE, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(new Color(128, 128, 128));
            g.fillRect(0, 0, PADDED_CANVAS_SIDE, PADDED_CANVAS_SIDE);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, offX, offY, sw, sh, null);
        } finally {
            g.dispose();
        }
        List<FaceBox> out = new ArrayList<>();
        for (FaceBox f : detector.detect(canvas)) {
            if (f.score() < PADDED_MIN_SCORE) {
                continue;
            }
            float x0 = Math.max(0, (f.x() - offX) / scale);
            float y0 = Math.max(0, (f.y() - offY) / scale);
            float x1 = Math.min(w, (f.x() + f.width() - offX) / scale);
            float y1 = Math.min(h, (f.y() + f.height() - offY) / scale);
            if (x1 - x0 >= 1 && y1 - y0 >= 1) {
                out.add(new FaceBox(x0, y0, x1 - x0, y1 - y0, f.score()));
            }
        }
        return out;
    }

    private static boolean wantsEmotions(JsonNode attributes) {
        if (attributes == null || attributes.isNull()) {
            return false;
        }
        if (!attributes.isArray()) {
            throw new RekognitionError("SerializationException", "Attributes must be a list");
        }
        boolean emotions = false;
        for (JsonNode a : attributes) {
            String name = a.asText("");
            if (!ATTRIBUTES.contains(name)) {
                throw new RekognitionError("InvalidParameterException",
                        "Request has invalid parameters: unknown attribute " + name);
            }
            emotions |= name.equals("ALL") || name.equals("EMOTIONS");
        }
        return emotions;
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    private static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF;
    }

    private static boolean isPng(byte[] b) {
        return b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A;
    }

    private static float clamp01(float v) {
        return clamp(v, 0f, 1f);
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        byte[] buf = new byte[64 * 1024];
        int n;
        long total = 0;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > MAX_BODY_BYTES) {
                drain(in);
                throw new RekognitionError("ImageTooLargeException", "Request body exceeds " + MAX_BODY_BYTES + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (in.read(buf) > 0) {
            // discard
        }
    }

    private static Response error(String type, String message) {
        return new Response(400, type, errorBody(type, message));
    }

    private static byte[] errorBody(String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        String code = type.substring(type.indexOf('#') + 1);
        body.put("Code", code);
        body.put("Logref", UUID.randomUUID().toString());
        if (message != null) {
            body.put("Message", message);
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return ("{\"__type\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

    private record Response(int status, String errorType, byte[] body) {}

    /** HTTP status and message of an injectable error type (status 0: held, no response). */
    private record Fault(int status, String message) {}

    /** A Rekognition error type (e.g. InvalidParameterException) with its message. */
    static final class RekognitionError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String type;

        RekognitionError(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RekognitionStandIn[%s]", endpoint);
    }
}
