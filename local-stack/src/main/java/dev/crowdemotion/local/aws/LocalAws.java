package dev.crowdemotion.local.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Constants and helpers shared by the local AWS stand-ins (kinesis-mock, DynamoDB Local, the
 * Rekognition and SageMaker Runtime stand-ins) and the clients that talk to them.
 */
public final class LocalAws {
    private LocalAws() {}

    /** Region every stand-in and client uses. */
    public static final String REGION = "us-east-1";

    /** kinesis-mock's default account (its {@code AWS_ACCOUNT_ID}); {@link dev.crowdemotion.local.kinesis.KinesisEmulator} pins it. */
    public static final String ACCOUNT_ID = "000000000000";

    /**
     * Dummy access key. Deliberately not a 12-digit number: kinesis-mock would take a 12-digit key
     * as the account id; anything else falls back to {@link #ACCOUNT_ID}.
     */
    public static final String ACCESS_KEY_ID = "LOCALSTANDINKEY";

    /** Dummy secret key: the stand-ins do not verify signatures. */
    public static final String SECRET_ACCESS_KEY = "local-stand-in-secret";

    /** Static dummy credentials for SDK clients pointed at the stand-ins. */
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));

    /** Host the stand-ins listen on. */
    public static final String LOOPBACK_HOST = "127.0.0.1";

    /** {@link #REGION} as an SDK {@link Region}. */
    public static Region region() {
        return Region.of(REGION);
    }

    /** ARN of a Kinesis data stream in {@link #REGION} / {@link #ACCOUNT_ID}. */
    public static String streamArn(String streamName) {
        if (streamName == null || streamName.isEmpty()) {
            throw new IllegalArgumentException("streamName must not be empty");
        }
        return "arn:aws:kinesis:" + REGION + ":" + ACCOUNT_ID + ":stream/" + streamName;
    }

    /** {@code http://127.0.0.1:port}. */
    public static URI loopbackEndpoint(int port) {
        return URI.create("http://" + LOOPBACK_HOST + ":" + port);
    }

    /**
     * The address a stand-in binds: {@link #LOOPBACK_HOST} unless told otherwise (e.g.
     * {@code 0.0.0.0} inside a container, where other containers must reach it).
     *
     * @throws IllegalArgumentException if {@code host} is not an IP address or a resolvable name
     */
    public static InetAddress bindAddress(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("bind address must not be empty");
        }
        try {
            return InetAddress.getByName(host.trim());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown bind address " + host, e);
        }
    }

    /**
     * {@code http://host:port} of a bound server socket, for clients on the same host: a wildcard
     * address ({@code 0.0.0.0}, {@code ::}) is reported as {@link #LOOPBACK_HOST}, IPv6 literals
     * in brackets.
     */
    public static URI endpointOf(InetSocketAddress bound) {
        InetAddress a = bound.getAddress();
        String host = a == null || a.isAnyLocalAddress() ? LOOPBACK_HOST : a.getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort());
    }

    /**
     * A TCP port that was free on 127.0.0.1 a moment ago. Another process may take it before the
     * caller binds it; callers that bind themselves should prefer port 0.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK_HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + LOOPBACK_HOST, e);
        }
    }

    /**
     * The local-stack module directory (the one holding its pom.xml and package.json), found from
     * the working directory (the repository root or the module itself) or from where this class
     * was loaded ({@code local-stack/target/classes} or a jar in {@code local-stack/target}).
     */
    public static Optional<Path> moduleDir() {
        for (Path candidate : moduleDirCandidates()) {
            if (Files.isRegularFile(candidate.resolve("package.json"))
                    && Files.isRegularFile(candidate.resolve("pom.xml"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Candidate module directories, most specific first (see {@link #moduleDir()}). */
    public static List<Path> moduleDirCandidates() {
        Set<Path> out = new LinkedHashSet<>();
        String explicit = System.getProperty("crowdemotion.localstack.dir");
        if (explicit != null && !explicit.isBlank()) {
            out.add(Paths.get(explicit).toAbsolutePath().normalize());
        }
        Path cwd = Paths.get("").toAbsolutePath().normalize();
        out.add(cwd);
        // the repository root is the working directory or one of its parents (e.g. a sibling module)
        for (Path p = cwd; p != null; p = p.getParent()) {
            out.add(p.resolve("local-stack"));
        }
        codeSourceDir().ifPresent(dir -> {
            // .../local-stack/target/classes -> .../local-stack ; .../local-stack/target/x.jar -> .../local-stack
            Path p = dir;
            for (int i = 0; i < 3 && p != null; i++) {
                out.add(p);
                p = p.getParent();
            }
        });
        return new ArrayList<>(out);
    }

    /** Directory holding this module's classes (target/classes) or its jar's directory. */
    public static Optional<Path> codeSourceDir() {
        try {
            var cs = LocalAws.class.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null) {
                return Optional.empty();
            }
            Path p = Paths.get(cs.getLocation().toURI()).toAbsolutePath().normalize();
            return Optional.of(Files.isDirectory(p) ? p : p.getParent());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A directory for stand-in logs: {@code local-stack/target/local-aws} when the module directory
     * is known, else {@code java.io.tmpdir/crowd-emotion-local-aws}. Created if missing.
     */
    public static Path logDir() {
        Path dir = moduleDir()
                .map(m -> m.resolve("target").resolve("local-aws"))
                .orElseGet(() -> Paths.get(System.getProperty("java.io.tmpdir"), "crowd-emotion-local-aws"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }
}
