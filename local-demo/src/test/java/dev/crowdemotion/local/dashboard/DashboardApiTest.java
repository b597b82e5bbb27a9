package dev.crowdemotion.local.dashboard;

import static dev.crowdemotion.local.dashboard.ScoreTables.WINDOW_MS;
import static dev.crowdemotion.local.dashboard.ScoreTables.mood;
import static dev.crowdemotion.local.dashboard.ScoreTables.score;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.scores.StageScoreQueries;
import dev.crowdemotion.scores.StageWindowScore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The dashboard's JSON API and HTTP rules against DynamoDB Local, with a fixed clock: values,
 * ordering, stage discovery, ranges, escaping of hostile names, and what it refuses.
 */
class DashboardApiTest {
    /** The newest window start "now" (a multiple of the window size); now is 5 s into it. */
    private static final long TO = 1_750_000_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(TO + 5_000), ZoneOffset.UTC);
    private static final String HOSTILE_STAGE = "<script>alert('stage')</script>";
    private static final String HOSTILE_ARTIST = "</script><img src=x onerror=alert(1)> & \"Friends\"";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ScoreTables tables;
    private static Dashboard dashboard;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<StageWindowScore> LATEST = new ArrayList<>();

    @BeforeAll
    static void seed() {
        tables = ScoreTables.start();
        for (int i = 5; i >= 0; i--) {
            long w = TO - i * WINDOW_MS;
            StageWindowScore pop = score("pop", w, 120, 114, mood("party", i), "The Astronauts", i < 3 ? "Lift Off" : "Countdown");
            StageWindowScore rock = score("rock", w, 140, 126, mood("mosh", i), "Volt & \"The Amps\"", "Riff Raff");
            tables.put(pop);
            tables.put(rock);
            if (i == 0) {
                LATEST.add(pop);
                LATEST.add(rock);
            }
        }
        // jazz: only older windows (not on the newest leaderboard), one without any enriched face
        tables.put(score("jazz", TO - 5 * WINDOW_MS, 60, 55, mood("mellow", 5), "Grace Notes", "Blue Hour"));
        tables.put(score("jazz", TO - 4 * WINDOW_MS, 62, 0, mood("mellow", 4), "Grace Notes", "Blue Hour"));
        tables.put(score("jazz", TO - 3 * WINDOW_MS, 58, 52, mood("mellow", 3), null, null));
        // a hostile stage and artist on the newest window
        StageWindowScore hostile = score(HOSTILE_STAGE, TO, 10, 9, mood("mellow", 0), HOSTILE_ARTIST, "<b>bold</b>");
        tables.put(hostile);
        LATEST.add(hostile);
        // pop 20 minutes ago: outside the default range
        tables.put(score("pop", TO - 120 * WINDOW_MS, 100, 100, mood("party", 1), null, null));

        dashboard = Dashboard.start(tables.queries(), Dashboard.Settings.defaults().withPort(0).withClock(CLOCK));
    }

    @AfterAll
    static void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
        if (tables != null) {
            tables.close();
        }
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(dashboard.uri().resolve(pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode api(String query) throws Exception {
        HttpResponse<String> r = get("/api/dashboard" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        return JSON.readTree(r.body());
    }

    @Test
    void leaderboardIsTheNewestWindowRankedByEnergy() throws Exception {
        JsonNode snapshot = api("");
        JsonNode board = snapshot.get("leaderboard");
        assertThat(board.get("windowStart").asLong()).isEqualTo(TO);
        assertThat(board.get("windowEnd").asLong()).isEqualTo(TO + WINDOW_MS);

        List<StageWindowScore> expected = new ArrayList<>(LATEST);
        expected.sort((a, b) -> Double.compare(b.energy(), a.energy()));
        assertThat(expected).extracting(StageWindowScore::getStageId).containsExactly("pop", "rock", HOSTILE_STAGE);
        JsonNode entries = board.get("entries");
        assertThat(entries).hasSize(3);
        for (int i = 0; i < expected.size(); i++) {
            StageWindowScore s = expected.get(i);
            JsonNode e = entries.get(i);
            assertThat(e.get("rank").asInt()).isEqualTo(i + 1);
            assertThat(e.get("stage").asText()).isEqualTo(s.getStageId());
            assertThat(e.get("energy").asDouble()).isCloseTo(s.energy(), within(0.0005));
            assertThat(e.get("coverage").asDouble()).isCloseTo(s.coverage(), within(0.0005));
            assertThat(e.get("facesDetected").asLong()).isEqualTo(s.getFacesDetected());
            assertThat(e.get("facesEnriched").asLong()).isEqualTo(s.getFacesEnriched());
            assertThat(e.get("dominantEmotion").asText()).isEqualTo(s.dominantEmotion().name());
            assertThat(e.get("dominantShare").asDouble()).isCloseTo(s.share(s.dominantEmotion()), within(0.0005));
            assertThat(e.get("artist").asText()).isEqualTo(s.getArtist());
            assertThat(e.get("trackTitle").asText()).isEqualTo(s.getTrackTitle());
        }
        assertThat(entries.get(0).get("dominantEmotion").asText()).isEqualTo("HAPPY");
        assertThat(entries.get(0).get("energy").asDouble()).isBetween(80.0, 95.0);
        assertThat(entries.get(2).get("dominantEmotion").asText()).isEqualTo("CALM");
    }

    @Test
    void stagesAreThoseOnAnyLeaderboardInRangeWithTimelinesOldestFirst() throws Exception {
        JsonNode snapshot = api("?minutes=1");
        assertThat(snapshot.get("to").asLong()).isEqualTo(TO);
        assertThat(snapshot.get("from").asLong()).isEqualTo(TO - 5 * WINDOW_MS);
        assertThat(snapshot.get("slideMs").asLong()).isEqualTo(WINDOW_MS);
        assertThat(snapshot.get("generatedAt").asLong()).isEqualTo(TO + 5_000);
        assertThat(texts(snapshot.get("emotions")))
                .containsExactly("HAPPY", "SAD", "ANGRY", "CONFUSED", "DISGUSTED", "SURPRISED", "CALM", "FEAR");
        JsonNode stages = snapshot.get("stages");
        List<String> names = new ArrayList<>();
        stages.forEach(s -> names.add(s.get("stage").asText()));
        assertThat(names).containsExactly(HOSTILE_STAGE, "jazz", "pop", "rock");

        JsonNode pop = stages.get(2);
        List<Long> starts = new ArrayList<>();
        pop.get("points").forEach(p -> starts.add(p.get("windowStart").asLong()));
        assertThat(starts).containsExactly(TO - 50_000, TO - 40_000, TO - 30_000, TO - 20_000, TO - 10_000, TO);
        JsonNode last = pop.get("points").get(5);
        StageWindowScore expected = LATEST.get(0);
        assertThat(last.get("energy").asDouble()).isCloseTo(expected.energy(), within(0.0005));
        assertThat(last.get("meanConfidence").get("HAPPY").asDouble()).isEqualTo(expected.getMeanConfidence()[0]);
        assertThat(last.get("meanConfidence").get("CALM").asDouble()).isEqualTo(expected.getMeanConfidence()[6]);
        assertThat(last.get("dominantEmotion").asText()).isEqualTo("HAPPY");
        assertThat(last.get("framesSeen").asLong()).isEqualTo(20);
        assertThat(pop.get("nowPlaying").get("artist").asText()).isEqualTo("The Astronauts");
        assertThat(pop.get("nowPlaying").get("trackTitle").asText()).isEqualTo("Lift Off");
        assertThat(pop.get("nowPlaying").get("windowStart").asLong()).isEqualTo(TO);

        // jazz: three windows; the one without enriched faces has no energy and no means; its
        // newest window had nothing scheduled
        JsonNode jazz = stages.get(1);
        assertThat(jazz.get("points")).hasSize(3);
        JsonNode blind = jazz.get("points").get(1);
        assertThat(blind.get("facesDetected").asLong()).isEqualTo(62);
        assertThat(blind.get("energy").isNull()).isTrue();
        assertThat(blind.get("coverage").asDouble()).isEqualTo(0.0);
        assertThat(blind.get("dominantEmotion").isNull()).isTrue();
        assertThat(blind.get("meanConfidence").get("HAPPY").isNull()).isTrue();
        assertThat(jazz.get("nowPlaying").isNull()).isTrue();
    }

    @Test
    void rangeSelectsWindows() throws Exception {
        assertThat(pointsOf(api(""), "pop")).isEqualTo(6);                // default 10 minutes
        assertThat(pointsOf(api("?minutes=30"), "pop")).isEqualTo(7);     // 20 minutes back included
        JsonNode shortest = api("?minutes=1");
        assertThat(shortest.get("to").asLong() - shortest.get("from").asLong()).isEqualTo(50_000);
        assertThat(get("/api/dashboard?minutes=0").statusCode()).isEqualTo(400);
        assertThat(get("/api/dashboard?minutes=61").statusCode()).isEqualTo(400);
        HttpResponse<String> bad = get("/api/dashboard?minutes=abc");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").asText()).contains("minutes");
    }

    @Test
    void hostileNamesAreEscapedInTheRawJsonAndRoundTripExactly() throws Exception {
        String raw = get("/api/dashboard").body();
        assertThat(raw).doesNotContain("<").doesNotContain(">").doesNotContain("&").doesNotContain("'");
        assertThat(raw).contains("\\u003Cscript\\u003Ealert(\\u0027stage\\u0027)\\u003C/script\\u003E");
        JsonNode snapshot = JSON.readTree(raw);
        JsonNode hostile = snapshot.get("leaderboard").get("entries").get(2);
        assertThat(hostile.get("stage").asText()).isEqualTo(HOSTILE_STAGE);
        assertThat(hostile.get("artist").asText()).isEqualTo(HOSTILE_ARTIST);
        assertThat(hostile.get("trackTitle").asText()).isEqualTo("<b>bold</b>");
        assertThat(snapshot.get("stages").get(0).get("nowPlaying").get("artist").asText()).isEqualTo(HOSTILE_ARTIST);
        assertThat(snapshot.get("stages").get(3).get("nowPlaying").get("artist").asText()).isEqualTo("Volt & \"The Amps\"");
    }

    @Test
    void aRewrittenRecentWindowShowsOnTheNextRead() throws Exception {
        Dashboard other = Dashboard.start(tables.queries(), Dashboard.Settings.defaults().withPort(0).withClock(CLOCK));
        try (other) {
            HttpResponse<String> before = HTTP.send(HttpRequest.newBuilder(other.uri().resolve("/api/dashboard")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(before.body()).get("stages")).hasSize(4);
            // a new stage appears in the newest window and tops it: seen on the next refresh
            StageWindowScore folk = score("folk", TO, 30, 30, mood("wild", 0), "Fiddlers", "Reel");
            tables.put(folk);
            try {
                HttpResponse<String> after = HTTP.send(HttpRequest.newBuilder(other.uri().resolve("/api/dashboard")).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode snapshot = JSON.readTree(after.body());
                assertThat(snapshot.get("leaderboard").get("entries").get(0).get("stage").asText()).isEqualTo("folk");
                assertThat(snapshot.get("stages")).hasSize(5);
            } finally {
                tables.dynamoDb.deleteItem(b -> b.tableName(ScoreTables.STAGE_TABLE).key(Map.of(
                        "stage_id", AttributeValue.fromS("folk"), "window_start", AttributeValue.fromN(Long.toString(TO)))));
            }
        }
    }

    @Test
    void servesThePageAndItsFilesOnly() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(Dashboard.CONTENT_SECURITY_POLICY);
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.body()).contains("<script src=\"vendor/chart.umd.min.js\"").contains("dashboard.js");
        HttpResponse<String> chart = get("/vendor/chart.umd.min.js");
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(chart.body()).startsWith("/*!\n * Chart.js v4.");
        assertThat(get("/dashboard.js").statusCode()).isEqualTo(200);
        assertThat(get("/dashboard.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        for (String path : List.of("/nope", "/vendor/README.md", "/Dashboard.class", "/%2e%2e/pom.xml",
                "/dev/crowdemotion/local/dashboard/index.html", "/api/dashboard/x")) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(dashboard.uri().resolve("/api/dashboard"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(dashboard.uri()).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void listensOnLoopbackAndRefusesForeignHostHeaders() throws Exception {
        assertThat(dashboard.uri().toString()).isEqualTo("http://127.0.0.1:" + dashboard.port() + "/");
        assertThat(rawStatus("127.0.0.1:" + dashboard.port())).isEqualTo(200);
        assertThat(rawStatus("localhost:" + dashboard.port())).isEqualTo(200);
        assertThat(rawStatus("evil.example:" + dashboard.port())).isEqualTo(403);
        assertThat(rawStatus("127.0.0.1.evil.example")).isEqualTo(403);
    }

    @Test
    void aPortInUseFallsBackToAFreeOneOrFails() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            try (Dashboard d = Dashboard.start(tables.queries(), Dashboard.Settings.defaults().withPort(port))) {
                assertThat(d.port()).isNotEqualTo(port).isPositive();
                assertThat(d.fellBack()).isTrue();
                assertThat(d.banner()).isEqualTo("Dashboard: http://127.0.0.1:" + d.port() + "/  (port " + port
                        + " is in use; took a free one)");
            }
            assertThatThrownBy(() -> Dashboard.start(tables.queries(),
                    Dashboard.Settings.defaults().withPort(port).withFallbackToFreePort(false)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(":" + port);
        }
        assertThat(dashboard.fellBack()).isFalse();
        assertThat(dashboard.banner()).isEqualTo("Dashboard: " + dashboard.uri());
    }

    @Test
    void unreadableTablesAnswer503WithTheReason() throws Exception {
        StageScoreQueries missing = new StageScoreQueries(tables.dynamoDb, "no-such-table", "no-such-table");
        try (Dashboard d = Dashboard.start(missing, Dashboard.Settings.defaults().withPort(0).withClock(CLOCK))) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(d.uri().resolve("/api/dashboard")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("cannot read the score tables");
        }
        Dashboard closed = Dashboard.start(missing, Dashboard.Settings.defaults().withPort(0));
        closed.close();
        closed.close(); // idempotent
        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(closed.uri()).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    private static int pointsOf(JsonNode snapshot, String stage) {
        for (JsonNode s : snapshot.get("stages")) {
            if (s.get("stage").asText().equals(stage)) {
                return s.get("points").size();
            }
        }
        throw new AssertionError("no stage " + stage);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The status of {@code GET /} sent with this Host header (the JDK client will not send a foreign one). */
    private static int rawStatus(String host) throws IOException {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), dashboard.port())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }
}
