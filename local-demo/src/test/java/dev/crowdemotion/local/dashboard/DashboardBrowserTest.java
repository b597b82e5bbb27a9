package dev.crowdemotion.local.dashboard;

import static dev.crowdemotion.local.dashboard.ScoreTables.WINDOW_MS;
import static dev.crowdemotion.local.dashboard.ScoreTables.mood;
import static dev.crowdemotion.local.dashboard.ScoreTables.score;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.scores.StageWindowScore;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless browser: Debian's chromium driven by
 * {@code src/test/js/dashboard-browser-check.mjs} (playwright-core from this module's
 * package-lock.json). Seeds DynamoDB Local with three stages over 30 windows, starts the
 * dashboard, and answers the script's steps by writing new items while the page is open. The
 * screenshots land in {@code target/dashboard-browser/}.
 *
 * <p>Fails, never skips, when chromium, node or playwright-core is missing: CI installs chromium
 * ({@code .ci/run}), the build installs playwright-core ({@code npm ci}).
 */
class DashboardBrowserTest {
    private static final Path SCRIPT = Path.of("src/test/js/dashboard-browser-check.mjs");
    private static final Path PLAYWRIGHT = Path.of("node_modules/playwright-core/package.json");
    private static final Path OUT = Path.of("target/dashboard-browser");
    private static final String HOSTILE_STAGE = "<img src=x onerror=\"window.__xss=1\">";
    private static final String HOSTILE_ARTIST = "<script>window.__xss=2</script>";
    private static final String HOSTILE_TITLE = "</td><b>bold</b>";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pageShowsLeaderboardChartsAndTracksAndUpdatesWithoutReload() throws Exception {
        String chromium = chromium().orElseGet(() -> fail("Debian chromium not found (looked at $CHROMIUM_PATH, "
                + "/usr/bin/chromium and chromium on PATH). Install it: apt-get update && apt-get install -y chromium. "
                + "This test drives a real browser and does not skip without one."));
        String node = onPath("node").orElseGet(() -> fail("node not found on PATH (Node.js 20+ runs the browser script)"));
        assertThat(SCRIPT).as("the browser script (run from the local-demo module directory)").exists();
        if (!Files.exists(PLAYWRIGHT)) {
            fail("playwright-core is not installed in local-demo/node_modules: run `npm ci` in local-demo "
                    + "(the Maven build does so in generate-test-resources when it is missing)");
        }
        Files.createDirectories(OUT);

        long t0 = System.nanoTime();
        try (ScoreTables tables = ScoreTables.start()) {
            long latest = Math.floorDiv(System.currentTimeMillis(), WINDOW_MS) * WINDOW_MS - WINDOW_MS;
            List<StageWindowScore> newest = new ArrayList<>();
            for (int i = 29; i >= 0; i--) {
                long w = latest - i * WINDOW_MS;
                int t = 29 - i;
                StageWindowScore pop = score("pop", w, 110 + t % 7, 104 + t % 5, mood("party", t), "The Astronauts",
                        i >= 20 ? "Countdown" : i >= 8 ? "Zero Gravity" : "Lift Off");
                StageWindowScore rock = score("rock", w, 140 + t % 11, 121 + t % 9, mood("mosh", t), "Volt & \"The Amps\"",
                        i >= 12 ? "Riff Raff" : "Power Chord");
                StageWindowScore jazz = score("jazz", w, 60 + t % 5, 57 + t % 3, mood("mellow", t),
                        i >= 10 ? "Grace Notes" : null, i >= 10 ? "Blue Hour" : null);
                for (StageWindowScore s : List.of(pop, rock, jazz)) {
                    tables.put(s);
                }
                if (i == 0) {
                    newest.addAll(List.of(pop, rock, jazz));
                }
            }
            Map<String, Object> expect = new LinkedHashMap<>();
            expect.put("stages", List.of("jazz", "pop", "rock"));
            expect.put("range", "last 5 min");
            expect.put("minPoints", 25);   // the page asks for 5 minutes: 29 or 30 of the seeded windows
            expect.put("leaderboard", rows(newest));
            expect.put("playing", Map.of("pop", "♪ The Astronauts — Lift Off", "rock", "♪ Volt & \"The Amps\" — Power Chord",
                    "jazz", "nothing scheduled"));
            Path expectFile = OUT.resolve("expect.json");
            JSON.writerWithDefaultPrettyPrinter().writeValue(expectFile.toFile(), expect);
            System.out.printf("seeded 90 windows in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

            try (Dashboard dashboard = Dashboard.start(tables.queries(), Dashboard.Settings.defaults().withPort(0))) {
                List<String> command = List.of(node, SCRIPT.toString(), "--url", dashboard.uri() + "?minutes=5",
                        "--chromium", chromium, "--expect", expectFile.toString(), "--out", OUT.toString());
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                StringBuilder output = new StringBuilder();
                Thread reader = new Thread(() -> converse(p, tables, latest, output), "browser-script-output");
                reader.start();
                boolean ended = p.waitFor(180, TimeUnit.SECONDS);
                if (!ended) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                reader.join(10_000);
                String out;
                synchronized (output) {
                    out = output.toString();
                }
                System.out.println(out);
                if (!ended) {
                    fail("the browser script did not end within 180 s:\n" + out);
                }
                if (p.exitValue() != 0) {
                    fail("the browser script failed (exit " + p.exitValue() + "; screenshots in " + OUT.toAbsolutePath() + "):\n" + out);
                }
                assertThat(out).contains("hostile names shown as text").contains("OK");
            }
        }
        assertThat(OUT.resolve("dashboard.png")).exists().isNotEmptyFile();
        assertThat(OUT.resolve("dashboard-updated.png")).exists().isNotEmptyFile();
        System.out.printf("browser test took %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Reads the script's output; answers its STEP lines by writing to DynamoDB and replying GO with what to expect. */
    private static void converse(Process p, ScoreTables tables, long latest, StringBuilder output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer to = p.outputWriter(StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
                if (!line.startsWith("STEP ")) {
                    continue;
                }
                Map<String, Object> answer = answer(line.substring(5).trim(), tables, latest);
                synchronized (output) {
                    output.append("  (test: ").append(line.substring(5).trim()).append(" written)\n");
                }
                to.write("GO " + JSON.writeValueAsString(answer) + "\n");
                to.flush();
            }
        } catch (IOException | RuntimeException e) {
            synchronized (output) {
                output.append("test side failed: ").append(e).append('\n');
            }
            p.destroy();
        }
    }

    private static Map<String, Object> answer(String step, ScoreTables tables, long latest) {
        long w = Math.max(latest + WINDOW_MS, Math.floorDiv(System.currentTimeMillis(), WINDOW_MS) * WINDOW_MS);
        Map<String, Object> answer = new LinkedHashMap<>();
        switch (step) {
            case "write-update" -> {
                // the jazz crowd takes off with a new set; pop and rock carry on
                List<StageWindowScore> window = List.of(
                        score("jazz", w, 70, 68, mood("wild", 31), "Miles Ahead", "So What"),
                        score("pop", w, 112, 100, mood("party", 30), "The Astronauts", "Lift Off"),
                        score("rock", w, 150, 130, mood("mosh", 30), "Volt & \"The Amps\"", "Power Chord"));
                window.forEach(tables::put);
                answer.put("windowStart", w);
                answer.put("leaderboard", rows(window));
                answer.put("playing", Map.of("jazz", "♪ Miles Ahead — So What", "pop", "♪ The Astronauts — Lift Off"));
            }
            case "write-hostile" -> {
                tables.put(score(HOSTILE_STAGE, w, 20, 20, mood("mellow", 3), HOSTILE_ARTIST, HOSTILE_TITLE));
                answer.put("stage", HOSTILE_STAGE);
                answer.put("playing", "♪ " + HOSTILE_ARTIST + " — " + HOSTILE_TITLE);
                answer.put("leaderboardPlaying", HOSTILE_ARTIST + " — " + HOSTILE_TITLE);
            }
            default -> throw new IllegalStateException("unknown step " + step);
        }
        return answer;
    }

    /** The leaderboard rows the page must show for one window's scores, highest energy first. */
    private static List<Map<String, Object>> rows(List<StageWindowScore> window) {
        List<StageWindowScore> ranked = new ArrayList<>(window);
        ranked.sort(Comparator.comparingDouble(StageWindowScore::energy).reversed());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StageWindowScore s : ranked) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("stage", s.getStageId());
            row.put("energy", DashboardData.round(s.energy()));
            row.put("coverage", DashboardData.round(s.coverage()));
            row.put("dominant", s.dominantEmotion().name());
            row.put("playing", s.getArtist() == null ? "–" : s.getArtist() + " — " + s.getTrackTitle());
            rows.add(row);
        }
        return rows;
    }

    /** $CHROMIUM_PATH, /usr/bin/chromium, or chromium on PATH. */
    private static Optional<String> chromium() {
        String env = System.getenv("CHROMIUM_PATH");
        if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
            return Optional.of(env);
        }
        if (Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            return Optional.of("/usr/bin/chromium");
        }
        return onPath("chromium");
    }

    private static Optional<String> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
