package dev.crowdemotion.local.standins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.local.aws.LocalAws;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link StandInsMain} as a process runs it: loopback by default, {@code --bind-address} reaching
 * all four servers, {@code --no-stdin} running until stopped, and the stdin mode ending when
 * standard input closes.
 */
class StandInsMainTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SERVERS = List.of("rekognition", "sagemaker", "modelServer", "cloudwatch");

    @Test
    void defaultsAreLoopbackAndStdin() {
        StandInsMain main = new StandInsMain();
        new CommandLine(main).parseArgs();
        assertThat(main.bindAddress).isEqualTo(LocalAws.LOOPBACK_HOST).isEqualTo("127.0.0.1");
        assertThat(main.noStdin).isFalse();

        new CommandLine(main).parseArgs("--bind-address", "0.0.0.0", "--no-stdin");
        assertThat(main.bindAddress).isEqualTo("0.0.0.0");
        assertThat(main.noStdin).isTrue();
    }

    @Test
    void stdinModeServesOnLoopbackUntilInputCloses() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new StandInsMain(new ByteArrayInputStream(new byte[0])));
        cmd.setOut(new PrintWriter(out, true));

        assertThat(cmd.execute()).isZero();

        JsonNode endpoints = JSON.readTree(out.toString().strip());
        for (String server : SERVERS) {
            assertThat(URI.create(endpoints.get(server).asText()).getHost()).as(server).isEqualTo("127.0.0.1");
        }
        assertThat(endpoints.get("endpointName").asText()).isEqualTo("crowd-emotion-blazeface");
    }

    @Test
    void bindAddressReachesEveryServerAndNoStdinRunsUntilStopped() throws Exception {
        // 127.0.0.2 is loopback too (Linux routes all of 127/8 to lo), so the test exposes nothing,
        // yet shows the address is bound instead of 127.0.0.1.
        assumeTrue(canBind("127.0.0.2"), "127.0.0.2 is not a local address here");
        StringWriter out = new StringWriter();
        StandInsMain main = new StandInsMain(new ByteArrayInputStream(new byte[0]));  // closed stdin is ignored
        CommandLine cmd = new CommandLine(main);
        cmd.setOut(new PrintWriter(out, true));
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(
                () -> cmd.execute("--bind-address", "127.0.0.2", "--no-stdin"));

        JsonNode endpoints = awaitEndpoints(out, run);
        assertThat(run).isNotDone();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String server : SERVERS) {
            URI uri = URI.create(endpoints.get(server).asText());
            assertThat(uri.getHost()).as(server).isEqualTo("127.0.0.2");
            assertThatThrownBy(() -> new Socket(InetAddress.getByName("127.0.0.1"), uri.getPort()).close())
                    .as(server + " must not listen on 127.0.0.1").isInstanceOf(ConnectException.class);
        }
        HttpResponse<String> dashboards = http.send(HttpRequest.newBuilder(
                URI.create(endpoints.get("cloudwatch").asText() + "/standin/dashboards")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(dashboards.statusCode()).isEqualTo(200);
        HttpResponse<String> ping = http.send(HttpRequest.newBuilder(
                URI.create(endpoints.get("modelServer").asText() + "/ping")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ping.statusCode()).isEqualTo(200);

        main.stop();
        assertThat(run.get(30, TimeUnit.SECONDS)).isZero();
        int cloudWatchPort = URI.create(endpoints.get("cloudwatch").asText()).getPort();
        assertThatThrownBy(() -> new Socket(InetAddress.getByName("127.0.0.2"), cloudWatchPort).close())
                .as("closed after stop").isInstanceOf(ConnectException.class);
    }

    private static JsonNode awaitEndpoints(StringWriter out, CompletableFuture<Integer> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String text = out.toString();
            if (text.contains("\n")) {
                return JSON.readTree(text.substring(0, text.indexOf('\n')));
            }
            if (run.isDone()) {
                throw new AssertionError("stand-ins ended before serving, exit " + run.get());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no endpoints line within 120 s");
    }

    private static boolean canBind(String address) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
