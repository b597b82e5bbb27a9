package dev.crowdemotion.local.dashboard;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.scores.StageScoreQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live local dashboard: a small HTTP server on 127.0.0.1 serving one page (per-stage emotion
 * timelines, the current leaderboard, what each stage is playing) and the JSON it polls,
 * {@code GET /api/dashboard?minutes=N}, read from the score tables by {@link DashboardData}.
 * See {@code docs/dashboard.md}.
 *
 * <p>Only loopback clients can reach it; requests must name this server in their {@code Host}
 * header ({@code 127.0.0.1:PORT} or {@code localhost:PORT}), which keeps other web sites' pages
 * from reading it through DNS rebinding. Only {@code GET} and {@code HEAD}, only the page's own
 * files (a fixed list of class-path resources).
 */
public final class Dashboard implements AutoCloseable {
    /** The port the local run asks for by default. */
    public static final int DEFAULT_PORT = 8088;
    /** The timeline range when the request names none. */
    public static final Duration DEFAULT_RANGE = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    private static final String HOST = "127.0.0.1";
    private static final String RESOURCES = "/dev/crowdemotion/local/dashboard/";
    /** URL path → (class-path resource under {@link #RESOURCES}, content type). */
    private static final Map<String, String[]> STATIC = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
            "/dashboard.js", new String[] {"dashboard.js", "text/javascript; charset=utf-8"},
            "/dashboard.css", new String[] {"dashboard.css", "text/css; charset=utf-8"},
            "/vendor/chart.umd.min.js", new String[] {"vendor/chart.umd.min.js", "text/javascript; charset=utf-8"});
    /** The page loads its own scripts, styles and JSON only. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setCharacterEscapes(new HtmlSafeEscapes());
    }

    /**
     * How the dashboard runs.
     *
     * @param port               TCP port on 127.0.0.1; 0 = any free port
     * @param fallbackToFreePort if {@code port} is in use, take a free one instead of failing
     * @param defaultRange       timeline range of requests without {@code minutes}
     * @param slideMs            the job's window slide (window starts are its multiples)
     * @param recheck            see {@link DashboardData#DashboardData}
     * @param clock              "now"
     */
    public record Settings(int port, boolean fallbackToFreePort, Duration defaultRange, long slideMs,
                           Duration recheck, Clock clock) {
        /** Port {@value #DEFAULT_PORT} with fallback, 10 minutes, 10 s windows, 2 minutes recheck, system clock. */
        public static Settings defaults() {
            return new Settings(DEFAULT_PORT, true, DEFAULT_RANGE, 10_000, Duration.ofMinutes(2), Clock.systemUTC());
        }

        /** {@link #defaults()} with the configuration's window slide, and a recheck covering its windows and lateness. */
        public static Settings forConfig(CrowdEmotionConfig config) {
            Duration recheck = Duration.ofMillis(config.windowSizeMs() + config.allowedLatenessMs()).plusMinutes(1);
            return defaults().withSlideMs(config.windowSlideMs())
                    .withRecheck(recheck.compareTo(Duration.ofMinutes(2)) < 0 ? Duration.ofMinutes(2) : recheck);
        }

        public Settings withPort(int p) { return new Settings(p, fallbackToFreePort, defaultRange, slideMs, recheck, clock); }
        public Settings withFallbackToFreePort(boolean f) { return new Settings(port, f, defaultRange, slideMs, recheck, clock); }
        public Settings withDefaultRange(Duration r) { return new Settings(port, fallbackToFreePort, r, slideMs, recheck, clock); }
        public Settings withSlideMs(long s) { return new Settings(port, fallbackToFreePort, defaultRange, s, recheck, clock); }
        public Settings withRecheck(Duration r) { return new Settings(port, fallbackToFreePort, defaultRange, slideMs, r, clock); }
        public Settings withClock(Clock c) { return new Settings(port, fallbackToFreePort, defaultRange, slideMs, recheck, c); }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final DashboardData data;
    private final Duration defaultRange;
    private final int requestedPort;
    private final int port;
    private volatile boolean closed;
    private volatile String lastFailure;

    private Dashboard(HttpServer server, ExecutorService executor, DashboardData data, Duration defaultRange,
                      int requestedPort) {
        this.server = server;
        this.executor = executor;
        this.data = data;
        this.defaultRange = defaultRange;
        this.requestedPort = requestedPort;
        this.port = server.getAddress().getPort();
    }

    /**
     * The local run's dashboard: the configuration's score tables and window slide, on
     * {@code port} of 127.0.0.1 (0 = any free port; a port in use falls back to a free one).
     */
    public static Dashboard start(DynamoDbClient dynamoDb, CrowdEmotionConfig config, int port) {
        return start(new StageScoreQueries(dynamoDb, config.tableName(), config.performanceTableName()),
                Settings.forConfig(config).withPort(port));
    }

    /**
     * Starts serving.
     *
     * @throws IllegalStateException if the port is in use and {@link Settings#fallbackToFreePort()}
     *                               is off, or no port can be bound
     */
    public static Dashboard start(StageScoreQueries queries, Settings settings) {
        if (settings.port() < 0 || settings.port() > 65535) {
            throw new IllegalArgumentException("port out of range: " + settings.port());
        }
        DashboardData data = new DashboardData(queries, settings.slideMs(), settings.recheck(), settings.clock());
        HttpServer server;
        try {
            server = bind(settings.port());
        } catch (BindException e) {
            if (!settings.fallbackToFreePort() || settings.port() == 0) {
                throw new IllegalStateException("cannot listen on " + HOST + ":" + settings.port() + ": " + e.getMessage(), e);
            }
            try {
                server = bind(0);
            } catch (IOException again) {
                throw new IllegalStateException("cannot listen on a free port of " + HOST, again);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + HOST + ":" + settings.port(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dashboard-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Dashboard d = new Dashboard(server, executor, data, settings.defaultRange(), settings.port());
        server.createContext("/", d::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("dashboard at {}", d.uri());
        return d;
    }

    private static HttpServer bind(int port) throws IOException {
        return HttpServer.create(new InetSocketAddress(InetAddress.getByName(HOST), port), 0);
    }

    /** {@code http://127.0.0.1:PORT/}. */
    public URI uri() {
        return URI.create("http://" + HOST + ":" + port + "/");
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /** Whether the requested port was in use and a free one was taken instead. */
    public boolean fellBack() {
        return requestedPort != 0 && requestedPort != port;
    }

    /** The line the local run prints: {@code Dashboard: http://127.0.0.1:PORT/}, and why the port differs if it does. */
    public String banner() {
        return "Dashboard: " + uri() + (fellBack() ? "  (port " + requestedPort + " is in use; took a free one)" : "");
    }

    /** Stops serving at once (a request in progress is cut off). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ requests

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
                send(ex, 403, "text/plain; charset=utf-8", bytes("forbidden: unexpected Host header\n"), false);
                return;
            }
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain; charset=utf-8", bytes("method not allowed\n"), false);
                return;
            }
            boolean head = "HEAD".equals(method);
            String path = ex.getRequestURI().getRawPath();
            if ("/api/dashboard".equals(path)) {
                api(ex, head);
                return;
            }
            String[] asset = STATIC.get(path);
            byte[] body = asset == null ? null : resource(asset[0]);
            if (body == null) {
                send(ex, 404, "text/plain; charset=utf-8", bytes("not found\n"), head);
                return;
            }
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            if (asset[1].startsWith("text/html")) {
                ex.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            }
            send(ex, 200, asset[1], body, head);
        } catch (RuntimeException e) {
            LOG.warn("dashboard request {} failed", ex.getRequestURI(), e);
        }
    }

    private void api(HttpExchange ex, boolean head) throws IOException {
        Duration range;
        try {
            range = range(ex.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            send(ex, 400, "application/json; charset=utf-8", JSON.writeValueAsBytes(Map.of("error", e.getMessage())), head);
            return;
        }
        byte[] body;
        int status;
        try {
            body = JSON.writeValueAsBytes(data.snapshot(range));
            status = 200;
            lastFailure = null;
        } catch (RuntimeException e) {
            logReadFailure(e);
            body = JSON.writeValueAsBytes(Map.of("error", "cannot read the score tables: " + e.getMessage()));
            status = 503;
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, status, "application/json; charset=utf-8", body, head);
    }

    /**
     * Logs a read failure once per run of failures of one exception type (the page retries every
     * 2 s), with its stack trace at debug level.
     */
    private void logReadFailure(RuntimeException e) {
        String kind = e.getClass().getName();
        if (!kind.equals(lastFailure)) {
            lastFailure = kind;
            LOG.warn("dashboard: reading the score tables failed (logged once until it works again): {}", e.toString());
        }
        LOG.debug("dashboard: reading the score tables failed", e);
    }

    /** The {@code minutes} query parameter (1 to 60) as a range, or the default range. */
    private Duration range(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return defaultRange;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if ("minutes".equals(key)) {
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                long minutes;
                try {
                    minutes = Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("minutes must be a whole number from 1 to " + DashboardData.MAX_RANGE.toMinutes());
                }
                if (minutes < 1 || minutes > DashboardData.MAX_RANGE.toMinutes()) {
                    throw new IllegalArgumentException("minutes must be from 1 to " + DashboardData.MAX_RANGE.toMinutes());
                }
                return Duration.ofMinutes(minutes);
            }
        }
        return defaultRange;
    }

    private boolean hostAllowed(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.equals(HOST + ":" + port) || h.equals("localhost:" + port);
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body, boolean head) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        if (head) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCES + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** JSON safe to embed anywhere in HTML: {@code < > & '} as {@code \}{@code uXXXX} escapes. */
    static final class HtmlSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] codes = standardAsciiEscapesForJSON();

        HtmlSafeEscapes() {
            for (char c : new char[] {'<', '>', '&', '\''}) {
                codes[c] = ESCAPE_STANDARD;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return codes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
