package dev.crowdemotion.local.kinesis;

import dev.crowdemotion.local.aws.LocalAws;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Local Kinesis Data Streams: kinesis-mock (npm {@code kinesis-local}, installed into
 * {@code local-stack/node_modules} by {@code npm ci}) run as a Node.js child process, serving
 * plain HTTP on 127.0.0.1.
 *
 * <p>Clients must use AWS JSON, not CBOR: set the system property {@code aws.cborEnabled=false}
 * (or env {@code CBOR_ENABLED=false}) before building SDK clients. {@link #start()} sets the system
 * property when neither is set, since nothing works against kinesis-mock without it.
 *
 * <p>Streams live in memory only ({@code SHOULD_PERSIST_DATA=false}) in account
 * {@link LocalAws#ACCOUNT_ID}, region {@link LocalAws#REGION}. Process output goes to a log file
 * ({@link #logFile()}) under {@code local-stack/target/local-aws/}.
 */
public final class KinesisEmulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KinesisEmulator.class);
    private static final String PRELOAD_RESOURCE = "kinesis-mock-preload.js";
    private static final int START_ATTEMPTS = 3;

    /** Start options. */
    public static final class Options {
        private Duration startTimeout = Duration.ofSeconds(60);
        private String logLevel = "INFO";
        private String nodeExecutable = System.getProperty("crowdemotion.node", "node");
        private Path packageDir;
        private final Map<String, String> extraEnv = new LinkedHashMap<>();
        private int plainPort;
        private int tlsPort;
        private Path persistDir;
        private Duration persistInterval;

        public static Options defaults() {
            return new Options();
        }

        /**
         * Fixed ports (plain HTTP and TLS), e.g. to start the emulator again where its clients
         * expect it; default 0: free ports picked at start.
         */
        public Options ports(int plain, int tls) {
            this.plainPort = plain;
            this.tlsPort = tls;
            return this;
        }

        /**
         * Keeps the streams and their records in {@code dir} (kinesis-mock's
         * {@code SHOULD_PERSIST_DATA}, {@code PERSIST_PATH}, {@code PERSIST_INTERVAL}: the whole
         * state written to {@code dir/kinesis-data.json} every {@code interval}) and loads them from
         * there at start ({@code LOAD_DATA_IF_EXISTS}). Records put after the last write are lost
         * when the emulator stops. Default: in memory only.
         */
        public Options persistTo(Path dir, Duration interval) {
            this.persistDir = Objects.requireNonNull(dir);
            this.persistInterval = Objects.requireNonNull(interval);
            return this;
        }

        /** The file kinesis-mock persists to under {@link #persistTo}'s directory. */
        public static Path persistFile(Path dir) {
            return dir.resolve("kinesis-data.json");
        }

        /** How long to wait for the emulator to answer ListStreams (default 60 s). */
        public Options startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** kinesis-mock's LOG_LEVEL: ERROR, WARN, INFO (default), DEBUG, TRACE. */
        public Options logLevel(String level) {
            this.logLevel = Objects.requireNonNull(level);
            return this;
        }

        /** The node executable (default: system property crowdemotion.node, else {@code node} on PATH). */
        public Options nodeExecutable(String node) {
            this.nodeExecutable = Objects.requireNonNull(node);
            return this;
        }

        /** The installed {@code kinesis-local} package directory (default: found automatically). */
        public Options packageDir(Path dir) {
            this.packageDir = dir;
            return this;
        }

        /**
         * Extra kinesis-mock environment, e.g. {@code INITIALIZE_STREAMS=frames:2} or
         * {@code CREATE_STREAM_DURATION=100ms}. Ports, host and account are set by the emulator.
         */
        public Options env(String name, String value) {
            this.extraEnv.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }
    }

    private final Process process;
    private final int port;
    private final int tlsPort;
    private final URI endpoint;
    private final Path logFile;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private KinesisEmulator(Process process, int port, int tlsPort, Path logFile) {
        this.process = process;
        this.port = port;
        this.tlsPort = tlsPort;
        this.endpoint = LocalAws.loopbackEndpoint(port);
        this.logFile = logFile;
        this.shutdownHook = new Thread(this::destroyProcessTree, "kinesis-emulator-shutdown-" + port);
    }

    /** Starts kinesis-mock on a free port and waits until it answers ListStreams. */
    public static KinesisEmulator start() {
        return start(Options.defaults());
    }

    /** Starts kinesis-mock with {@code options} and waits until it answers ListStreams. */
    public static KinesisEmulator start(Options options) {
        ensureJsonProtocol();
        Path pkg = options.packageDir != null ? options.packageDir : findPackageDir();
        Path mainJs = pkg.resolve("main.js");
        Path cert = pkg.resolve("server.json");
        if (!Files.isRegularFile(mainJs) || !Files.isRegularFile(cert)) {
            throw new IllegalStateException("kinesis-local is incomplete at " + pkg + " (main.js/server.json missing)");
        }
        Path logDir = LocalAws.logDir();
        Path preload = writePreload(logDir);
        RuntimeException last = null;
        if (options.plainPort > 0) {
            return launch(options, pkg, mainJs, cert, preload, logDir, options.plainPort, options.tlsPort);
        }
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = LocalAws.freePort();
            int tlsPort = LocalAws.freePort();
            if (tlsPort == port) {
                continue;
            }
            try {
                return launch(options, pkg, mainJs, cert, preload, logDir, port, tlsPort);
            } catch (PortClashException e) {
                // a free-port race: someone took the port between the probe and node's bind
                last = e;
                LOG.warn("kinesis-mock could not bind {}/{} (attempt {}), retrying", port, tlsPort, attempt);
            }
        }
        throw new IllegalStateException("kinesis-mock failed to start after " + START_ATTEMPTS + " attempts", last);
    }

    private static KinesisEmulator launch(Options options, Path pkg, Path mainJs, Path cert, Path preload,
            Path logDir, int port, int tlsPort) {
        Path log = logDir.resolve("kinesis-mock-" + port + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(options.nodeExecutable);
        cmd.add("--require");
        cmd.add(preload.toString());
        cmd.add(mainJs.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(logDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        Map<String, String> env = pb.environment();
        env.putAll(options.extraEnv);
        env.put("KINESIS_MOCK_CERT_PATH", cert.toString());
        env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(port));
        env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(tlsPort));
        env.put("KINESIS_MOCK_BIND_HOST", LocalAws.LOOPBACK_HOST);
        env.put("KINESIS_MOCK_EXIT_ON_STDIN_EOF", "true");
        env.put("AWS_ACCOUNT_ID", LocalAws.ACCOUNT_ID);
        env.put("AWS_REGION", LocalAws.REGION);
        boolean persist = options.persistDir != null;
        env.put("SHOULD_PERSIST_DATA", Boolean.toString(persist));
        env.put("LOAD_DATA_IF_EXISTS", Boolean.toString(persist));
        if (persist) {
            env.put("PERSIST_PATH", options.persistDir.toAbsolutePath().toString());
            env.put("PERSIST_INTERVAL", options.persistInterval.toMillis() + "ms");
        }
        env.put("LOG_LEVEL", options.logLevel);
        long t0 = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + options.nodeExecutable
                    + "' (Node.js is needed for kinesis-mock; set -Dcrowdemotion.node=/path/to/node)", e);
        }
        KinesisEmulator emulator = new KinesisEmulator(process, port, tlsPort, log);
        Runtime.getRuntime().addShutdownHook(emulator.shutdownHook);
        try {
            emulator.awaitReady(options.startTimeout);
        } catch (RuntimeException e) {
            emulator.close();
            throw e;
        }
        LOG.info("kinesis-mock ready at {} in {} ms (pid {}, log {})", emulator.endpoint,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), process.pid(), log);
        return emulator;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KinesisClient client = KinesisClient.builder()
                .endpointOverride(endpoint)
                .region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(5)).retryStrategy(r -> r.maxAttempts(1)))
                .build()) {
            SdkException lastError = null;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    String tail = logTail(40);
                    if (tail.contains("EADDRINUSE")) {
                        throw new PortClashException("kinesis-mock port in use:\n" + tail);
                    }
                    throw new IllegalStateException("kinesis-mock exited with code " + process.exitValue()
                            + "; log " + logFile + ":\n" + tail);
                }
                try {
                    client.listStreams(b -> b.limit(1));
                    return;
                } catch (SdkException e) {
                    lastError = e;
                }
                sleep(100);
            }
            throw new IllegalStateException("kinesis-mock did not answer ListStreams at " + endpoint + " within "
                    + timeout + "; log " + logFile + ":\n" + logTail(40), lastError);
        }
    }

    /** {@code http://127.0.0.1:<port>}, plain HTTP. */
    public URI endpoint() {
        return endpoint;
    }

    /** The plain-HTTP port. */
    public int port() {
        return port;
    }

    /** The TLS port (self-signed certificate; clients would need to trust all certificates). */
    public int tlsPort() {
        return tlsPort;
    }

    /** kinesis-mock's combined stdout/stderr. */
    public Path logFile() {
        return logFile;
    }

    /** Process id of the node process. */
    public long pid() {
        return process.pid();
    }

    /** Whether the node process is still running. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the node process (and any children). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException ignored) {
            // JVM already shutting down, or hook never registered
        }
        destroyProcessTree();
    }

    private void destroyProcessTree() {
        List<ProcessHandle> descendants = new ArrayList<>();
        process.descendants().forEach(descendants::add);
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * Finds {@code node_modules/kinesis-local}: system property {@code crowdemotion.kinesis-local.dir},
     * else under the local-stack module directory (found from the working directory, the repository
     * root or this class's location).
     */
    public static Path findPackageDir() {
        String explicit = System.getProperty("crowdemotion.kinesis-local.dir");
        if (explicit != null && !explicit.isBlank()) {
            return Paths.get(explicit).toAbsolutePath().normalize();
        }
        List<Path> tried = new ArrayList<>();
        for (Path base : LocalAws.moduleDirCandidates()) {
            Path pkg = base.resolve("node_modules").resolve("kinesis-local");
            tried.add(pkg);
            if (Files.isRegularFile(pkg.resolve("main.js"))) {
                return pkg;
            }
        }
        throw new IllegalStateException("npm package kinesis-local not found (tried " + tried
                + "). Run 'npm ci' in local-stack/ (the Maven build does it when node_modules is missing).");
    }

    private static Path writePreload(Path dir) {
        Path target = dir.resolve(PRELOAD_RESOURCE);
        try (InputStream in = KinesisEmulator.class.getResourceAsStream(PRELOAD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + PRELOAD_RESOURCE + " missing from the classpath");
            }
            Path tmp = Files.createTempFile(dir, "preload", ".js.tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static void ensureJsonProtocol() {
        if (System.getProperty("aws.cborEnabled") == null && System.getenv("CBOR_ENABLED") == null) {
            System.setProperty("aws.cborEnabled", "false");
            LOG.info("set aws.cborEnabled=false: kinesis-mock is used over AWS JSON");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for kinesis-mock", e);
        }
    }

    private static final class PortClashException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortClashException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "KinesisEmulator[" + endpoint + ", pid " + process.pid() + "]";
    }
}
