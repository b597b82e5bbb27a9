package dev.crowdemotion.analyst;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setlist.ScheduleEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The real {@code stage-scores} command (picocli, real DynamoDB client) against DynamoDB Local
 * seeded with {@link SampleFestival} through kinesis-setup's table setup and the job's mappers.
 */
class StageScoresCliTest {
    static final long T0 = Instant.parse("2026-07-04T18:00:00Z").toEpochMilli();
    static final long W = SampleFestival.WINDOW_MS;
    /** Inside the window after the sample's last one. */
    static final long NOW = T0 + SampleFestival.WINDOWS * W + 5_000;
    static final String TABLE = "festival-stage-scores";
    static final String PERF = "festival-performance-scores";

    static final List<String> WINDOW_COLUMNS = List.of("window_start", "window_end", "stage", "artist", "set_id",
            "track_id", "track_title", "frames_seen", "faces_detected", "faces_enriched", "coverage_pct", "energy",
            "dominant_emotion", "mean_happy", "mean_sad", "mean_angry", "mean_confused", "mean_disgusted",
            "mean_surprised", "mean_calm", "mean_fear");
    static final List<String> PERFORMANCE_COLUMNS = List.of("kind", "start", "end", "stage", "artist", "set_id",
            "track_id", "track_title", "windows", "frames_seen", "faces_detected", "faces_enriched", "coverage_pct",
            "energy", "dominant_emotion", "mean_happy", "mean_sad", "mean_angry", "mean_confused", "mean_disgusted",
            "mean_surprised", "mean_calm", "mean_fear");

    static ScoreTables tables;
    static SampleFestival sample;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void seed() {
        tables = ScoreTables.start(0);
        sample = new SampleFestival(T0);
        sample.load(tables, TABLE, PERF);
    }

    @AfterAll
    static void stop() {
        if (tables != null) tables.close();
    }

    static final class Run {
        int exit;
        String out;
        String err;
        long millis;
    }

    static Run run(String... args) {
        StageScoresCli cli = new StageScoresCli(StageScoresCli.DEFAULT_CLIENTS, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
        CommandLine cl = StageScoresCli.newCommandLine(cli);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Run r = new Run();
        long t = System.nanoTime();
        r.exit = cl.execute(args);
        r.millis = (System.nanoTime() - t) / 1_000_000;
        r.out = out.toString();
        r.err = err.toString();
        return r;
    }

    /** Runs against the seeded tables (endpoint and table names as options). */
    static Run local(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--endpoint", tables.endpoint(), "--table", TABLE, "--performance-table", PERF));
        return run(all.toArray(new String[0]));
    }

    static Run ok(Run r) {
        assertThat(r.err).as("stderr").isEmpty();
        assertThat(r.exit).as("exit code, stderr: %s", r.err).isZero();
        return r;
    }

    static List<Map<String, String>> csv(String text) throws IOException {
        CsvMapper mapper = new CsvMapper();
        try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(text)) {
            return it.readAll();
        }
    }

    static List<String> csvHeader(String text) {
        return Arrays.asList(text.substring(0, text.indexOf("\r\n")).split(","));
    }

