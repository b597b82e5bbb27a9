package dev.crowdemotion.simulator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Starts kinesis-mock (npm package kinesis-local) with node for integration tests. Looks for the
 * package in the system property {@code kinesis.local.dir}, the environment variable
 * {@code KINESIS_LOCAL_DIR}, or {@code local-stack/node_modules/kinesis-local} of the repository.
 * A preload script makes it listen on loopback only and exit when this JVM goes away (stdin EOF).
 */
final class KinesisMock implements AutoCloseable {
    /** node --require script: loopback-only listeners; exit on stdin EOF (no orphan when the JVM dies). */
    private static final String PRELOAD = String.join("\n",
            "'use strict';",
            "const net = require('net');",
            "const anyHost = (h) => h === undefined || h === null || h === '' || h === '0.0.0.0' || h === '::';",
            "const listen = net.Server.prototype.listen;",
            "net.Server.prototype.listen = function (...args) {",
            "  if (args.length > 0 && args[0] !== null && typeof args[0] === 'object' && !Array.isArray(args[0])) {",
            "    if (anyHost(args[0].host) && args[0].path === undefined) args[0] = Object.assign({}, args[0], { host: '127.0.0.1' });",
            "  } else if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\\d+$/.test(args[0]))) {",
            "    if (typeof args[1] === 'string') { if (anyHost(args[1])) args[1] = '127.0.0.1'; } else { args.splice(1, 0, '127.0.0.1'); }",
            "  }",
            "  return listen.apply(this, args);",
            "};",
            "process.stdin.on('end', () => process.exit(0));",
            "process.stdin.on('error', () => process.exit(0));",
            "process.stdin.resume();",
            "");

    private final Process process;
    private final int port;

    private KinesisMock(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The package folder (with main.js), or null if it is not installed or node is missing. */
    static Path packageDir() {
        String[] candidates = {System.getProperty("kinesis.local.dir"), System.getenv("KINESIS_LOCAL_DIR")};
        for (String c : candidates) {
            if (c != null && Files.isRegularFile(Path.of(c, "main.js"))) return nodeAvailable() ? Path.of(c) : null;
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("local-stack/node_modules/kinesis-local");
            if (Files.isRegularFile(p.resolve("main.js"))) return nodeAvailable() ? p : null;
        }
        return null;
    }

    static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts it on free loopback ports and waits until it accepts connections. */
    static KinesisMock start(Path packageDir, Path logFile) throws IOException, InterruptedException {
        int plain = freePort();
        int tls = freePort();
        Path preload = logFile.toAbsolutePath().resolveSibling("kinesis-mock-preload.js");
        Files.writeString(preload, PRELOAD);
        ProcessBuilder pb = new ProcessBuilder("node", "--require", preload.toString(), "main.js")
                .directory(packageDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
        pb.environment().put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(plain));
        pb.environment().put("KINESIS_MOCK_TLS_PORT", Integer.toString(tls));
        pb.environment().put("LOG_LEVEL", "WARN");
        Process p = pb.start(); // stdin stays a pipe: closed when this JVM exits
        KinesisMock mock = new KinesisMock(p, plain);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("kinesis-mock exited with " + p.exitValue() + "; see " + logFile);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", plain), 500);
                return mock;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        mock.close();
        throw new IOException("kinesis-mock did not listen on " + plain + " within 60 s; see " + logFile);
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // it is being destroyed anyway
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
