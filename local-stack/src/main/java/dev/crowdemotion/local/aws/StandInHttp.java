package dev.crowdemotion.local.aws;

import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP plumbing shared by the AWS stand-ins (JDK {@code com.sun.net.httpserver}): answering an
 * exchange the way AWS services do (a fresh {@code x-amzn-RequestId}, and {@code x-amzn-ErrorType}
 * on errors), and daemon threads for their executors.
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
