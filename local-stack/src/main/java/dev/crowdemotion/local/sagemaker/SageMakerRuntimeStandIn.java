package dev.crowdemotion.local.sagemaker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.aws.InjectedFaults;
import dev.crowdemotion.local.aws.StandInHttp;
import dev.crowdemotion.local.rekognition.LatencyModel;
import dev.crowdemotion.local.rekognition.TokenBucket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Amazon SageMaker Runtime's {@code InvokeEndpoint}, speaking its REST
 * protocol (rest-json) as the SDK v2's {@code SageMakerRuntimeClient}/{@code SageMakerRuntimeAsyncClient}
 * send it with {@code endpointOverride(standIn.endpoint())}: {@code POST /endpoints/{EndpointName}/invocations},
 * body = the payload, headers {@code Content-Type}, {@code Accept} and
 * {@code X-Amzn-SageMaker-Custom-Attributes} (API reference: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html).
 *
 * <p>Each endpoint name is mapped ({@link #registerEndpoint}) to the base URI of a running model
 * container, e.g. an in-process {@code dev.crowdemotion.modelserver.ModelServer}'s {@code uri()}
 * or a {@code docker run -p 8080:8080} container's {@code http://127.0.0.1:8080}. An invocation is
 * forwarded to {@code POST {base}/invocations} with the same content type, accept and custom
 * attributes; the container's 2xx body and content type are relayed with HTTP 200 and the header
 * {@code x-Amzn-Invoked-Production-Variant: }{@value #PRODUCTION_VARIANT} (and the container's
 * custom-attributes response header, if any).
 *
 * <p><b>Errors</b> (see {@link SageMakerError} for the wire format; codes and statuses as the
 * SDK's model declares them):
 * <ul>
 *   <li>unknown endpoint: {@value #VALIDATION_ERROR} (400) "Endpoint X of account 000000000000 not found.";
 *       an endpoint name not matching SageMaker's pattern: {@value #VALIDATION_ERROR} (400);</li>
 *   <li>container answered 4xx/5xx or not within {@link Options#modelTimeout} (60 s, SageMaker's
 *       limit): {@value #MODEL_ERROR} (424) with {@code OriginalStatusCode}/{@code OriginalMessage};
 *       container unreachable: {@value #SERVICE_UNAVAILABLE} (503);</li>
 *   <li>quota exceeded: {@link Options#throttleErrorCode}, by default {@value #THROTTLING} (400,
 *       "Rate exceeded"), AWS's common throttling error, which InvokeEndpoint answers when an
 *       endpoint's capacity (e.g. a serverless endpoint's maximum concurrency) is exceeded; it is
 *       not in the SDK's InvokeEndpoint model, so the SDK raises a plain
 *       {@code SageMakerRuntimeException} with that error code, which it classifies as throttling
 *       ({@code isThrottlingException()}, retried with throttling back-off by the default
 *       strategy). Alternatively {@value #MODEL_NOT_READY} (429), the modelled
 *       {@code ModelNotReadyException} (which SageMaker answers while a multi-model or serverless
 *       endpoint is still loading the model), a throttling error to the SDK by its 429 status;</li>
 *   <li>{@link Options#serverErrorRate}: {@value #INTERNAL_FAILURE} (500);</li>
 *   <li>no {@code Authorization} header: {@value #MISSING_AUTHENTICATION_TOKEN} (403, "Missing
 *       Authentication Token"); one not of the form {@code AWS4-HMAC-SHA256 Credential=...,
 *       SignedHeaders=..., Signature=...}: {@value #INCOMPLETE_SIGNATURE} (403). Signatures are
 *       not verified.</li>
 *   <li>another path or method: {@code UnknownOperationException} (404).</li>
 * </ul>
 *
 * <p><b>Service realism</b> (all opt-in, as in the Rekognition stand-in): a TPS quota
 * ({@link Options#quotaTps}, token bucket), added latency ({@link Options#latency}; default none),
 * seeded 5xx ({@link Options#serverErrorRate}) and {@link #injectNext}. An invocation is admitted
 * on arrival, in this order: an injected error (takes no quota permit), the quota, the random 5xx
 * draw; refused requests are answered at once, without reaching the container. An admitted one is
 * forwarded at once and answered no earlier than {@code arrival + sampled latency} (from a
 * scheduler thread; no thread sleeps).
 *
 * <p>Listens on 127.0.0.1 only (unless {@link Options#bindAddress} says otherwise); request handling runs on a cached pool of daemon threads (one per
 * request in flight, blocked while the container works). Payloads are not limited to SageMaker's
 * 6 MB.
 */
public final class SageMakerRuntimeStandIn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SageMakerRuntimeStandIn.class);

    /** Bad request, or unknown endpoint (400). */
    public static final String VALIDATION_ERROR = "ValidationError";
    /** The model container answered 4xx/5xx or timed out (424). */
    public static final String MODEL_ERROR = "ModelError";
    /** SageMaker's internal failure (500). */
    public static final String INTERNAL_FAILURE = "InternalFailure";
    /** The service is unavailable (503). */
    public static final String SERVICE_UNAVAILABLE = "ServiceUnavailable";
    /** A dependency of the service failed (530). */
    public static final String INTERNAL_DEPENDENCY = "InternalDependencyException";
    /** The model is still loading (429); a throttling error to the SDK. */
    public static final String MODEL_NOT_READY = "ModelNotReadyException";
    /** AWS's common throttling error, "Rate exceeded" (400). */
    public static final String THROTTLING = "ThrottlingException";
    /** No Authorization header (403). */
    public static final String MISSING_AUTHENTICATION_TOKEN = "MissingAuthenticationTokenException";
    /** A malformed Authorization header (403). */
    public static final String INCOMPLETE_SIGNATURE = "IncompleteSignatureException";
    /** Value of {@code x-Amzn-Invoked-Production-Variant} (the variant name of a one-variant endpoint). */
    public static final String PRODUCTION_VARIANT = "AllTraffic";

    /** Response header naming the production variant that served the request. */
    static final String INVOKED_VARIANT_HEADER = "x-Amzn-Invoked-Production-Variant";
    /** SageMaker's endpoint name constraint (CreateEndpoint's EndpointName: 1-63 characters). */
    private static final Pattern ENDPOINT_NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");
    private static final Pattern INVOCATIONS_PATH = Pattern.compile("^/endpoints/([^/]+)/invocations$");
    private static final Pattern SIGV4 = Pattern.compile(
            "^AWS4-HMAC-SHA256 Credential=[^,\\s]+,\\s*SignedHeaders=[^,\\s]+,\\s*Signature=[0-9a-f]+$");
    private static final String JSON = "application/json";

    /** Injectable errors: status and message of each. */
    private static final Map<String, SageMakerError> FAULTS;

    static {
        Map<String, SageMakerError> f = new LinkedHashMap<>();
        f.put(THROTTLING, SageMakerError.of(THROTTLING, 400, "Rate exceeded"));
        f.put(MODEL_NOT_READY, SageMakerError.of(MODEL_NOT_READY, 429, "Model is not ready; retry the request"));
        f.put(INTERNAL_FAILURE, SageMakerError.of(INTERNAL_FAILURE, 500, "An internal failure occurred."));
        f.put(SERVICE_UNAVAILABLE, SageMakerError.of(SERVICE_UNAVAILABLE, 503, "Service Unavailable"));
        f.put(INTERNAL_DEPENDENCY, SageMakerError.of(INTERNAL_DEPENDENCY, 530, "An internal dependency failed."));
        FAULTS = Map.copyOf(f);
    }

    /**
     * Start options; setters validate and return {@code this}. {@link #defaults()}: free port, no
     * quota, no added latency, no faults, 60 s container timeout, signed requests required.
     */
    public static final class Options {
        private int port;
        private String bindAddress = LocalAws.LOOPBACK_HOST;
        private double quotaTps;
        private double quotaBurst = Double.NaN;
        private String throttleErrorCode = THROTTLING;
        private LatencyModel latency = LatencyModel.none();
        private Long seed;
        private double serverErrorRate;
        private Duration modelTimeout = Duration.ofSeconds(60);
        private boolean requireSignature = true;
        private final Map<String, URI> endpoints = new LinkedHashMap<>();

        /** No quota, no added latency, no faults. */
        public static Options defaults() {
            return new Options();
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

        /** An endpoint served from the start: {@code name} forwarded to the model container at {@code modelBaseUri}. */
        public Options endpoint(String name, URI modelBaseUri) {
            endpoints.put(requireEndpointName(name), Objects.requireNonNull(modelBaseUri, "modelBaseUri"));
            return this;
        }

        /**
         * InvokeEndpoint calls per second allowed (token bucket on arrival time, all endpoints
         * together); calls beyond it are answered at once with {@link #throttleErrorCode}.
         * 0 (default): unlimited.
         */
        public Options quotaTps(double tps) {
            if (!(tps >= 0) || Double.isInfinite(tps)) {
                throw new IllegalArgumentException("tps " + tps);
            }
            this.quotaTps = tps;
            return this;
        }

        /** Permits the quota's bucket holds and starts with (calls that may arrive at once); default {@code max(1, tps)}, at least 1. */
        public Options quotaBurst(double permits) {
            if (!(permits >= 1) || Double.isInfinite(permits)) {
                throw new IllegalArgumentException("permits " + permits);
            }
            this.quotaBurst = permits;
            return this;
        }

        /** The error answering calls beyond the quota: {@value SageMakerRuntimeStandIn#THROTTLING} (default, 400) or {@value SageMakerRuntimeStandIn#MODEL_NOT_READY} (429). */
        public Options throttleErrorCode(String code) {
            if (!THROTTLING.equals(code) && !MODEL_NOT_READY.equals(code)) {
                throw new IllegalArgumentException("throttle error code " + code + ": expected " + THROTTLING + " or "
                        + MODEL_NOT_READY);
            }
            this.throttleErrorCode = code;
            return this;
        }

        /** Added service latency (default {@link LatencyModel#none()}), on top of the container's own time. */
        public Options latency(LatencyModel model) {
            this.latency = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Added latency uniform on {@code [minMillis, maxMillis]}; {@code (0, 0)} adds none. */
        public Options latencyMs(long minMillis, long maxMillis) {
            return latency(LatencyModel.uniform(minMillis, maxMillis));
        }

        /** Seed of the latency samples and fault draws (default: random, logged at start). */
        public Options seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Fraction [0, 1] of admitted calls answered at once with {@value SageMakerRuntimeStandIn#INTERNAL_FAILURE} (500); default 0. */
        public Options serverErrorRate(double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("rate " + rate);
            }
            this.serverErrorRate = rate;
            return this;
        }

        /** How long a container may take before the call fails with ModelError (default 60 s, SageMaker's limit). */
        public Options modelTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout " + timeout);
            }
            this.modelTimeout = timeout;
            return this;
        }

        /** Whether requests must carry a SigV4 {@code Authorization} header (default true, as AWS). */
        public Options requireSignature(boolean require) {
            this.requireSignature = require;
            return this;
        }

        double effectiveBurst() {
            return Double.isNaN(quotaBurst) ? Math.max(1, quotaTps) : quotaBurst;
        }

        String describe(long effectiveSeed) {
            return String.format(Locale.ROOT, "latency %s, quota %s, serverErrorRate %.3f, model timeout %s, seed %d",
                    latency, quotaTps > 0 ? String.format(Locale.ROOT, "%.2f TPS burst %.1f (%s)", quotaTps,
                            effectiveBurst(), throttleErrorCode) : "unlimited",
                    serverErrorRate, modelTimeout, effectiveSeed);
        }
    }

    /**
     * A snapshot of the counters.
     *
     * @param requests requests received (any path, any outcome)
     * @param forwarded invocations sent to a model container
     * @param succeeded invocations answered 200 (container's 2xx relayed)
     * @param throttled invocations refused with a throttle error (quota or injected)
     * @param errors requests answered with an error (any code)
     * @param errorsByType {@code errors} by error code
     */
    public record Counters(long requests, long forwarded, long succeeded, long throttled, long errors,
            Map<String, Long> errorsByType) {
        public Counters {
            errorsByType = Map.copyOf(errorsByType);
        }
    }

    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ModelForwarder forwarder;
    private final URI endpoint;
    private final Map<String, URI> endpoints = new ConcurrentHashMap<>();
    private final TokenBucket quota;
    private final String throttleErrorCode;
    private final LatencyModel latency;
    private final double serverErrorRate;
    private final boolean requireSignature;
    private final Random faultRandom;
    private final Random latencyRandom;
    private final InjectedFaults injected = new InjectedFaults(FAULTS.keySet());
    private final LongAdder requests = new LongAdder();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> errorsByType = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private SageMakerRuntimeStandIn(HttpServer server, ExecutorService httpThreads, ScheduledThreadPoolExecutor scheduler,
            Options options, long seed) {
        this.server = server;
        this.httpThreads = httpThreads;
        this.scheduler = scheduler;
        this.forwarder = new ModelForwarder(options.modelTimeout);
        this.endpoint = LocalAws.endpointOf(server.getAddress());
        this.endpoints.putAll(options.endpoints);
        this.quota = options.quotaTps > 0 ? new TokenBucket(options.quotaTps, options.effectiveBurst(), System.nanoTime()) : null;
        this.throttleErrorCode = options.throttleErrorCode;
        this.latency = options.latency;
        this.serverErrorRate = options.serverErrorRate;
        this.requireSignature = options.requireSignature;
        this.faultRandom = new Random(seed);
        this.latencyRandom = new Random(seed ^ 0x9E3779B97F4A7C15L);
    }

    /** Starts on a free port of 127.0.0.1 with {@link Options#defaults()} (no endpoints yet). */
    public static SageMakerRuntimeStandIn start() {
        return start(Options.defaults());
    }

    /**
     * Starts serving on the options' bind address (127.0.0.1 by default).
     *
     * @throws IllegalStateException if the port cannot be bound
     */
    public static SageMakerRuntimeStandIn start(Options options) {
        Objects.requireNonNull(options, "options");
        HttpServer server = StandInHttp.bind(options.bindAddress, options.port, 128);
        ExecutorService httpThreads = Executors.newCachedThreadPool(StandInHttp.daemonThreads("sagemaker-stand-in-http"));
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, StandInHttp.daemonThreads("sagemaker-stand-in-timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long seed = options.seed != null ? options.seed : new Random().nextLong();
        SageMakerRuntimeStandIn standIn = new SageMakerRuntimeStandIn(server, httpThreads, scheduler, options, seed);
        server.createContext("/", standIn::handle);
        server.setExecutor(httpThreads);
        server.start();
        LOG.info("SageMaker Runtime stand-in ready at {} (endpoints {}; {})", standIn.endpoint, standIn.endpoints,
                options.describe(seed));
        return standIn;
    }

    /**
     * {@code http://<bind address>:<port>} ({@code 127.0.0.1} when bound to a wildcard address): the
     * SDK client's {@code endpointOverride}.
     */
    public URI endpoint() {
        return endpoint;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Serves SageMaker endpoint {@code name} from the model container at {@code modelBaseUri}
     * (invocations go to {@code modelBaseUri + "/invocations"}); replaces an earlier registration.
     *
     * @throws IllegalArgumentException if {@code name} does not match SageMaker's endpoint name pattern
     */
    public void registerEndpoint(String name, URI modelBaseUri) {
        endpoints.put(requireEndpointName(name), Objects.requireNonNull(modelBaseUri, "modelBaseUri"));
    }

    /** Stops serving endpoint {@code name} (later calls get ValidationError "not found"); true if it was registered. */
    public boolean removeEndpoint(String name) {
        return endpoints.remove(name) != null;
    }

    /** The registered endpoints: name to model container base URI. */
    public Map<String, URI> endpoints() {
        return Map.copyOf(endpoints);
    }

    /**
     * Answers the next {@code count} InvokeEndpoint calls with {@code errorCode} at once, before the
     * quota (taking no permit) and without reaching the container. Accepted:
     * {@value #THROTTLING} (400), {@value #MODEL_NOT_READY} (429), {@value #INTERNAL_FAILURE} (500),
     * {@value #SERVICE_UNAVAILABLE} (503), {@value #INTERNAL_DEPENDENCY} (530). Adds to errors already queued.
     *
     * @throws IllegalArgumentException on another code or a negative count
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

    /** A snapshot of the counters. */
    public Counters counters() {
        Map<String, Long> byType = new TreeMap<>();
        errorsByType.forEach((k, v) -> byType.put(k, v.sum()));
        return new Counters(requests.sum(), forwarded.sum(), succeeded.sum(), throttled.sum(), errors.sum(), byType);
    }

    /** Stops listening and drops pending delayed responses. The registered containers are not touched. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        scheduler.shutdownNow();
        httpThreads.shutdown();
    }

    @Override
    public String toString() {
        return "SageMakerRuntimeStandIn[" + endpoint + ", endpoints " + endpoints.keySet() + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        long arrivalNanos = System.nanoTime();
        requests.increment();
        try {
            byte[] body = readBody(exchange.getRequestBody());
            SageMakerError authError = checkAuthorization(exchange.getRequestHeaders().getFirst("Authorization"));
            if (authError != null) {
                sendError(exchange, authError);
                return;
            }
            Matcher m = INVOCATIONS_PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!"POST".equals(exchange.getRequestMethod()) || !m.matches()) {
                sendError(exchange, SageMakerError.of("UnknownOperationException", 404,
                        "No operation at " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                                + "; the local SageMaker Runtime stand-in serves POST /endpoints/{EndpointName}/invocations"));
                return;
            }
            String name = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
            String fault = admit(arrivalNanos);
            if (fault != null) {
                sendError(exchange, FAULTS.get(fault));
                return;
            }
            if (!ENDPOINT_NAME.matcher(name).matches()) {
                sendError(exchange, SageMakerError.of(VALIDATION_ERROR, 400, "1 validation error detected: Value '" + name
                        + "' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                        + "^[a-zA-Z0-9](-*[a-zA-Z0-9])*"));
                return;
            }
            URI base = endpoints.get(name);
            if (base == null) {
                sendError(exchange, SageMakerError.of(VALIDATION_ERROR, 400,
                        "Endpoint " + name + " of account " + LocalAws.ACCOUNT_ID + " not found."));
                return;
            }
            var h = exchange.getRequestHeaders();
            forwarded.increment();
            ModelForwarder.Outcome outcome = forwarder.forward(name, base, body, h.getFirst("Content-Type"),
                    h.getFirst("Accept"), h.getFirst(ModelForwarder.CUSTOM_ATTRIBUTES));
            long dueNanos = arrivalNanos + TimeUnit.MILLISECONDS.toNanos(Math.max(0, latency.sampleMillis(latencyRandom)));
            complete(exchange, outcome, dueNanos);
        } catch (IOException e) {
            LOG.debug("request abandoned: {}", e.toString());
            exchange.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (RuntimeException e) {
            LOG.warn("InvokeEndpoint failed", e);
            sendError(exchange, SageMakerError.of(INTERNAL_FAILURE, 500, String.valueOf(e)));
        }
    }

    /** Null if the Authorization header is acceptable (or not required), else the error. */
    private SageMakerError checkAuthorization(String authorization) {
        if (!requireSignature) {
            return null;
        }
        if (authorization == null || authorization.isBlank()) {
            return SageMakerError.of(MISSING_AUTHENTICATION_TOKEN, 403, "Missing Authentication Token");
        }
        if (!SIGV4.matcher(authorization.strip()).matches()) {
            return SageMakerError.of(INCOMPLETE_SIGNATURE, 403, "Authorization header requires 'Credential', "
                    + "'SignedHeaders' and 'Signature' parameters of an AWS4-HMAC-SHA256 signature. Authorization="
                    + authorization.split("\\s", 2)[0]);
        }
        return null;
    }

    /** The error code refusing a call arriving at {@code arrivalNanos}, or null to admit it. */
    private String admit(long arrivalNanos) {
        String next = injected.poll();
        if (next != null) {
            return next;
        }
        if (quota != null && !quota.tryAcquire(arrivalNanos)) {
            return throttleErrorCode;
        }
        if (serverErrorRate > 0) {
            synchronized (faultRandom) {
                if (faultRandom.nextDouble() < serverErrorRate) {
                    return INTERNAL_FAILURE;
                }
            }
        }
        return null;
    }

    /** Sends {@code outcome} now, or from the scheduler at {@code dueNanos}. */
    private void complete(HttpExchange exchange, ModelForwarder.Outcome outcome, long dueNanos) {
        Runnable send = () -> {
            if (outcome.error() != null) {
                sendError(exchange, outcome.error());
            } else {
                sendSuccess(exchange, outcome);
            }
        };
        long delay = dueNanos - System.nanoTime();
        if (delay <= 0) {
            send.run();
            return;
        }
        try {
            scheduler.schedule(send, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            exchange.close();
        }
    }

    private void sendSuccess(HttpExchange exchange, ModelForwarder.Outcome outcome) {
        succeeded.increment();
        var headers = exchange.getResponseHeaders();
        headers.set(INVOKED_VARIANT_HEADER, PRODUCTION_VARIANT);
        if (outcome.customAttributes() != null) {
            headers.set(ModelForwarder.CUSTOM_ATTRIBUTES, outcome.customAttributes());
        }
        send(exchange, 200, outcome.contentType(), outcome.body());
    }

    private void sendError(HttpExchange exchange, SageMakerError error) {
        errors.increment();
        errorsByType.computeIfAbsent(error.code(), k -> new LongAdder()).increment();
        if (THROTTLING.equals(error.code()) || MODEL_NOT_READY.equals(error.code())) {
            throttled.increment();
        }
        StandInHttp.respond(exchange, error.status(), JSON, error.code(), error.body());
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) {
        StandInHttp.respond(exchange, status, contentType, null, body);
    }

    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        in.transferTo(out);
        return out.toByteArray();
    }

    private static String requireEndpointName(String name) {
        if (name == null || !ENDPOINT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("endpoint name must match ^[a-zA-Z0-9](-*[a-zA-Z0-9])* (1-63 chars), got " + name);
        }
        return name;
    }
}
