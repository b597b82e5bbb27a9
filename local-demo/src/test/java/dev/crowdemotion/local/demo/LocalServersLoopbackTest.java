package dev.crowdemotion.local.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.local.dashboard.Dashboard;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every server of the local system, started with its defaults as the local run starts it
 * ({@link LocalStack#start}: kinesis-mock, DynamoDB Local, the Rekognition, SageMaker Runtime and
 * CloudWatch stand-ins, the model server; and the live {@link Dashboard}), listens on loopback
 * only. Read from the kernel ({@code /proc/net/tcp}, {@code /proc/net/tcp6}): every listening TCP
 * socket owned by this JVM and by the kinesis-mock process tree, whatever opened it, so a server
 * that binds the wildcard address (as DynamoDB Local's own launcher and Node's default do) fails
 * the test. Each known port is then also tried on the machine's non-loopback addresses, which
 * must refuse.
 */
class LocalServersLoopbackTest {
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

    @Test
    void everyLocalServerListensOnLoopbackOnly() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd")),
                "needs Linux /proc");
        Map<String, Properties> groups = ApplicationProperties.fromFile(
                Path.of("..", "config", "local.json").toString());
        try (LocalStack stack = LocalStack.start(groups);
             Dashboard dashboard = Dashboard.start(stack.dynamoDb(), stack.config(), 0)) {
            Map<String, Integer> servers = new LinkedHashMap<>();
            servers.put("kinesis-mock", stack.kinesisEmulator().port());
            servers.put("kinesis-mock TLS", stack.kinesisEmulator().tlsPort());
            servers.put("DynamoDB Local", stack.dynamoDbServer().port());
            servers.put("Rekognition stand-in", stack.rekognition().port());
            servers.put("model server", stack.modelServer().port());
            servers.put("SageMaker Runtime stand-in", stack.sageMaker().port());
            servers.put("CloudWatch stand-in", stack.cloudWatch().port());
            servers.put("dashboard", dashboard.port());

            List<Long> pids = new ArrayList<>();
            pids.add(ProcessHandle.current().pid());
            pids.add(stack.kinesisEmulator().pid());
            ProcessHandle.of(stack.kinesisEmulator().pid())
                    .ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
            Map<Integer, List<String>> listening = listeningSockets(pids);

            // not vacuous: the kernel shows a listening socket for each server
            assertThat(listening.keySet()).as("listening ports of %s", pids).containsAll(servers.values());
            assertThat(listening).as("listening sockets by port (all must be loopback)")
                    .allSatisfy((port, addresses) -> assertThat(addresses).as("port %d", port)
                            .allMatch(LocalServersLoopbackTest::isLoopback, "loopback"));

            for (InetAddress external : nonLoopbackAddresses()) {
                for (Map.Entry<String, Integer> server : servers.entrySet()) {
                    assertThat(connects(external, server.getValue()))
                            .as("%s reachable on %s:%d", server.getKey(), external.getHostAddress(), server.getValue())
                            .isFalse();
                }
            }
        }
    }

    /** Port to local addresses (hex, as in /proc) of the LISTEN sockets whose inodes the processes hold. */
    private static Map<Integer, List<String>> listeningSockets(List<Long> pids) throws IOException {
        Set<String> inodes = new java.util.HashSet<>();
        for (long pid : pids) {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
                for (Path fd : fds) {
                    try {
                        Matcher m = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
                        if (m.matches()) {
                            inodes.add(m.group(1));
                        }
                    } catch (IOException | UnsupportedOperationException closedMeanwhile) {
                        // the descriptor was closed while listing
                    }
                }
            }
        }
        Map<Integer, List<String>> out = new TreeMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                    String[] local = f[1].split(":");
                    out.computeIfAbsent(Integer.parseInt(local[1], 16), p -> new ArrayList<>()).add(local[0]);
                }
            }
        }
        return out;
    }

    /** A /proc/net address in hex: IPv4 127/8 (little-endian word), IPv6 ::1 or IPv4-mapped 127/8. */
    static boolean isLoopback(String hex) {
        if (hex.length() == 8) {
            return hex.endsWith("7F");
        }
        return hex.equals("00000000000000000000000001000000")
                || (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"));
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .collect(Collectors.toList());
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException refusedOrUnreachable) {
            return false;
        }
    }

    @Test
    void loopbackAddressesAreToldApartInProcFormat() {
        assertThat(isLoopback("0100007F")).isTrue();                                   // 127.0.0.1
        assertThat(isLoopback("0200007F")).isTrue();                                   // 127.0.0.2
        assertThat(isLoopback("00000000")).isFalse();                                  // 0.0.0.0
        assertThat(isLoopback("0100000A")).isFalse();                                  // 10.0.0.1
        assertThat(isLoopback("00000000000000000000000001000000")).isTrue();           // ::1
        assertThat(isLoopback("00000000000000000000000000000000")).isFalse();          // ::
        assertThat(isLoopback("0000000000000000FFFF00000100007F")).isTrue();           // ::ffff:127.0.0.1
        assertThat(isLoopback("0000000000000000FFFF00000100000A")).isFalse();          // ::ffff:10.0.0.1
    }
}
