package dev.crowdemotion.modelserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crowdemotion.vision.DetectorOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SageMaker inference container's HTTP server for the BlazeFace face detector, implementing the
 * contract of "Use your own inference code with hosting services"
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html):
 * <ul>
 *   <li>{@code GET /ping}: 200 (empty body) once the default detector is loaded, 503 otherwise.
 *       SageMaker expects the answer within 2 s; this one never waits for inference.</li>
 *   <li>{@code POST /invocations}: body an image ({@code Content-Type} {@code image/jpeg},
 *       {@code image/png} or {@code application/x-image}); answers {@code application/json} in the
 *       response format of SageMaker's built-in object detection algorithm, see
 *       {@link ObjectDetectionJson}: {@code {"prediction": [[0.0, score, xmin, ymin, xmax, ymax], ...]}},
 *       corners as ratios of the image size, in the detector's order (descending score). The header
 *       {@value CustomAttributes#HEADER} may carry {@code min_score=<0..1>}; otherwise
 *       {@link Options#minScore} applies. Errors: 400 (undecodable image, bad {@code min_score}),
 *       406 (Accept), 413 (body over {@link Options#maxBodyBytes}), 415 (content type), 503 (queue
 *       full), 500 (inference failed), each with {@code {"error": ..., "message": ...}}.</li>
 *   <li>{@code GET /execution-parameters}: the batch transform hints of the same page's companion,
 *       "Use your own inference code with batch transform"
 *       (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-batch-code.html).</li>
 *   <li>Any other path: 404; another method on these paths: 405 (with {@code Allow}).</li>
 * </ul>
 *
 * <p><b>Threads.</b> Requests are read on a cached pool of HTTP threads; decoding and inference run
 * on a fixed pool of {@link Options#workers} threads with a queue of {@link Options#maxQueued}
 * requests, so at most {@code workers} inferences run at once; beyond the queue requests are
 * answered 503 at once. Each worker runs one detection with one ONNX Runtime thread (the detector's
 * default), so {@code workers} = available processors uses the machine without oversubscribing it.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

    /** Port SageMaker sends requests to inside the container. */
    public static final int SAGEMAKER_PORT = 8080;

    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final ThreadPoolExecutor workers;
    private final DetectorCache detectors;
    private final Invocations invocations;
    private final Options options;
    private final URI uri;
    private volatile boolean closed;

    private ModelServer(HttpServer server, ExecutorService httpThreads, ThreadPoolExecutor workers,
            DetectorCache detectors, Options options) {
        this.server = server;
        this.httpThreads = httpThreads;
        this.workers = workers;
        this.detectors = detectors;
        this.invocations = new Invocations(detectors);
        this.options = options;
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        this.uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    /**
     * Loads the default detector, then serves with {@link Options#defaults()}.
     *
     * @param host address to bind, e.g. {@code 127.0.0.1} (local) or {@code 0.0.0.0} (in the container)
     * @param port port to bind; 0 picks a free one
     * @throws IllegalStateException if the model cannot be loaded or the address bound
     */
    public static ModelServer start(String host, int port) {
        return start(host, port, Options.defaults());
    }

    /**
     * Loads the detector for {@link Options#minScore} (so {@code /ping} answers 200 from the first
     * request on), then binds and serves.
     *
     * @param host address to bind, e.g. {@code 127.0.0.1} (local) or {@code 0.0.0.0} (in the container)
     * @param port port to bind; 0 picks a free one
     * @throws IllegalStateException if the model cannot be loaded or the address bound
     */
    public static ModelServer start(String host, int port, Options options) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        long t0 = System.nanoTime();
        DetectorCache detectors = new DetectorCache(
                options.detectorOptions.toBuilder().minScore(options.minScore).build(), options.maxDetectors);
        detectors.get(options.minScore);
        // TCP_NODELAY: without it Nagle's algorithm against delayed ACKs adds ~40 ms per response.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 128);
        } catch (IOException e) {
            detectors.close();
            throw new IllegalStateException("cannot bind " + host + ":" + port, e);
        }
        ThreadPoolExecutor workers = new ThreadPoolExecutor(options.workers, options.workers, 0L, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(options.maxQueued), daemonThreads("model-server-worker"));
        ExecutorService httpThreads = Executors.newCachedThreadPool(daemonThreads("model-server-http"));
        ModelServer ms = new ModelServer(server, httpThreads, workers, detectors, options);
        server.createContext("/", ms::handle);
        server.setExecutor(httpThreads);
        server.start();
        LOG.info("model server listening on {}:{} ({}) in {} ms: {}", host, ms.port(), ms.uri,
                (System.nanoTime() - t0) / 1_000_000, options);
        return ms;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Base URI, {@code http://host:port} without a trailing slash (127.0.0.1 when bound to the
     * wildcard address): POST images to {@code uri() + "/invocations"}.
     */
    public URI uri() {
        return uri;
    }

    /** The options this server runs with. */
    public Options options() {
        return options;
    }

    /** Stops listening, lets queued inferences finish (up to 10 s), closes the models. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        httpThreads.shutdown();
        detectors.close();
    }

    // ---------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/ping" -> {
                    if (!"GET".equals(method) && !"HEAD".equals(method)) {
                        methodNotAllowed(exchange, "GET");
                    } else if (detectors.ready() && !closed) {
                        send(exchange, 200, null, new byte[0]);
                    } else {
                        send(exchange, Invocations.Reply.error(503, "NotReady", "model not loaded"));
                    }
                }
                case "/invocations" -> {
                    if (!"POST".equals(method)) {
                        methodNotAllowed(exchange, "POST");
                    } else {
                        invoke(exchange);
                    }
                }
                case "/execution-parameters" -> {
                    if (!"GET".equals(method)) {
                        methodNotAllowed(exchange, "GET");
                    } else {
                        String body = String.format(Locale.ROOT,
                                "{\"MaxConcurrentTransforms\":%d,\"BatchStrategy\":\"SINGLE_RECORD\",\"MaxPayloadInMB\":%d}",
                                options.workers, Math.max(1, options.maxBodyBytes / (1024 * 1024)));
                        send(exchange, 200, "application/json", body.getBytes(StandardCharsets.UTF_8));
                    }
                }
                default -> send(exchange, Invocations.Reply.error(404, "NotFound", "no such path: " + path
                        + " (this container serves GET /ping and POST /invocations)"));
            }
        } catch (IOException e) {
            LOG.debug("request abandoned: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("request failed", e);
            trySend(exchange, Invocations.Reply.error(500, "InternalError", String.valueOf(e)));
        } finally {
            exchange.close();
        }
    }

    private void invoke(HttpExchange exchange) throws IOException {
        byte[] body = readBody(exchange.getRequestBody(), options.maxBodyBytes);
        if (body == null) {
            send(exchange, Invocations.Reply.error(413, "PayloadTooLarge",
                    "request body exceeds " + options.maxBodyBytes + " bytes"));
            return;
        }
        var h = exchange.getRequestHeaders();
        String contentType = h.getFirst("Content-Type");
        String accept = h.getFirst("Accept");
        String attributes = h.getFirst(CustomAttributes.HEADER);
        Future<Invocations.Reply> reply;
        try {
            reply = workers.submit(() -> invocations.invoke(contentType, accept, attributes, body));
        } catch (RejectedExecutionException e) {
            send(exchange, Invocations.Reply.error(503, "Busy", "all " + options.workers + " workers busy and "
                    + options.maxQueued + " requests queued; retry later"));
            return;
        }
        Invocations.Reply r;
        try {
            r = reply.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = Invocations.Reply.error(503, "ShuttingDown", "server is shutting down");
        } catch (ExecutionException e) {
            LOG.warn("inference failed", e.getCause());
            r = Invocations.Reply.error(500, "InferenceFailed", String.valueOf(e.getCause()));
        }
        send(exchange, r);
    }

    /** The whole body, or null (after draining it) if it exceeds {@code max} bytes. */
    private static byte[] readBody(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total <= max) {
                out.write(buf, 0, n);
            }
        }
        return total > max ? null : out.toByteArray();
    }

    private static void methodNotAllowed(HttpExchange exchange, String allow) throws IOException {
        exchange.getResponseHeaders().set("Allow", allow);
        send(exchange, Invocations.Reply.error(405, "MethodNotAllowed",
                exchange.getRequestMethod() + " not allowed on " + exchange.getRequestURI().getPath() + "; use " + allow));
    }

    private static void trySend(HttpExchange exchange, Invocations.Reply r) {
        try {
            send(exchange, r);
        } catch (IOException | RuntimeException e) {
            LOG.debug("error response not delivered: {}", e.toString());
        }
    }

    private static void send(HttpExchange exchange, Invocations.Reply r) throws IOException {
        send(exchange, r.status(), r.contentType(), r.body());
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        boolean noBody = body.length == 0 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String toString() {
        return "ModelServer[" + uri + "]";
    }

    /**
     * Server options (mutable builder-style setters; {@link #defaults()} starts a fresh one). Not
     * thread-safe; do not change after {@link ModelServer#start}.
     */
    public static final class Options {
        private float minScore = DetectorOptions.DEFAULT_MIN_SCORE;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int maxQueued = 64;
        private int maxBodyBytes = 16 * 1024 * 1024;
        private int maxDetectors = 8;
        private DetectorOptions detectorOptions = DetectorOptions.defaults();

        /** minScore {@link DetectorOptions#DEFAULT_MIN_SCORE}, workers = available processors, the other defaults below. */
        public static Options defaults() {
            return new Options();
        }

        /** Minimum detection score (0..1) when a request names none; default {@link DetectorOptions#DEFAULT_MIN_SCORE}. */
        public Options minScore(float v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("minScore must be in [0, 1], got " + v);
            }
            this.minScore = v + 0.0f; // no -0.0
            return this;
        }

        /** Inference threads, at least 1; default: available processors. */
        public Options workers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("workers " + n);
            }
            this.workers = n;
            return this;
        }

        /** Requests waiting for a worker beyond which invocations get 503; default 64, at least 1. */
        public Options maxQueued(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxQueued " + n);
            }
            this.maxQueued = n;
            return this;
        }

        /**
         * Largest request body, bytes; larger ones get 413. Default 16 MiB (SageMaker itself caps
         * real-time InvokeEndpoint payloads at 6 MB).
         */
        public Options maxBodyBytes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxBodyBytes " + n);
            }
            this.maxBodyBytes = n;
            return this;
        }

        /** Most distinct {@code min_score} values served (one detector each); default 8. */
        public Options maxDetectors(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxDetectors " + n);
            }
            this.maxDetectors = n;
            return this;
        }

        /**
         * Detector settings other than the minimum score (tiling, verification, ...); default
         * {@link DetectorOptions#defaults()}, the job's embedded detector's settings. Its
         * {@code minScore} is ignored: see {@link #minScore(float)}.
         */
        public Options detectorOptions(DetectorOptions o) {
            this.detectorOptions = Objects.requireNonNull(o, "detectorOptions");
            return this;
        }

        /** Default minimum detection score, 0..1. */
        public float minScore() { return minScore; }

        /** Inference threads. */
        public int workers() { return workers; }

        /** Requests that may wait for a worker. */
        public int maxQueued() { return maxQueued; }

        /** Largest request body, bytes. */
        public int maxBodyBytes() { return maxBodyBytes; }

        /** Most distinct {@code min_score} values served. */
        public int maxDetectors() { return maxDetectors; }

        /** Detector settings other than the minimum score. */
        public DetectorOptions detectorOptions() { return detectorOptions; }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "minScore %s, %d workers, queue %d, max body %d B, max detectors %d, %s",
                    minScore, workers, maxQueued, maxBodyBytes, maxDetectors, detectorOptions);
        }
    }
}
