package dev.crowdemotion.local.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.aws.InjectedFaults;
import dev.crowdemotion.local.aws.StandInHttp;
import dev.crowdemotion.local.rekognition.TokenBucket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A local stand-in for Amazon CloudWatch's metric and dashboard APIs, speaking the wire protocol
 * the SDK v2 (2.31.78) {@code CloudWatchClient}/{@code CloudWatchAsyncClient} sends with
 * {@code endpointOverride(standIn.endpoint())}: <b>AWS Query</b>, i.e. {@code POST /} with a
 * {@code Content-Type: application/x-www-form-urlencoded; charset=utf-8} body
 * {@code Action=PutMetricData&Version=2010-08-01&Namespace=...&MetricData.member.1.MetricName=...},
 * answered with XML. The SDK gzips PutMetricData bodies of at least 10 KiB (its request
 * compression, {@code Content-Encoding: gzip}; smaller bodies go as they are): both are accepted.
 * A request in another protocol (AWS JSON 1.0, Smithy RPC v2 CBOR, as later SDKs may send) is
 * refused with HTTP 400 {@code UnsupportedProtocol} and logged, so a protocol change shows at once.
 *
 * <p><b>Actions</b>: {@code PutMetricData}, {@code PutDashboard}, {@code GetDashboard},
 * {@code ListDashboards}, {@code DeleteDashboards}; any other is {@code InvalidAction} (400).
 *
 * <p><b>PutMetricData validation</b>, with the real service's error codes (messages modelled on
 * its wording), the request refused as a whole and nothing stored, as CloudWatch does:
 * more than {@value #MAX_DATUMS} datums (InvalidParameterValue "The collection MetricData must
 * not have a size greater than 1000."); a body over {@value #MAX_BODY_BYTES} bytes, compressed
 * or decompressed (RequestEntityTooLarge, 413); a missing or {@code AWS/} namespace; a missing
 * metric name; more than 30 dimensions, empty or too long names and values; a non-finite value
 * or one beyond +-2^360; {@code Value} together with {@code StatisticValues}; an unknown unit; a
 * storage resolution other than 1 or 60; a timestamp more than two weeks in the past or two hours
 * in the future (limits: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
 *
 * <p><b>Fault injection</b> (PutMetricData only): {@link #injectNext} answers the next calls with
 * {@value #THROTTLING} (400 "Rate exceeded"), {@value #INTERNAL_SERVICE_ERROR} (500),
 * {@value #SERVICE_UNAVAILABLE} (503), {@value #INVALID_PARAMETER_VALUE} (400) or
 * {@value #ACCESS_DENIED} (403); {@link Options#quotaTps} throttles calls beyond a rate. Refused
 * calls store nothing.
 *
 * <p><b>What it keeps</b>: every accepted datapoint, by metric ({@link #datapoints},
 * {@link #series}), every dashboard ({@link #dashboard}), and a log of the requests
 * ({@link #requests}). The same as JSON, for the local web dashboard: {@code GET /standin/metrics}
 * (query parameters {@code namespace}, {@code metricName}, {@code since} epoch ms, and
 * {@code dim.<Name>=<value>} to filter) and {@code GET /standin/dashboards}, with
 * {@code Access-Control-Allow-Origin: *}.
 *
 * <p>Listens on 127.0.0.1 only, unless {@link Options#bindAddress} says otherwise. Signatures are not verified, but a SigV4 {@code Authorization}
 * header is required unless {@link Options#requireSignature} is off.
 */
public final class CloudWatchStandIn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchStandIn.class);

    /** Most datums in one PutMetricData request. */
    public static final int MAX_DATUMS = 1000;
    /** Most bytes in one PutMetricData request body (1 MB). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** Most dimensions of one datum. */
    public static final int MAX_DIMENSIONS = 30;
    /** The Query API version CloudWatch speaks. */
    public static final String API_VERSION = "2010-08-01";
    /** Path of the JSON view of the datapoints. */
    public static final String METRICS_PATH = "/standin/metrics";
    /** Path of the JSON view of the dashboards. */
    public static final String DASHBOARDS_PATH = "/standin/dashboards";

    /** AWS's common throttling error (400). */
    public static final String THROTTLING = "Throttling";
    /** CloudWatch's internal error (500). */
    public static final String INTERNAL_SERVICE_ERROR = "InternalServiceError";
    /** Service unavailable (503). */
    public static final String SERVICE_UNAVAILABLE = "ServiceUnavailable";
    /** A parameter's value is invalid (400). */
    public static final String INVALID_PARAMETER_VALUE = "InvalidParameterValue";
    /** A required parameter is missing (400). */
    public static final String MISSING_PARAMETER = "MissingParameter";
    /** Two parameters that exclude each other (400). */
    public static final String INVALID_PARAMETER_COMBINATION = "InvalidParameterCombination";
    /** PutDashboard's invalid body (400, {@code DashboardInvalidInputErrorException}). */
    public static final String INVALID_PARAMETER_INPUT = "InvalidParameterInput";
    /** Get/DeleteDashboards of a missing dashboard (404, {@code DashboardNotFoundErrorException}). */
    public static final String RESOURCE_NOT_FOUND = "ResourceNotFound";
    /** Request body over 1 MB (413). */
    public static final String REQUEST_ENTITY_TOO_LARGE = "RequestEntityTooLarge";
    /** No permission (403). */
    public static final String ACCESS_DENIED = "AccessDenied";

    private static final String XML = "text/xml";
    private static final String JSON = "application/json";
    private static final Pattern MEMBER = Pattern.compile("^MetricData\\.member\\.(\\d+)\\.(.+)$");
    private static final Pattern DIMENSION = Pattern.compile("^Dimensions\\.member\\.(\\d+)\\.(Name|Value)$");
    private static final Pattern INDEXED = Pattern.compile("^(Values|Counts)\\.member\\.(\\d+)$");
    private static final Pattern DASHBOARD_NAME = Pattern.compile("^[A-Za-z0-9_-]{1,255}$");
    private static final Pattern SIGV4 = Pattern.compile(
            "^AWS4-HMAC-SHA256 Credential=[^,\\s]+,\\s*SignedHeaders=[^,\\s]+,\\s*Signature=[0-9a-f]+$");
    private static final double MAX_ABS_VALUE = Math.pow(2, 360);
    private static final Duration MAX_AGE = Duration.ofDays(14);
    private static final Duration MAX_AHEAD = Duration.ofHours(2);
    private static final int MAX_LOGGED_REQUESTS = 100_000;
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");
    private static final Set<String> WIDGET_TYPES = Set.of("metric", "text", "log", "alarm", "explorer", "custom");

    /** Injectable PutMetricData errors. */
    private static final Map<String, CloudWatchError> FAULTS = Map.of(
            THROTTLING, CloudWatchError.of(THROTTLING, 400, "Rate exceeded"),
            INTERNAL_SERVICE_ERROR, CloudWatchError.of(INTERNAL_SERVICE_ERROR, 500, "Internal service error"),
            SERVICE_UNAVAILABLE, CloudWatchError.of(SERVICE_UNAVAILABLE, 503, "Service Unavailable"),
            INVALID_PARAMETER_VALUE, CloudWatchError.of(INVALID_PARAMETER_VALUE, 400, "Injected: a parameter value is invalid."),
            ACCESS_DENIED, CloudWatchError.of(ACCESS_DENIED, 403,
                    "User: arn:aws:sts::" + LocalAws.ACCOUNT_ID + ":assumed-role/local is not authorized to perform: cloudwatch:PutMetricData"));

    /**
     * Start options; setters validate and return {@code this}. {@link #defaults()}: free port, no
     * quota, signed requests required, the system clock for timestamp checks.
     */
    public static final class Options {
        private int port;
        private String bindAddress = LocalAws.LOOPBACK_HOST;
        private double quotaTps;
        private boolean requireSignature = true;
        private Clock clock = Clock.systemUTC();

        /** No quota, signatures required, system clock. */
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

        /** PutMetricData calls per second allowed (token bucket, burst = one second); beyond it {@value CloudWatchStandIn#THROTTLING}. 0 (default): unlimited. */
        public Options quotaTps(double tps) {
            if (!(tps >= 0) || Double.isInfinite(tps)) {
                throw new IllegalArgumentException("tps " + tps);
            }
            this.quotaTps = tps;
            return this;
        }

        /** Whether requests must carry a SigV4 {@code Authorization} header (default true, as AWS). */
        public Options requireSignature(boolean require) {
            this.requireSignature = require;
            return this;
        }

        /** The clock timestamps are checked against (two weeks back, two hours ahead). */
        public Options clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }
    }

    /**
     * A snapshot of the counters.
     *
     * @param requests requests received (any path, any outcome)
     * @param putMetricDataOk PutMetricData calls accepted
     * @param datapoints datapoints stored
     * @param gzipRequests requests whose body came gzip-compressed
     * @param errors requests answered with an error
     * @param errorsByType {@code errors} by error code
     */
    public record Counters(long requests, long putMetricDataOk, long datapoints, long gzipRequests, long errors,
                           Map<String, Long> errorsByType) {
        /** Copies the map. */
        public Counters {
            errorsByType = Map.copyOf(errorsByType);
        }
    }

    /**
     * A dashboard as stored.
     *
     * @param name dashboard name
     * @param body the {@code DashboardBody} JSON, as sent
     * @param lastModifiedMs when it was last put, epoch ms
     */
    public record Dashboard(String name, String body, long lastModifiedMs) {
        /** Its ARN, {@code arn:aws:cloudwatch::000000000000:dashboard/NAME}. */
        public String arn() {
            return "arn:aws:cloudwatch::" + LocalAws.ACCOUNT_ID + ":dashboard/" + name;
        }
    }

    private record MetricKey(String namespace, String metricName, SortedMap<String, String> dimensions) {}

    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final URI endpoint;
    private final boolean requireSignature;
    private final Clock clock;
    private final TokenBucket quota;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<MetricKey, List<Datapoint>> metrics = new ConcurrentHashMap<>();
    private final Map<String, Dashboard> dashboards = new ConcurrentSkipListMap<>();
    private final InjectedFaults injected = new InjectedFaults(FAULTS.keySet());
    private final ConcurrentLinkedQueue<RequestRecord> requestLog = new ConcurrentLinkedQueue<>();
    private final AtomicInteger loggedRequests = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder putOk = new LongAdder();
    private final LongAdder datapointCount = new LongAdder();
    private final LongAdder gzipRequests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> errorsByType = new ConcurrentHashMap<>();
    private volatile boolean protocolLogged;
    private volatile boolean closed;

    private CloudWatchStandIn(HttpServer server, ExecutorService httpThreads, Options options) {
        this.server = server;
        this.httpThreads = httpThreads;
        this.endpoint = LocalAws.endpointOf(server.getAddress());
        this.requireSignature = options.requireSignature;
        this.clock = options.clock;
        this.quota = options.quotaTps > 0 ? new TokenBucket(options.quotaTps, Math.max(1, options.quotaTps), System.nanoTime())
                : null;
    }

    /** Starts on a free port of 127.0.0.1 with {@link Options#defaults()}. */
    public static CloudWatchStandIn start() {
        return start(Options.defaults());
    }

    /**
     * Starts serving on the options' bind address (127.0.0.1 by default).
     *
     * @throws IllegalStateException if the port cannot be bound
     */
    public static CloudWatchStandIn start(Options options) {
        HttpServer server = StandInHttp.bind(options.bindAddress, options.port, 64);
        ExecutorService httpThreads = Executors.newFixedThreadPool(4, StandInHttp.daemonThreads("cloudwatch-stand-in-http"));
        CloudWatchStandIn standIn = new CloudWatchStandIn(server, httpThreads, options);
        server.createContext("/", standIn::handle);
        server.setExecutor(httpThreads);
        server.start();
        LOG.info("CloudWatch stand-in ready at {} (AWS Query; quota {}, signatures {})", standIn.endpoint,
                options.quotaTps > 0 ? options.quotaTps + " TPS" : "unlimited", options.requireSignature ? "required" : "optional");
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
     * The datapoints of one metric: exactly this namespace, name and dimension set (order of
     * {@code dimensions} does not matter), in timestamp order; empty if there is none.
     */
    public List<Datapoint> datapoints(String namespace, String metricName, Map<String, String> dimensions) {
        List<Datapoint> points = metrics.get(new MetricKey(namespace, metricName, new TreeMap<>(dimensions)));
        if (points == null) {
            return List.of();
        }
        synchronized (points) {
            return List.copyOf(points);
        }
    }

    /** Every metric held, sorted by namespace, name and dimensions. */
    public List<MetricSeries> series() {
        List<MetricSeries> out = new ArrayList<>();
        metrics.forEach((k, points) -> {
            synchronized (points) {
                out.add(new MetricSeries(k.namespace(), k.metricName(), k.dimensions(), points));
            }
        });
        out.sort(Comparator.comparing(MetricSeries::namespace).thenComparing(MetricSeries::metricName)
                .thenComparing(s -> s.dimensions().toString()));
        return out;
    }

    /** Every metric of {@code namespace} named {@code metricName}, whatever its dimensions. */
    public List<MetricSeries> series(String namespace, String metricName) {
        List<MetricSeries> out = new ArrayList<>();
        for (MetricSeries s : series()) {
            if (s.namespace().equals(namespace) && s.metricName().equals(metricName)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The body of dashboard {@code name}, if it exists. */
    public Optional<String> dashboard(String name) {
        return Optional.ofNullable(dashboards.get(name)).map(Dashboard::body);
    }

    /** Every dashboard, by name. */
    public List<Dashboard> dashboards() {
        return List.copyOf(dashboards.values());
    }

    /** The requests answered so far (the last 100,000), oldest first. */
    public List<RequestRecord> requests() {
        return List.copyOf(requestLog);
    }

    /** The PutMetricData requests that were accepted, oldest first. */
    public List<RequestRecord> acceptedPutMetricData() {
        List<RequestRecord> out = new ArrayList<>();
        for (RequestRecord r : requestLog) {
            if ("PutMetricData".equals(r.action()) && r.errorCode() == null) {
                out.add(r);
            }
        }
        return out;
    }

    /** Drops every datapoint, dashboard, logged request and injected error; counters are kept. */
    public void clear() {
        metrics.clear();
        dashboards.clear();
        requestLog.clear();
        loggedRequests.set(0);
        injected.clear();
    }

    /**
     * Answers the next {@code count} PutMetricData calls with {@code errorCode}, before any
     * validation or quota, storing nothing. Accepted: {@value #THROTTLING} (400),
     * {@value #INTERNAL_SERVICE_ERROR} (500), {@value #SERVICE_UNAVAILABLE} (503),
     * {@value #INVALID_PARAMETER_VALUE} (400), {@value #ACCESS_DENIED} (403). Adds to errors already queued.
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

    /** A snapshot of the counters. */
    public Counters counters() {
        Map<String, Long> byType = new TreeMap<>();
        errorsByType.forEach((k, v) -> byType.put(k, v.sum()));
        return new Counters(requests.sum(), putOk.sum(), datapointCount.sum(), gzipRequests.sum(), errors.sum(), byType);
    }

    /** Stops listening. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        httpThreads.shutdown();
    }

    @Override
    public String toString() {
        return "CloudWatchStandIn[" + endpoint + "]";
    }

    // ------------------------------------------------------------------------------------ HTTP

    private void handle(HttpExchange exchange) {
        requests.increment();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        boolean gzip = encoding != null && encoding.toLowerCase().contains("gzip");
        Exchange ex = new Exchange(exchange, method + " " + path, contentType, gzip);
        try {
            if ("OPTIONS".equals(method)) {
                cors(exchange);
                exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, OPTIONS");
                exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "*");
                StandInHttp.respond(exchange, 204, "text/plain", null, new byte[0]);
                return;
            }
            if ("GET".equals(method) && METRICS_PATH.equals(path)) {
                Map<String, String> query = QueryForm.parse(exchange.getRequestURI().getRawQuery());
                if (query.containsKey("since") && !query.get("since").matches("-?\\d{1,19}")) {
                    cors(exchange);
                    record(ex, 400, "InvalidParameterValue");
                    StandInHttp.respond(exchange, 400, JSON, null, json.writeValueAsBytes(Map.of("error",
                            "since must be epoch milliseconds, not " + query.get("since"))));
                    return;
                }
                sendJson(ex, metricsJson(query));
                return;
            }
            if ("GET".equals(method) && DASHBOARDS_PATH.equals(path)) {
                sendJson(ex, dashboardsJson());
                return;
            }
            byte[] wire = readBody(exchange.getRequestBody());
            ex.wireBytes = wire.length;
            if (gzip) {
                gzipRequests.increment();
            }
            logProtocolOnce(exchange, contentType, encoding, wire.length);
            CloudWatchError auth = checkAuthorization(exchange.getRequestHeaders().getFirst("Authorization"));
            if (auth != null) {
                sendError(ex, auth);
                return;
            }
            if (wire.length > MAX_BODY_BYTES) {
                sendError(ex, tooLarge(wire.length));
                return;
            }
            byte[] body;
            try {
                body = gzip ? gunzip(wire) : wire;
            } catch (java.util.zip.ZipException e) {
                sendError(ex, CloudWatchError.of("MalformedInput", 400, "Content-Encoding: gzip, but the body is not gzip: "
                        + e.getMessage()));
                return;
            }
            ex.bodyBytes = body.length;
            if (body.length > MAX_BODY_BYTES) {
                sendError(ex, tooLarge(body.length));
                return;
            }
            Map<String, String> params;
            if ("POST".equals(method) && "/".equals(path) && isForm(contentType)) {
                params = QueryForm.parse(new String(body, StandardCharsets.UTF_8));
            } else if ("GET".equals(method) && "/".equals(path) && exchange.getRequestURI().getRawQuery() != null) {
                params = QueryForm.parse(exchange.getRequestURI().getRawQuery());
            } else {
                unsupported(ex, exchange);
                return;
            }
            String action = params.get("Action");
            ex.action = action == null ? "(no Action)" : action;
            if (action == null) {
                sendError(ex, CloudWatchError.of(MISSING_PARAMETER, 400, "The request must contain the parameter Action."));
                return;
            }
            if (!API_VERSION.equals(params.get("Version"))) {
                sendError(ex, CloudWatchError.of(INVALID_PARAMETER_VALUE, 400, "The value " + params.get("Version")
                        + " for parameter Version is invalid; this service speaks " + API_VERSION + "."));
                return;
            }
            switch (action) {
                case "PutMetricData" -> putMetricData(ex, params);
                case "PutDashboard" -> putDashboard(ex, params);
                case "GetDashboard" -> getDashboard(ex, params);
                case "ListDashboards" -> listDashboards(ex, params);
                case "DeleteDashboards" -> deleteDashboards(ex, params);
                default -> sendError(ex, CloudWatchError.of("InvalidAction", 400,
                        "The action " + action + " is not valid for this web service (the local CloudWatch stand-in serves "
                                + "PutMetricData, PutDashboard, GetDashboard, ListDashboards, DeleteDashboards)."));
            }
        } catch (IOException e) {
            LOG.debug("request abandoned: {}", e.toString());
            exchange.close();
        } catch (RuntimeException e) {
            LOG.warn("CloudWatch stand-in failed on {}", ex.action, e);
            sendError(ex, CloudWatchError.of(INTERNAL_SERVICE_ERROR, 500, String.valueOf(e)));
        }
    }

    /** Per-request state for the log. */
    private static final class Exchange {
        final HttpExchange http;
        final String contentType;
        final boolean gzip;
        String action;
        int datums;
        int wireBytes;
        int bodyBytes;

        Exchange(HttpExchange http, String action, String contentType, boolean gzip) {
            this.http = http;
            this.action = action;
            this.contentType = contentType;
            this.gzip = gzip;
        }
    }

    private static boolean isForm(String contentType) {
        return contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded");
    }

    private void logProtocolOnce(HttpExchange exchange, String contentType, String encoding, int bytes) {
        if (!protocolLogged) {
            protocolLogged = true;
            LOG.info("first request: {} {} Content-Type={} Content-Encoding={} X-Amz-Target={} smithy-protocol={} ({} bytes)",
                    exchange.getRequestMethod(), exchange.getRequestURI(), contentType, encoding,
                    exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                    exchange.getRequestHeaders().getFirst("smithy-protocol"), bytes);
        }
    }

    private void unsupported(Exchange ex, HttpExchange exchange) {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String smithy = exchange.getRequestHeaders().getFirst("smithy-protocol");
        String what = target != null ? "AWS JSON (X-Amz-Target " + target + ")"
                : smithy != null ? "Smithy " + smithy : ex.contentType + " at " + exchange.getRequestURI();
        LOG.warn("refusing a request in a protocol the stand-in does not speak: {} {} ({})", exchange.getRequestMethod(),
                exchange.getRequestURI(), what);
        sendError(ex, CloudWatchError.of("UnsupportedProtocol", 400, "The local CloudWatch stand-in speaks AWS Query "
                + "(POST / with an application/x-www-form-urlencoded body) only; got " + what));
    }

    private CloudWatchError checkAuthorization(String authorization) {
        if (!requireSignature) {
            return null;
        }
        if (authorization == null || authorization.isBlank()) {
            return CloudWatchError.of("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
        }
        if (!SIGV4.matcher(authorization.strip()).matches()) {
            return CloudWatchError.of("IncompleteSignature", 403, "Authorization header requires 'Credential', "
                    + "'SignedHeaders' and 'Signature' parameters of an AWS4-HMAC-SHA256 signature.");
        }
        return null;
    }

    private static CloudWatchError tooLarge(int bytes) {
        return CloudWatchError.of(REQUEST_ENTITY_TOO_LARGE, 413, "Request size " + bytes + " exceeded " + MAX_BODY_BYTES + " bytes");
    }

    // ---------------------------------------------------------------------------- PutMetricData

    private void putMetricData(Exchange ex, Map<String, String> params) {
        Map<Integer, Map<String, String>> members = new TreeMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            Matcher m = MEMBER.matcher(e.getKey());
            if (m.matches()) {
                members.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new LinkedHashMap<>()).put(m.group(2), e.getValue());
            }
        }
        ex.datums = members.size();
        String fault = injected.poll();
        if (fault != null) {
            sendError(ex, FAULTS.get(fault));
            return;
        }
        if (quota != null && !quota.tryAcquire(System.nanoTime())) {
            sendError(ex, FAULTS.get(THROTTLING));
            return;
        }
        String namespace = params.get("Namespace");
        if (namespace == null || namespace.isEmpty()) {
            sendError(ex, CloudWatchError.of(MISSING_PARAMETER, 400, "The parameter Namespace is required."));
            return;
        }
        if (namespace.startsWith("AWS/") || namespace.length() > 255) {
            sendError(ex, CloudWatchError.of(INVALID_PARAMETER_VALUE, 400, "The value " + namespace
                    + " for parameter Namespace is invalid."));
            return;
        }
        if (members.isEmpty()) {
            sendError(ex, CloudWatchError.of(MISSING_PARAMETER, 400, "The parameter MetricData is required."));
            return;
        }
        if (members.size() > MAX_DATUMS) {
            sendError(ex, CloudWatchError.of(INVALID_PARAMETER_VALUE, 400,
                    "The collection MetricData must not have a size greater than " + MAX_DATUMS + "."));
            return;
        }
        long now = clock.millis();
        List<Map.Entry<MetricKey, List<Datapoint>>> accepted = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, String>> member : members.entrySet()) {
            String p = "MetricData.member." + member.getKey() + ".";
            Object parsed = parseDatum(p, member.getValue(), namespace, now);
            if (parsed instanceof CloudWatchError error) {
                sendError(ex, error);
                return;
            }
            @SuppressWarnings("unchecked")
            Map.Entry<MetricKey, List<Datapoint>> datum = (Map.Entry<MetricKey, List<Datapoint>>) parsed;
            accepted.add(datum);
        }
        int stored = 0;
        for (Map.Entry<MetricKey, List<Datapoint>> datum : accepted) {
            List<Datapoint> list = metrics.computeIfAbsent(datum.getKey(), k -> new ArrayList<>());
            synchronized (list) {
                for (Datapoint d : datum.getValue()) {
                    // keep timestamp order; equal timestamps in arrival order
                    int i = list.size();
                    while (i > 0 && list.get(i - 1).timestampMs() > d.timestampMs()) {
                        i--;
                    }
                    list.add(i, d);
                    stored++;
                }
            }
        }
        datapointCount.add(stored);
        putOk.increment();
        send(ex, 200, "<PutMetricDataResponse xmlns=\"" + CloudWatchError.XMLNS + "\">\n  <ResponseMetadata>\n    <RequestId>"
                + UUID.randomUUID() + "</RequestId>\n  </ResponseMetadata>\n</PutMetricDataResponse>\n");
    }

    /** The datum's key and points, or the {@link CloudWatchError} refusing it. */
    private Object parseDatum(String p, Map<String, String> f, String namespace, long now) {
        String name = f.get("MetricName");
        if (name == null || name.isEmpty()) {
            return CloudWatchError.of(MISSING_PARAMETER, 400, "The parameter " + p + "MetricName is required.");
        }
        if (name.length() > 255) {
            return invalid(p + "MetricName", name);
        }
        Map<Integer, String[]> dims = new TreeMap<>();
        Map<Integer, Double> values = new TreeMap<>();
        Map<Integer, Double> counts = new TreeMap<>();
        for (Map.Entry<String, String> e : f.entrySet()) {
            Matcher d = DIMENSION.matcher(e.getKey());
            if (d.matches()) {
                String[] pair = dims.computeIfAbsent(Integer.parseInt(d.group(1)), k -> new String[2]);
                pair["Name".equals(d.group(2)) ? 0 : 1] = e.getValue();
                continue;
            }
            Matcher v = INDEXED.matcher(e.getKey());
            if (v.matches()) {
                Double x = parseDouble(e.getValue());
                if (x == null) {
                    return invalid(p + e.getKey(), e.getValue());
                }
                ("Values".equals(v.group(1)) ? values : counts).put(Integer.parseInt(v.group(2)), x);
            }
        }
        if (dims.size() > MAX_DIMENSIONS) {
            return CloudWatchError.of(INVALID_PARAMETER_VALUE, 400, "The collection " + p
                    + "Dimensions must not have a size greater than " + MAX_DIMENSIONS + ".");
        }
        SortedMap<String, String> dimensions = new TreeMap<>();
        for (Map.Entry<Integer, String[]> d : dims.entrySet()) {
            String dp = p + "Dimensions.member." + d.getKey() + ".";
            String dn = d.getValue()[0];
            String dv = d.getValue()[1];
            if (dn == null || dn.isEmpty()) {
                return CloudWatchError.of(MISSING_PARAMETER, 400, "The parameter " + dp + "Name is required.");
            }
            if (dv == null || dv.isEmpty()) {
                return CloudWatchError.of(MISSING_PARAMETER, 400, "The parameter " + dp + "Value is required.");
            }
            if (dn.length() > 255) {
                return invalid(dp + "Name", dn);
            }
            if (dv.length() > 1024) {
                return invalid(dp + "Value", dv);
            }
            if (dimensions.put(dn, dv) != null) {
                return CloudWatchError.of(INVALID_PARAMETER_VALUE, 400, "The dimension " + dn + " appears twice in " + p
                        + "Dimensions.");
            }
        }
        String unit = f.getOrDefault("Unit", "None");
        if (!UNITS.contains(unit)) {
            return invalid(p + "Unit", unit);
        }
        String resolution = f.get("StorageResolution");
        if (resolution != null && !resolution.equals("1") && !resolution.equals("60")) {
            return invalid(p + "StorageResolution", resolution);
        }
        long ts = now;
        String timestamp = f.get("Timestamp");
        if (timestamp != null) {
            try {
                ts = Instant.parse(timestamp).toEpochMilli();
            } catch (DateTimeParseException e) {
                return invalid(p + "Timestamp", timestamp);
            }
            if (ts < now - MAX_AGE.toMillis()) {
                return CloudWatchError.of(INVALID_PARAMETER_VALUE, 400, "The parameter " + p
                        + "Timestamp must specify a time no more than two weeks in the past.");
            }
            if (ts > now + MAX_AHEAD.toMillis()) {
                return CloudWatchError.of(INVALID_PARAMETER_VALUE, 400, "The parameter " + p
                        + "Timestamp must specify a time no more than two hours in the future.");
            }
        }
        boolean hasStats = f.keySet().stream().anyMatch(k -> k.startsWith("StatisticValues."));
        String value = f.get("Value");
        List<Datapoint> points = new ArrayList<>();
        if (value != null && hasStats) {
            return CloudWatchError.of(INVALID_PARAMETER_COMBINATION, 400, "The parameters " + p + "Value and " + p
                    + "StatisticValues are mutually exclusive and you have specified both.");
        }
        if (value != null && !values.isEmpty()) {
            return CloudWatchError.of(INVALID_PARAMETER_COMBINATION, 400, "The parameters " + p + "Value and " + p
                    + "Values are mutually exclusive and you have specified both.");
        }
        if (value != null) {
            Double v = parseDouble(value);
            if (v == null) {
                return invalid(p + "Value", value);
            }
            points.add(new Datapoint(ts, v, 1, unit));
        } else if (!values.isEmpty()) {
            if (!counts.isEmpty() && counts.size() != values.size()) {
                return CloudWatchError.of(INVALID_PARAMETER_COMBINATION, 400, "The parameters " + p + "Values and " + p
                        + "Counts must be of the same size.");
            }
            for (Map.Entry<Integer, Double> v : values.entrySet()) {
                points.add(new Datapoint(ts, v.getValue(), counts.getOrDefault(v.getKey(), 1.0), unit));
            }
        } else if (hasStats) {
            Double n = parseDouble(f.get("StatisticValues.SampleCount"));
            Double sum = parseDouble(f.get("StatisticValues.Sum"));
            if (n == null || sum == null || parseDouble(f.get("StatisticValues.Minimum")) == null
                    || parseDouble(f.get("StatisticValues.Maximum")) == null || n <= 0) {
                return CloudWatchError.of(MISSING_PARAMETER, 400, "The parameter " + p
                        + "StatisticValues needs SampleCount > 0, Sum, Minimum and Maximum.");
            }
            points.add(new Datapoint(ts, sum / n, n, unit));
        } else {
            return CloudWatchError.of(MISSING_PARAMETER, 400, "The parameter " + p + "Value, " + p + "Values or " + p
                    + "StatisticValues is required.");
        }
        return Map.entry(new MetricKey(namespace, name, dimensions), points);
    }

    /** A finite value within +-2^360, or null. */
    private static Double parseDouble(String s) {
        if (s == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d) && Math.abs(d) <= MAX_ABS_VALUE ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static CloudWatchError invalid(String parameter, String value) {
        return CloudWatchError.of(INVALID_PARAMETER_VALUE, 400, "The value " + value + " for parameter " + parameter
                + " is invalid.");
    }

    // ------------------------------------------------------------------------------ Dashboards

    private void putDashboard(Exchange ex, Map<String, String> params) {
        String name = params.get("DashboardName");
        String body = params.get("DashboardBody");
        if (name == null || name.isEmpty()) {
            sendError(ex, CloudWatchError.of(MISSING_PARAMETER, 400, "The parameter DashboardName is required."));
            return;
        }
        if (!DASHBOARD_NAME.matcher(name).matches()) {
            sendError(ex, CloudWatchError.of(INVALID_PARAMETER_VALUE, 400, "The value for field DashboardName contains "
                    + "invalid characters. It can only contain alphanumerics, dash (-) and underscore (_)."));
            return;
        }
        if (body == null || body.isEmpty()) {
            sendError(ex, CloudWatchError.of(MISSING_PARAMETER, 400, "The parameter DashboardBody is required."));
            return;
        }
        List<String[]> problems = validateDashboard(body);
        if (!problems.isEmpty()) {
            sendError(ex, new CloudWatchError(INVALID_PARAMETER_INPUT, 400, "The field DashboardBody has "
                    + problems.size() + " validation error(s); the first: " + problems.get(0)[0] + ": " + problems.get(0)[1],
                    problems));
            return;
        }
        dashboards.put(name, new Dashboard(name, body, clock.millis()));
        send(ex, 200, "<PutDashboardResponse xmlns=\"" + CloudWatchError.XMLNS + "\">\n  <PutDashboardResult>\n"
                + "    <DashboardValidationMessages/>\n  </PutDashboardResult>\n" + metadata() + "</PutDashboardResponse>\n");
    }

    /**
     * The structure checks of a dashboard body (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
     * a JSON object with a {@code widgets} array; widgets of a known type, with {@code properties};
     * metric widgets with a {@code region} and {@code metrics} entries that are arrays (an
     * expression object, or namespace and metric name strings); text widgets with
     * {@code markdown}; positions within the 24-column grid. Data path and message of each problem.
     */
    List<String[]> validateDashboard(String body) {
        List<String[]> problems = new ArrayList<>();
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            problems.add(new String[] {"/", "Invalid JSON: " + e.getOriginalMessage()});
            return problems;
        }
        if (root == null || !root.isObject() || !root.path("widgets").isArray()) {
            problems.add(new String[] {"/", "Should have required property 'widgets' (an array)"});
            return problems;
        }
        JsonNode widgets = root.get("widgets");
        for (int i = 0; i < widgets.size(); i++) {
            String at = "/widgets/" + i;
            JsonNode w = widgets.get(i);
            String type = w.path("type").asText(null);
            if (type == null || !WIDGET_TYPES.contains(type)) {
                problems.add(new String[] {at + "/type", "Should be one of " + new java.util.TreeSet<>(WIDGET_TYPES)});
                continue;
            }
            for (String dim : List.of("x", "y", "width", "height")) {
                JsonNode n = w.get(dim);
                if (n != null && (!n.canConvertToInt() || n.asInt() < 0 || (dim.equals("width") && (n.asInt() < 1 || n.asInt() > 24))
                        || (dim.equals("x") && n.asInt() > 23))) {
                    problems.add(new String[] {at + "/" + dim, "Out of range: " + n});
                }
            }
            JsonNode props = w.get("properties");
            if (props == null || !props.isObject()) {
                problems.add(new String[] {at, "Should have required property 'properties'"});
                continue;
            }
            if (type.equals("text") && !props.path("markdown").isTextual()) {
                problems.add(new String[] {at + "/properties", "Should have required property 'markdown'"});
            }
            if (type.equals("metric")) {
                if (!props.path("region").isTextual()) {
                    problems.add(new String[] {at + "/properties", "Should have required property 'region'"});
                }
                JsonNode metrics = props.get("metrics");
                if (metrics == null || !metrics.isArray()) {
                    if (props.get("annotations") == null) {
                        problems.add(new String[] {at + "/properties", "Should have required property 'metrics'"});
                    }
                    continue;
                }
                Set<String> ids = new java.util.HashSet<>();
                for (int j = 0; j < metrics.size(); j++) {
                    String mat = at + "/properties/metrics/" + j;
                    JsonNode m = metrics.get(j);
                    if (!m.isArray() || m.isEmpty()) {
                        problems.add(new String[] {mat, "Should be a non-empty array"});
                        continue;
                    }
                    JsonNode options = m.get(m.size() - 1).isObject() ? m.get(m.size() - 1) : null;
                    if (m.get(0).isObject()) {
                        if (!m.get(0).path("expression").isTextual()) {
                            problems.add(new String[] {mat + "/0", "Should have required property 'expression'"});
                        }
                        options = m.get(0);
                    } else if (m.size() < 2 || !m.get(0).isTextual() || !m.get(1).isTextual()) {
                        problems.add(new String[] {mat, "Should start with a namespace and a metric name"});
                    }
                    if (options != null && options.has("id")) {
                        String id = options.get("id").asText();
                        if (!id.matches("^[a-z][a-zA-Z0-9_]*$") || !ids.add(id)) {
                            problems.add(new String[] {mat, "The id " + id + " is invalid or not unique"});
                        }
                    }
                }
            }
        }
        return problems;
    }

    private void getDashboard(Exchange ex, Map<String, String> params) {
        String name = params.get("DashboardName");
        Dashboard d = name == null ? null : dashboards.get(name);
        if (d == null) {
            sendError(ex, CloudWatchError.of(RESOURCE_NOT_FOUND, 404, "Dashboard " + name + " does not exist"));
            return;
        }
        send(ex, 200, "<GetDashboardResponse xmlns=\"" + CloudWatchError.XMLNS + "\">\n  <GetDashboardResult>\n"
                + "    <DashboardArn>" + Xml.escape(d.arn()) + "</DashboardArn>\n"
                + "    <DashboardBody>" + Xml.escape(d.body()) + "</DashboardBody>\n"
                + "    <DashboardName>" + Xml.escape(d.name()) + "</DashboardName>\n"
                + "  </GetDashboardResult>\n" + metadata() + "</GetDashboardResponse>\n");
    }

    private void listDashboards(Exchange ex, Map<String, String> params) {
        String prefix = params.getOrDefault("DashboardNamePrefix", "");
        StringBuilder xml = new StringBuilder("<ListDashboardsResponse xmlns=\"" + CloudWatchError.XMLNS
                + "\">\n  <ListDashboardsResult>\n    <DashboardEntries>\n");
        for (Dashboard d : dashboards.values()) {
            if (!d.name().startsWith(prefix)) {
                continue;
            }
            xml.append("      <member>\n        <DashboardName>").append(Xml.escape(d.name())).append("</DashboardName>\n")
                    .append("        <DashboardArn>").append(Xml.escape(d.arn())).append("</DashboardArn>\n")
                    .append("        <LastModified>").append(Instant.ofEpochMilli(d.lastModifiedMs())).append("</LastModified>\n")
                    .append("        <Size>").append(d.body().getBytes(StandardCharsets.UTF_8).length).append("</Size>\n")
                    .append("      </member>\n");
        }
        xml.append("    </DashboardEntries>\n  </ListDashboardsResult>\n").append(metadata()).append("</ListDashboardsResponse>\n");
        send(ex, 200, xml.toString());
    }

    private void deleteDashboards(Exchange ex, Map<String, String> params) {
        List<String> names = new ArrayList<>();
        for (int i = 1; params.containsKey("DashboardNames.member." + i); i++) {
            names.add(params.get("DashboardNames.member." + i));
        }
        if (names.isEmpty()) {
            sendError(ex, CloudWatchError.of(MISSING_PARAMETER, 400, "The parameter DashboardNames is required."));
            return;
        }
        for (String n : names) {
            if (!dashboards.containsKey(n)) {
                // all or nothing, as CloudWatch: nothing is deleted
                sendError(ex, CloudWatchError.of(RESOURCE_NOT_FOUND, 404, "Dashboard " + n + " does not exist"));
                return;
            }
        }
        names.forEach(dashboards::remove);
        send(ex, 200, "<DeleteDashboardsResponse xmlns=\"" + CloudWatchError.XMLNS + "\">\n  <DeleteDashboardsResult/>\n"
                + metadata() + "</DeleteDashboardsResponse>\n");
    }

    private static String metadata() {
        return "  <ResponseMetadata>\n    <RequestId>" + UUID.randomUUID() + "</RequestId>\n  </ResponseMetadata>\n";
    }

    // ------------------------------------------------------------------------------------ JSON

    private byte[] metricsJson(Map<String, String> q) throws IOException {
        String namespace = q.get("namespace");
        String metricName = q.get("metricName");
        long since = q.containsKey("since") ? Long.parseLong(q.get("since")) : Long.MIN_VALUE;
        Map<String, String> dimFilter = new TreeMap<>();
        q.forEach((k, v) -> {
            if (k.startsWith("dim.")) {
                dimFilter.put(k.substring(4), v);
            }
        });
        ObjectNode root = json.createObjectNode();
        ArrayNode out = root.putArray("series");
        for (MetricSeries s : series()) {
            if ((namespace != null && !namespace.equals(s.namespace())) || (metricName != null && !metricName.equals(s.metricName()))
                    || !s.dimensions().entrySet().containsAll(dimFilter.entrySet())) {
                continue;
            }
            ObjectNode n = out.addObject();
            n.put("namespace", s.namespace());
            n.put("metricName", s.metricName());
            ObjectNode dims = n.putObject("dimensions");
            s.dimensions().forEach(dims::put);
            ArrayNode points = n.putArray("datapoints");
            for (Datapoint d : s.datapoints()) {
                if (d.timestampMs() < since) {
                    continue;
                }
                ObjectNode p = points.addObject();
                p.put("timestamp", d.timestampMs());
                p.put("value", d.value());
                p.put("count", d.count());
                p.put("unit", d.unit());
            }
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private byte[] dashboardsJson() throws IOException {
        ObjectNode root = json.createObjectNode();
        ArrayNode out = root.putArray("dashboards");
        for (Dashboard d : dashboards.values()) {
            ObjectNode n = out.addObject();
            n.put("name", d.name());
            n.put("arn", d.arn());
            n.put("lastModified", d.lastModifiedMs());
            n.put("body", d.body());
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    // ------------------------------------------------------------------------------- responses

    private static void cors(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
    }

    private void sendJson(Exchange ex, byte[] body) {
        cors(ex.http);
        record(ex, 200, null);
        StandInHttp.respond(ex.http, 200, JSON, null, body);
    }

    private void send(Exchange ex, int status, String xml) {
        record(ex, status, null);
        StandInHttp.respond(ex.http, status, XML, null, xml.getBytes(StandardCharsets.UTF_8));
    }

    private void sendError(Exchange ex, CloudWatchError error) {
        errors.increment();
        errorsByType.computeIfAbsent(error.code(), k -> new LongAdder()).increment();
        record(ex, error.status(), error.code());
        StandInHttp.respond(ex.http, error.status(), XML, null, error.body(UUID.randomUUID().toString()));
    }

    private void record(Exchange ex, int status, String errorCode) {
        requestLog.add(new RequestRecord(ex.action, ex.datums, ex.wireBytes, ex.bodyBytes, ex.gzip, ex.contentType, status,
                errorCode));
        if (loggedRequests.incrementAndGet() > MAX_LOGGED_REQUESTS) {
            requestLog.poll();
            loggedRequests.decrementAndGet();
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        in.transferTo(out);
        return out.toByteArray();
    }

    /** Decompresses a gzip body, reading at most one byte beyond the limit (so a huge body is refused, not inflated). */
    private static byte[] gunzip(byte[] wire) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(wire))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(wire.length * 4);
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > MAX_BODY_BYTES) {
                    break;
                }
            }
            return out.toByteArray();
        }
    }

    /** The error codes {@link #injectNext} accepts. */
    public static Set<String> injectableErrors() {
        return new java.util.TreeSet<>(FAULTS.keySet());
    }
}
