package dev.crowdemotion.local.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP plumbing shared by the AWS stand-ins (JDK {@code com.sun.net.httpserver}): answering an
 * exchange the way AWS services do (a fresh {@code x-amzn-RequestId}, and {@code x-amzn-ErrorType}
 * on errors), binding their servers, and daemon threads for their executors.
 */
public final class StandInHttp {
    private static final Logger LOG = LoggerFactory.getLogger(StandInHttp.class);

    private StandInHttp() {}

    /**
     * Sends the response and closes the exchange; a client that has gone away is logged at debug
     * level, not thrown.
     *
     * @param errorType AWS error code for {@code x-amzn-ErrorType}, or {@code null} for a success
     * @param body the body; empty means no body
     */
    public static void respond(HttpExchange exchange, int status, String contentType, String errorType, byte[] body) {
        try {
            if (errorType != null) {
                exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
            }
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.debug("response not delivered (client gone?): {}", e.toString());
        } finally {
            exchange.close();
        }
    }

    /**
     * Creates (not starts) a server listening on {@code bindAddress:port}, with TCP_NODELAY on its
     * sockets: without it, Nagle's algorithm against the client's delayed ACKs adds ~40 ms to every
     * response (the JDK reads the property once, when the first HttpServer is made).
     *
     * @param port 0 picks a free port
     * @throws IllegalArgumentException if the address does not resolve ({@link LocalAws#bindAddress})
     * @throws IllegalStateException if the address and port cannot be bound
     */
    public static HttpServer bind(String bindAddress, int port, int backlog) {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        try {
            return HttpServer.create(new InetSocketAddress(LocalAws.bindAddress(bindAddress), port), backlog);
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind " + bindAddress + ":" + port, e);
        }
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
