package dev.crowdemotion.local.dynamodb;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import dev.crowdemotion.local.aws.LocalAws;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB Local 2.6.1 (com.amazonaws:DynamoDBLocal) running in this JVM as an HTTP server on
 * 127.0.0.1, in memory, or on disk ({@link #start(int, java.nio.file.Path)}).
 *
 * <p>DynamoDB Local's own {@code ServerRunner}/{@code DynamoDBProxyServer} binds Jetty to all
 * interfaces and configures telemetry (a Pinpoint client and a metadata file in the working
 * directory). This class instead wires DynamoDB Local's request handler into its own Jetty
 * connector bound to 127.0.0.1 (the same handler chain {@code DynamoDBProxyServer} builds), with
 * no telemetry.
 *
 * <p>The database is shared ({@code -sharedDb}): every access key and region sees the same tables,
 * so clients need not agree on credentials. sqlite4java's JNI library ships inside the
 * DynamoDBLocal 2.6.x jar and is extracted to {@code java.io.tmpdir} and loaded on first use, so
 * neither {@code sqlite4java.library.path} nor a copy of the {@code libsqlite4java-*.so}
 * artifacts is needed, in Surefire or in a plain {@code java -cp} launch.
 */
public final class DynamoDbLocalServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbLocalServer.class);

    private final Server server;
    private final LocalDynamoDBRequestHandler requestHandler;
    private final int port;
    private final URI endpoint;
    private volatile boolean closed;

    private DynamoDbLocalServer(Server server, LocalDynamoDBRequestHandler requestHandler, int port) {
        this.server = server;
        this.requestHandler = requestHandler;
        this.port = port;
        this.endpoint = LocalAws.loopbackEndpoint(port);
    }

    /** Starts an in-memory DynamoDB Local on a free port of 127.0.0.1. */
    public static DynamoDbLocalServer start() {
        return start(0);
    }

    /** Starts an in-memory DynamoDB Local on {@code port} of 127.0.0.1 (0 = a free port). */
    public static DynamoDbLocalServer start(int port) {
        return start(port, null);
    }

    /**
     * Starts DynamoDB Local on {@code port} of 127.0.0.1 (0 = a free port), keeping its database
     * in {@code dbPath} (DynamoDB Local's {@code -dbPath}: one SQLite file, {@code shared-local-instance.db})
     * so that a server started again on the same directory has the tables and items of the one
     * before; in memory if {@code dbPath} is null.
     *
     * @throws IllegalStateException if the directory is unusable or the port is taken
     */
    public static DynamoDbLocalServer start(int port, java.nio.file.Path dbPath) {
        long t0 = System.nanoTime();
        LocalDynamoDBRequestHandler requestHandler;
        try {
            // (unused port arg, inMemory, dbPath, sharedDb, delayTransientStatuses): as ServerRunner
            // builds it for "-inMemory -sharedDb", or for "-dbPath DIR -sharedDb".
            requestHandler = dbPath == null
                    ? new LocalDynamoDBRequestHandler(0, true, null, true, false)
                    : new LocalDynamoDBRequestHandler(0, false, dbPath.toAbsolutePath().toString(), true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create DynamoDB Local's request handler", e);
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(LocalAws.LOOPBACK_HOST);
        connector.setPort(port);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler();
        context.setHandler(new LocalDynamoDBServerHandler(requestHandler, null));
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(context);
        server.setHandler(contexts);
        server.setStopAtShutdown(true);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            requestHandler.shutdown();
            throw new IllegalStateException("cannot start DynamoDB Local on " + LocalAws.LOOPBACK_HOST + ":" + port, e);
        }
        DynamoDbLocalServer s = new DynamoDbLocalServer(server, requestHandler, connector.getLocalPort());
        LOG.info("DynamoDB Local ready at {} in {} ms", s.endpoint,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return s;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /** Stops the server and drops the in-memory database (a {@code dbPath} database stays on disk). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping DynamoDB Local failed", e);
        } finally {
            requestHandler.shutdown();
        }
    }

    @Override
    public String toString() {
        return "DynamoDbLocalServer[" + endpoint + "]";
    }
}