    /** A number as the CLI writes it to CSV/JSON: 3 decimals, half up. */
    static BigDecimal d3(double v) {
        return BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP);
    }

    static List<StageWindowScore> rockWindows(int from, int to) {
        return sample.stage("rock").subList(from, to + 1);
    }

    /** The sample's stages of window {@code i}, ranked by energy (stages without energy left out). */
    static List<StageWindowScore> ranking(int i) {
        return sample.windows.stream()
                .filter(w -> w.getWindowStartMs() == sample.windowStart(i) && !Double.isNaN(w.energy()))
                .sorted(Comparator.comparingDouble(StageWindowScore::energy).reversed())
                .collect(Collectors.toList());
    }

    // ---------------------------------------------------------------- timeline

    @Test
    void timelineAsTable() {
        Run r = ok(local("timeline", "--stage", "rock", "--from", Instants.iso(T0 + 2 * W), "--to", Long.toString(T0 + 6 * W)));
        List<String> lines = r.out.lines().collect(Collectors.toList());
        assertThat(lines.get(0)).isEqualTo("stage rock: 5 windows starting 2026-07-04T18:00:20Z to 2026-07-04T18:01:00Z");
        assertThat(lines.get(1)).startsWith("window start (UTC)").contains("end", "artist", "track", "frames", "faces",
                "enriched", "cov%", "energy", "dominant", "HAPPY", "SURPRISED", "CALM", "SAD");
        assertThat(lines.get(1)).doesNotContain("stage", "FEAR", "mean_");
        assertThat(lines).hasSize(7);
        StageWindowScore first = sample.stage("rock").get(2);
        assertThat(lines.get(2)).startsWith("2026-07-04T18:00:20Z  18:00:30  The Hoppers  01 Opening Song")
                .contains(String.format(Locale.ROOT, " %.1f ", first.energy()))
                .contains(" " + first.dominantEmotion().name() + " ")
                .endsWith(String.format(Locale.ROOT, "%.1f", first.meanConfidence(EmotionType.SAD)));
        assertThat(lines.get(6)).startsWith("2026-07-04T18:01:00Z");
    }

    @Test
    void timelineAsCsvHasEveryColumnAndTheStoredValues() throws IOException {
        Run r = ok(local("timeline", "--stage", "rock", "--from", Instants.iso(T0 + 2 * W),
                "--to", Instants.iso(T0 + 6 * W), "--format", "csv"));
        assertThat(csvHeader(r.out)).isEqualTo(WINDOW_COLUMNS);
        assertThat(r.out).endsWith("\r\n").doesNotContain("\r\n\r\n");
        assertThat(r.out.replace("\r\n", "")).doesNotContain("\n");
        List<Map<String, String>> rows = csv(r.out);
        List<StageWindowScore> expected = rockWindows(2, 6);
        assertThat(rows).hasSize(5);
        for (int k = 0; k < rows.size(); k++) {
            Map<String, String> row = rows.get(k);
            StageWindowScore s = expected.get(k);
            assertThat(row.get("window_start")).isEqualTo(Instants.iso(s.getWindowStartMs()));
            assertThat(row.get("window_end")).isEqualTo(Instants.iso(s.getWindowEndMs()));
            assertThat(row.get("stage")).isEqualTo("rock");
            assertThat(row.get("artist")).isEqualTo("The Hoppers");
            assertThat(row.get("set_id")).isEqualTo("hoppers-2026");
            assertThat(row.get("track_id")).isEqualTo("01");
            assertThat(row.get("track_title")).isEqualTo("Opening Song");
            assertThat(Long.parseLong(row.get("frames_seen"))).isEqualTo(s.getFramesSeen());
            assertThat(Long.parseLong(row.get("faces_detected"))).isEqualTo(s.getFacesDetected());
            assertThat(Long.parseLong(row.get("faces_enriched"))).isEqualTo(s.getFacesEnriched());
            assertThat(new BigDecimal(row.get("coverage_pct"))).isEqualByComparingTo(d3(100 * s.coverage()));
            assertThat(new BigDecimal(row.get("energy"))).isEqualByComparingTo(d3(s.energy()));
            assertThat(row.get("dominant_emotion")).isEqualTo(s.dominantEmotion().name());
            for (EmotionType e : EmotionType.values()) {
                assertThat(new BigDecimal(row.get("mean_" + e.name().toLowerCase(Locale.ROOT))))
                        .as(e.name()).isEqualByComparingTo(d3(s.meanConfidence(e)));
            }
        }
    }

    @Test
    void timelineAsCsvQuotesPerRfc4180AndLeavesUndefinedValuesEmpty() throws IOException {
        // jazz: artist with a comma, title with double quotes; window 5 without faces; the last without enriched faces
        Run r = ok(local("timeline", "--stage", "jazz", "--from", Long.toString(T0), "--to", Long.toString(NOW), "--format", "CSV"));
        assertThat(r.out).contains(",\"Grace Notes, Quartet\",grace-late,01,\"Amazing \"\"Debug\"\" Grace\",");
        List<Map<String, String>> rows = csv(r.out);
        assertThat(rows).hasSize(SampleFestival.WINDOWS);
        assertThat(rows.get(0).get("artist")).isEqualTo("Grace Notes, Quartet");
        assertThat(rows.get(0).get("track_title")).isEqualTo("Amazing \"Debug\" Grace");
        Map<String, String> noFaces = rows.get(5);
        assertThat(noFaces.get("faces_detected")).isEqualTo("0");
        assertThat(noFaces.get("coverage_pct")).isEmpty();
        assertThat(noFaces.get("energy")).isEmpty();
        assertThat(noFaces.get("dominant_emotion")).isEmpty();
        assertThat(noFaces.get("mean_calm")).isEmpty();
        Map<String, String> notEnriched = rows.get(SampleFestival.WINDOWS - 1);
        assertThat(notEnriched.get("coverage_pct")).isEqualTo("0");
        assertThat(notEnriched.get("energy")).isEmpty();
        assertThat(notEnriched.get("mean_happy")).isEmpty();
        assertThat(notEnriched.get("faces_enriched")).isEqualTo("0");
    }

    @Test
    void timelineAsJsonHasNumbersAsNumbersAndNullForNoEnergy() throws IOException {
        Run r = ok(local("timeline", "--stage", "jazz", "--from", Instants.iso(T0 + 4 * W), "--to", Instants.iso(T0 + 6 * W),
                "--format", "json"));
        JsonNode array = JSON.readTree(r.out);
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(3);
        List<String> fields = new ArrayList<>();
        array.get(0).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).isEqualTo(WINDOW_COLUMNS);

        StageWindowScore s = sample.stage("jazz").get(4);
        JsonNode o = array.get(0);
        assertThat(o.get("window_start").asText()).isEqualTo("2026-07-04T18:00:40Z");
        assertThat(o.get("artist").asText()).isEqualTo("Grace Notes, Quartet");
        assertThat(o.get("track_title").asText()).isEqualTo("Amazing \"Debug\" Grace");
        assertThat(o.get("frames_seen").isIntegralNumber()).isTrue();
        assertThat(o.get("faces_detected").asLong()).isEqualTo(s.getFacesDetected());
        assertThat(o.get("energy").isNumber()).isTrue();
        assertThat(o.get("energy").decimalValue()).isEqualByComparingTo(d3(s.energy()));
        assertThat(o.get("coverage_pct").decimalValue()).isEqualByComparingTo(d3(100 * s.coverage()));
        assertThat(o.get("mean_calm").isNumber()).isTrue();
        assertThat(o.get("mean_calm").decimalValue()).isEqualByComparingTo(d3(s.meanConfidence(EmotionType.CALM)));
        assertThat(o.get("dominant_emotion").asText()).isEqualTo("CALM");

        JsonNode noFaces = array.get(1);
        assertThat(noFaces.get("energy").isNull()).isTrue();
        assertThat(noFaces.get("coverage_pct").isNull()).isTrue();
        assertThat(noFaces.get("dominant_emotion").isNull()).isTrue();
        assertThat(noFaces.get("faces_detected").asLong()).isZero();
        assertThat(noFaces.get("mean_happy").isNull()).isTrue();
    }

    @Test
    void timelineRangesFromTheClockAndLast() throws IOException {
        // default: the last hour up to now holds the whole sample
        JsonNode all = JSON.readTree(ok(local("timeline", "--stage", "pop", "--format", "json")).out);
        assertThat(all).hasSize(SampleFestival.WINDOWS);
        // --last 2m: window starts in [now - 120 s, now]
        JsonNode last = JSON.readTree(ok(local("timeline", "--stage", "pop", "--last", "2m", "--format", "json")).out);
        assertThat(last).hasSize(11);
        assertThat(last.get(0).get("window_start").asText()).isEqualTo(Instants.iso(T0 + 25 * W));
        // --from with --last: [from, from + last]
        JsonNode fromLast = JSON.readTree(ok(local("timeline", "--stage", "pop", "--from", Instants.iso(T0),
                "--last", "30s", "--format", "json")).out);
        assertThat(fromLast).hasSize(4);
        // --to with --last: [to - last, to]
        JsonNode toLast = JSON.readTree(ok(local("timeline", "--stage", "pop", "--to", Instants.iso(T0 + 10 * W),
                "--last", "PT20S", "--format", "json")).out);
        assertThat(toLast).extracting(n -> n.get("window_start").asText())
                .containsExactly(Instants.iso(T0 + 8 * W), Instants.iso(T0 + 9 * W), Instants.iso(T0 + 10 * W));
        // an offset date-time is an instant too
        JsonNode offset = JSON.readTree(ok(local("timeline", "--stage", "pop", "--from", "2026-07-04T20:00:00+02:00",
                "--to", "2026-07-04T20:00:00+02:00", "--format", "json")).out);
        assertThat(offset).singleElement().satisfies(n -> assertThat(n.get("window_start").asText()).isEqualTo(Instants.iso(T0)));
    }

    @Test
    void emptyResultsAreANoteInTheTableAHeaderInCsvAndAnEmptyArrayInJson() throws IOException {
        String[] none = {"timeline", "--stage", "folk"};
        Run table = ok(local(none));
        assertThat(table.out.trim()).isEqualTo("stage folk: no windows starting 2026-07-04T17:06:05Z to 2026-07-04T18:06:05Z");
        Run csv = ok(local("timeline", "--stage", "folk", "--format", "csv"));
        assertThat(csv.out).isEqualTo(String.join(",", WINDOW_COLUMNS) + "\r\n");
        Run json = ok(local("timeline", "--stage", "folk", "--format", "json"));
        assertThat(JSON.readTree(json.out).isArray()).isTrue();
        assertThat(JSON.readTree(json.out)).isEmpty();
    }

    // ---------------------------------------------------------------- leaderboard

    @Test
    void latestLeaderboardSkipsTheLastWindowWithoutEnrichedFaces() throws IOException {
        int latest = SampleFestival.WINDOWS - 2;
        List<StageWindowScore> expected = ranking(latest);
        assertThat(expected).hasSize(3);

        Run table = ok(local("leaderboard"));
        List<String> lines = table.out.lines().collect(Collectors.toList());
        assertThat(lines.get(0)).isEqualTo("window " + Instants.iso(sample.windowStart(latest)) + " to 18:05:50: 3 stages ranked by energy");
        assertThat(lines.get(1)).startsWith("#  window start (UTC)").contains("stage", "energy");
        assertThat(lines).hasSize(5);
        for (int k = 0; k < 3; k++) {
            assertThat(lines.get(2 + k)).startsWith((k + 1) + "  " + Instants.iso(sample.windowStart(latest)))
                    .contains(" " + expected.get(k).getStageId() + " ")
                    .contains(String.format(Locale.ROOT, " %.1f ", expected.get(k).energy()));
        }

        List<Map<String, String>> rows = csv(ok(local("leaderboard", "--format", "csv")).out);
        assertThat(rows).extracting(m -> m.get("rank")).containsExactly("1", "2", "3");
        assertThat(rows).extracting(m -> m.get("stage"))
                .containsExactlyElementsOf(expected.stream().map(StageWindowScore::getStageId).collect(Collectors.toList()));
        assertThat(rows).extracting(m -> new BigDecimal(m.get("energy")))
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactlyElementsOf(expected.stream().map(s -> d3(s.energy())).collect(Collectors.toList()));
        assertThat(csvHeader(ok(local("leaderboard", "--format", "csv")).out).get(0)).isEqualTo("rank");

        JsonNode json = JSON.readTree(ok(local("leaderboard", "--format", "json")).out);
        assertThat(json).hasSize(3);
        assertThat(json.get(0).get("rank").asInt()).isEqualTo(1);
        assertThat(json.get(0).get("stage").asText()).isEqualTo(expected.get(0).getStageId());
        assertThat(json.get(0).get("energy").doubleValue()).isCloseTo(expected.get(0).energy(), within(0.0005));
        assertThat(json.get(0).get("window_start").asText()).isEqualTo(Instants.iso(sample.windowStart(latest)));
        assertThat(json.get(0).get("track_title").asText()).isNotEmpty();
        assertThat(json.get(2).get("energy").doubleValue()).isLessThan(json.get(1).get("energy").doubleValue());
    }

    @Test
    void leaderboardOfAGivenWindow() throws IOException {
        List<StageWindowScore> expected = ranking(10);
        JsonNode exact = JSON.readTree(ok(local("leaderboard", "--window", Instants.iso(T0 + 10 * W), "--format", "json")).out);
        assertThat(exact).extracting(n -> n.get("stage").asText())
                .containsExactlyElementsOf(expected.stream().map(StageWindowScore::getStageId).collect(Collectors.toList()));
        // an instant inside the window, as epoch ms
        JsonNode inside = JSON.readTree(ok(local("leaderboard", "--window", Long.toString(T0 + 10 * W + 7_500), "--format", "json")).out);
        assertThat(inside).isEqualTo(exact);
        // jazz's window 5 had no faces: two stages
        JsonNode five = JSON.readTree(ok(local("leaderboard", "--window", Instants.iso(T0 + 5 * W), "--format", "json")).out);
        assertThat(five).extracting(n -> n.get("stage").asText()).doesNotContain("jazz").hasSize(2);
        // the last window: no stage with enriched faces
        Run last = ok(local("leaderboard", "--window", Instants.iso(T0 + (SampleFestival.WINDOWS - 1) * W)));
        assertThat(last.out.trim()).isEqualTo("window starting 2026-07-04T18:05:50Z: no stage with enriched faces");
        assertThat(JSON.readTree(ok(local("leaderboard", "--window", Instants.iso(T0 + (SampleFestival.WINDOWS - 1) * W),
                "--format", "json")).out)).isEmpty();
    }

    @Test
    void leaderboardTakesTheSlideFromTheConfigAndLooksBackAsFarAsTold() throws IOException {
        Path config = dir.resolve("festival.json");
        Files.writeString(config, "[{\"PropertyGroupId\":\"Aggregation\",\"PropertyMap\":{\"window.size.ms\":\"60000\"}},"
                + "{\"PropertyGroupId\":\"ScoresSink\",\"PropertyMap\":{\"table.name\":\"" + TABLE + "\","
                + "\"performance.table.name\":\"" + PERF + "\",\"aws.region\":\"us-east-1\","
                + "\"aws.endpoint\":\"" + tables.endpoint() + "\"}}]");
        // slide 60 s from window.size.ms: the window on the minute grid, 18:06:00, has nothing, 18:05:00 is listed
        JsonNode minute = JSON.readTree(ok(run("leaderboard", "--config", config.toString(), "--format", "json")).out);
        assertThat(minute).isNotEmpty();
        assertThat(minute.get(0).get("window_start").asText()).isEqualTo("2026-07-04T18:05:00Z");
        // --slide wins over the file
        JsonNode tenSeconds = JSON.readTree(ok(run("leaderboard", "--config", config.toString(), "--slide", "10s",
                "--format", "json")).out);
        assertThat(tenSeconds.get(0).get("window_start").asText()).isEqualTo(Instants.iso(sample.windowStart(SampleFestival.WINDOWS - 2)));
        // looking back two 10 s windows (18:06:00, 18:05:50) finds none
        Run none = ok(run("leaderboard", "--config", config.toString(), "--slide", "10s", "--lookback", "2"));
        assertThat(none.out.trim()).isEqualTo("no leaderboard in the 2 windows of 10000 ms up to 2026-07-04T18:06:05Z");
        // window.slide.ms wins over window.size.ms
        Files.writeString(config, Files.readString(config).replace("\"window.size.ms\":\"60000\"",
                "\"window.size.ms\":\"60000\",\"window.slide.ms\":\"10000\""));
        JsonNode slid = JSON.readTree(ok(run("leaderboard", "--config", config.toString(), "--format", "json")).out);
        assertThat(slid).isEqualTo(tenSeconds);
    }

    // ---------------------------------------------------------------- tracks

    private static List<PerformanceScore> performancesOf(String artist) {
        return sample.performances.stream().filter(p -> p.getArtist().equals(artist)).collect(Collectors.toList());
    }

    @Test
    void tracksAsTable() {
        Run r = ok(local("tracks", "--artist", "The Hoppers"));
        List<String> lines = r.out.lines().collect(Collectors.toList());
        assertThat(lines.get(0)).isEqualTo("artist The Hoppers: 1 set, 3 tracks");
        assertThat(lines.get(1)).startsWith("kind   start (UTC)").contains("set", "track", "windows", "energy", "dominant");
        assertThat(lines).hasSize(6);
        assertThat(lines.get(2)).startsWith("set    2026-07-04T18:00:00Z  18:06:00  rock   hoppers-2026  -  ");
        assertThat(lines.get(3)).startsWith("track  2026-07-04T18:00:00Z  18:02:00  rock   hoppers-2026  01 Opening Song");
        assertThat(lines.get(4)).contains("02 Compile Time");
        assertThat(lines.get(5)).startsWith("track  2026-07-04T18:03:30Z  18:06:00").contains("03 Null Pointer Blues");
    }

    @Test
    void tracksAsCsvAndJsonCarryTheSetThenItsTracksInPlayOrder() throws IOException {
        List<PerformanceScore> expected = performancesOf("The Hoppers");
        Run csvRun = ok(local("tracks", "--artist", "The Hoppers", "--format", "csv"));
        assertThat(csvHeader(csvRun.out)).isEqualTo(PERFORMANCE_COLUMNS);
        List<Map<String, String>> rows = csv(csvRun.out);
        assertThat(rows).extracting(m -> m.get("kind") + " " + m.get("track_id"))
                .containsExactly("set ", "track 01", "track 02", "track 03");
        for (int k = 0; k < rows.size(); k++) {
            Map<String, String> row = rows.get(k);
            PerformanceScore p = expected.get(k);
            assertThat(row.get("start")).isEqualTo(Instants.iso(p.getStartMs()));
            assertThat(row.get("end")).isEqualTo(Instants.iso(p.getEndMs()));
            assertThat(row.get("stage")).isEqualTo("rock");
            assertThat(row.get("artist")).isEqualTo("The Hoppers");
            assertThat(row.get("set_id")).isEqualTo("hoppers-2026");
            assertThat(Long.parseLong(row.get("windows"))).isEqualTo(p.getWindows());
            assertThat(Long.parseLong(row.get("faces_detected"))).isEqualTo(p.getFacesDetected());
            assertThat(Long.parseLong(row.get("faces_enriched"))).isEqualTo(p.getFacesEnriched());
            assertThat(Double.parseDouble(row.get("coverage_pct"))).isCloseTo(100 * p.coverage(), within(0.0005));
            // means are stored with 3 decimals, energy is computed from them
            assertThat(Double.parseDouble(row.get("energy"))).isCloseTo(p.energy(), within(0.002));
            assertThat(Double.parseDouble(row.get("mean_happy"))).isCloseTo(p.meanConfidence(EmotionType.HAPPY), within(0.0005));
            assertThat(row.get("dominant_emotion")).isEqualTo(p.dominantEmotion().name());
        }
        assertThat(rows.get(0).get("windows")).isEqualTo(Integer.toString(SampleFestival.WINDOWS));
        assertThat(rows.get(1).get("track_title")).isEqualTo("Opening Song");
        assertThat(rows.get(1).get("windows")).isEqualTo("12");

        JsonNode json = JSON.readTree(ok(local("tracks", "--artist", "The Hoppers", "--set", "hoppers-2026", "--format", "json")).out);
        assertThat(json).hasSize(4);
        List<String> fields = new ArrayList<>();
        json.get(0).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).isEqualTo(PERFORMANCE_COLUMNS);
        assertThat(json.get(0).get("kind").asText()).isEqualTo("set");
        assertThat(json.get(0).get("track_id").isNull()).isTrue();
        assertThat(json.get(0).get("windows").isIntegralNumber()).isTrue();
        assertThat(json.get(0).get("faces_enriched").asLong()).isEqualTo(expected.get(0).getFacesEnriched());
        assertThat(json.get(3).get("track_title").asText()).isEqualTo("Null Pointer Blues");
        assertThat(json.get(3).get("energy").doubleValue()).isCloseTo(expected.get(3).energy(), within(0.002));
        assertThat(json.get(3).get("start").asText()).isEqualTo("2026-07-04T18:03:30Z");
    }

    @Test
    void tracksOfAnArtistWithACommaAndOfNobody() throws IOException {
        Run r = ok(local("tracks", "--artist", "Grace Notes, Quartet", "--format", "csv"));
        assertThat(r.out).contains("set,2026-07-04T18:00:00Z,2026-07-04T18:06:00Z,jazz,\"Grace Notes, Quartet\",grace-late,,,36,");
        List<Map<String, String>> rows = csv(r.out);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get("track_title")).isEqualTo("Amazing \"Debug\" Grace");
        // jazz's window without faces counts as a window with no faces
        PerformanceScore set = performancesOf("Grace Notes, Quartet").get(0);
        assertThat(set.getKind()).isEqualTo(ScheduleEvent.Kind.SET);
        assertThat(Long.parseLong(rows.get(0).get("faces_detected"))).isEqualTo(set.getFacesDetected());

        Run nobody = ok(local("tracks", "--artist", "Nobody"));
        assertThat(nobody.out.trim()).isEqualTo("artist Nobody: no set summaries");
        assertThat(JSON.readTree(ok(local("tracks", "--artist", "The Hoppers", "--set", "hoppers", "--format", "json")).out)).isEmpty();
        assertThat(ok(local("tracks", "--artist", "The Hoppers", "--set", "nope")).out.trim())
                .isEqualTo("artist The Hoppers: no set nope summaries");
    }

    // ---------------------------------------------------------------- errors

    static void usage(Run r, String message) {
        assertThat(r.exit).as("exit code, stderr: %s", r.err).isEqualTo(StageScoresCli.EXIT_USAGE);
        assertThat(r.err).contains(message);
        assertThat(r.out).isEmpty();
        assertThat(r.err).doesNotContain("\tat ");
    }

    @Test
    void badOptionsExitWith2AndSayWhy() throws IOException {
        usage(run(), "missing command: timeline, leaderboard or tracks");
        usage(run("histogram"), "Unmatched argument at index 0: 'histogram'");
        usage(local("timeline"), "Missing required option: '--stage=ID'");
        usage(local("timeline", "--stage", "rock", "--bogus"), "Unknown option: '--bogus'");
        usage(local("timeline", "--stage", "rock", "--from", "yesterday"), "not an instant: 'yesterday'");
        usage(local("timeline", "--stage", "rock", "--from", "2026-07-04T18:00:00"), "not an instant");
        usage(local("timeline", "--stage", "rock", "--last", "forever"), "not a duration: 'forever'");
        usage(local("timeline", "--stage", "rock", "--last", "0s"), "duration must be > 0");
        usage(local("timeline", "--stage", "rock", "--from", "2026-07-04T19:00:00Z", "--to", "2026-07-04T18:00:00Z"),
                "--from (2026-07-04T19:00:00Z) is after --to (2026-07-04T18:00:00Z)");
        usage(local("timeline", "--stage", "rock", "--from", "0", "--to", "1", "--last", "1h"),
                "give at most two of --from, --to and --last");
        usage(local("timeline", "--stage", " "), "--stage must not be empty");
        usage(local("timeline", "--stage", "rock", "--format", "xml"), "unknown format 'xml' (use table, csv or json)");
        usage(local("leaderboard", "--lookback", "0"), "--lookback must be >= 1, not 0");
        usage(local("leaderboard", "--window", "soon"), "not an instant: 'soon'");
        usage(local("tracks"), "Missing required option: '--artist=NAME'");
        usage(local("tracks", "--artist", "The Hoppers", "--set", ""), "--set must not be empty");
        usage(run("timeline", "--stage", "rock", "--config", dir.resolve("missing.json").toString()),
                "config file not found: ");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"not\": \"groups\"}");
        usage(run("timeline", "--stage", "rock", "--config", broken.toString()), "expected a JSON array of property groups");
        Path badSlide = dir.resolve("bad-slide.json");
        Files.writeString(badSlide, "[{\"PropertyGroupId\":\"Aggregation\",\"PropertyMap\":{\"window.slide.ms\":\"ten\"}}]");
        usage(run("leaderboard", "--config", badSlide.toString(), "--endpoint", "http://127.0.0.1:1"),
                "Aggregation.window.slide.ms must be a positive number of ms, not 'ten'");
        usage(run("timeline", "--stage", "rock", "--endpoint", "localhost:8000"),
                "endpoint must be an http(s) URL such as http://127.0.0.1:8000, not 'localhost:8000'");
    }

    @Test
    void unreachableEndpointExitsWith1AndAOneLineMessage() {
        int port = dev.crowdemotion.local.aws.LocalAws.freePort(); // nothing listens there
        String endpoint = "http://127.0.0.1:" + port;
        for (String[] args : List.of(new String[] {"timeline", "--stage", "rock"}, new String[] {"leaderboard"},
                new String[] {"tracks", "--artist", "The Hoppers", "--format", "json"})) {
            List<String> all = new ArrayList<>(Arrays.asList(args));
            all.addAll(List.of("--endpoint", endpoint));
            Run r = run(all.toArray(new String[0]));
            assertThat(r.exit).as("exit code of %s, stderr: %s", all, r.err).isEqualTo(StageScoresCli.EXIT_FAILED);
            assertThat(r.out).isEmpty();
            assertThat(r.err).startsWith("stage-scores: error: cannot connect to DynamoDB at " + endpoint + ": ")
                    .contains("Connection refused").endsWith("(is DynamoDB Local running there?)" + System.lineSeparator());
            assertThat(r.err.lines()).hasSize(1);
            assertThat(r.millis).as("retries are few and short").isLessThan(15_000);
        }
    }

    @Test
    void missingTableOrIndexExitsWith1() {
        Run r = run("timeline", "--stage", "rock", "--endpoint", tables.endpoint(), "--table", "no-such-table");
        assertThat(r.exit).isEqualTo(StageScoresCli.EXIT_FAILED);
        assertThat(r.err.trim()).isEqualTo("stage-scores: error: table 'no-such-table' not found at " + tables.endpoint()
                + " (create the tables with kinesis-setup create; name them with --table, --performance-table or --config)");
        Run p = run("tracks", "--artist", "X", "--endpoint", tables.endpoint(), "--performance-table", "no-such-perf");
        assertThat(p.exit).isEqualTo(StageScoresCli.EXIT_FAILED);
        assertThat(p.err).contains("table 'no-such-perf' not found");

        // a table without the leaderboard index (made before it existed)
        tables.dynamo.createTable(b -> b.tableName("old-scores")
                .attributeDefinitions(a -> a.attributeName("stage_id").attributeType("S"),
                        a -> a.attributeName("window_start").attributeType("N"))
                .keySchema(k -> k.attributeName("stage_id").keyType("HASH"), k -> k.attributeName("window_start").keyType("RANGE"))
                .billingMode("PAY_PER_REQUEST"));
        Run old = run("leaderboard", "--endpoint", tables.endpoint(), "--table", "old-scores");
        assertThat(old.exit).isEqualTo(StageScoresCli.EXIT_FAILED);
        assertThat(old.err).startsWith("stage-scores: error: DynamoDB at " + tables.endpoint()
                + " refused the query on 'old-scores' (index by-window) (ValidationException): ")
                .contains("(kinesis-setup create adds a missing index)");
        assertThat(old.err.lines()).hasSize(1);
    }

    static Run runWith(StageScoresCli.ClientFactory clients, String... args) {
        CommandLine cl = StageScoresCli.newCommandLine(new StageScoresCli(clients, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Run r = new Run();
        r.exit = cl.execute(args);
        r.out = out.toString();
        r.err = err.toString();
        return r;
    }

    @Test
    void noRegionOrNoCredentialsExitWith1AndSaySo() {
        // the SDK's messages when its default chains find nothing (they list every provider tried)
        Run noRegion = runWith((endpoint, region, timeout) -> {
            throw software.amazon.awssdk.core.exception.SdkClientException.create(
                    "Unable to load region from any of the providers in the chain ...: [...]");
        }, "leaderboard");
        assertThat(noRegion.exit).isEqualTo(StageScoresCli.EXIT_FAILED);
        assertThat(noRegion.err.trim()).isEqualTo("stage-scores: error: no AWS region: give --region, set AWS_REGION, "
                + "or name one in the config (ScoresSink.aws.region) or the AWS profile");

        Run noCredentials = runWith((endpoint, region, timeout) -> software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                .endpointOverride(java.net.URI.create(tables.endpoint())).region(software.amazon.awssdk.regions.Region.EU_WEST_1)
                .credentialsProvider(() -> {
                    throw software.amazon.awssdk.core.exception.SdkClientException.create(
                            "Unable to load credentials from any of the providers in the chain ...: [...]");
                }).build(), "tracks", "--artist", "The Hoppers", "--region", "eu-west-1", "--performance-table", PERF);
        assertThat(noCredentials.exit).isEqualTo(StageScoresCli.EXIT_FAILED);
        assertThat(noCredentials.err.trim()).isEqualTo("stage-scores: error: no AWS credentials for DynamoDB at AWS (eu-west-1): "
                + "the default provider chain (environment, system properties, web identity, profile, container, instance role) found none");
    }

    @Test
    void helpAndVersion() {
        Run help = run("--help");
        assertThat(help.exit).isZero();
        assertThat(help.out).contains("Usage: stage-scores", "timeline", "leaderboard", "tracks");
        Run sub = run("timeline", "--help");
        assertThat(sub.exit).isZero();
        assertThat(sub.out).contains("--stage=ID", "--from=T", "--last=DURATION", "--format=FORMAT", "--endpoint=URL");
        assertThat(run("--version").out).contains("stage-scores 0.1.0");
    }
}
