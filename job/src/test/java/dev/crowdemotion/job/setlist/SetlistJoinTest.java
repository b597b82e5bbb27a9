package dev.crowdemotion.job.setlist;

import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setlist.ScheduleEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link SetlistJoin} on Flink's operator test harness: exact orderings of scores, schedule events and watermarks. */
class SetlistJoinTest {
    static final long W = 10_000;
    static final long T0 = 1_783_191_600_000L; // 2026-07-04T19:00:00Z, a multiple of W

    static final ScheduleEvent SET = ScheduleEvent.set("rock", "The Hoppers", "hoppers-1", T0, T0 + 60_000);
    static final ScheduleEvent TRACK1 = ScheduleEvent.track("rock", "The Hoppers", "hoppers-1", "01", "Opener", T0, T0 + 30_000);
    static final ScheduleEvent TRACK2 = ScheduleEvent.track("rock", "The Hoppers", "hoppers-1", "02", "Closer", T0 + 30_000, T0 + 60_000);

    /** A window score of stage rock: {@code faces} faces all enriched, happy at {@code happy}%, the rest calm. */
    static StageWindowScore window(long start, long size, int faces, double happy) {
        StageWindowScore s = new StageWindowScore();
        s.setStageId("rock");
        s.setWindowStartMs(start);
        s.setWindowEndMs(start + size);
        s.setFramesSeen(2);
        s.setFacesDetected(faces);
        s.setFacesEnriched(faces);
        double[] means = new double[EmotionType.COUNT];
        means[EmotionType.HAPPY.ordinal()] = happy;
        means[EmotionType.CALM.ordinal()] = 100 - happy;
        s.setMeanConfidence(means);
        long[] counts = new long[EmotionType.COUNT];
        counts[(happy >= 50 ? EmotionType.HAPPY : EmotionType.CALM).ordinal()] = faces;
        s.setDominantCounts(counts);
        return s;
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, StageWindowScore, ScheduleEvent, StageWindowScore> harness(
            long windowSize) throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, StageWindowScore, ScheduleEvent, StageWindowScore> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new SetlistJoin(windowSize, 3_600_000)),
                        StageWindowScore::getStageId, ScheduleEvent::getStageId, Types.STRING);
        h.open();
        return h;
    }

    static void score(KeyedTwoInputStreamOperatorTestHarness<String, StageWindowScore, ScheduleEvent, StageWindowScore> h,
                      StageWindowScore s) throws Exception {
        h.processElement1(new StreamRecord<>(s, s.getWindowEndMs() - 1));
    }

    static void event(KeyedTwoInputStreamOperatorTestHarness<String, StageWindowScore, ScheduleEvent, StageWindowScore> h,
                      ScheduleEvent e) throws Exception {
        h.processElement2(new StreamRecord<>(e, e.getStartMs()));
    }

    static void watermark(KeyedTwoInputStreamOperatorTestHarness<String, StageWindowScore, ScheduleEvent, StageWindowScore> h,
                          long t) throws Exception {
        h.processBothWatermarks(new Watermark(t));
    }

    static List<StageWindowScore> scores(KeyedTwoInputStreamOperatorTestHarness<String, StageWindowScore, ScheduleEvent, StageWindowScore> h) {
        List<StageWindowScore> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((StageWindowScore) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    static List<PerformanceScore> performances(KeyedTwoInputStreamOperatorTestHarness<String, StageWindowScore, ScheduleEvent, StageWindowScore> h) {
        var side = h.getSideOutput(SetlistJoin.PERFORMANCES);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void windowsCarryTheTrackAtTheirMidpointAndSummariesComeWhenTheWatermarkPassesTheEnd() throws Exception {
        var h = harness(W);
        event(h, SET);
        event(h, TRACK1);
        event(h, TRACK2);
        for (int i = 0; i < 7; i++) {
            score(h, window(T0 + i * W, W, 10, i < 3 ? 90 : 30));
        }
        List<StageWindowScore> out = scores(h);
        assertThat(out).extracting(StageWindowScore::getTrackId).containsExactly("01", "01", "01", "02", "02", "02", null);
        assertThat(out.get(0).getArtist()).isEqualTo("The Hoppers");
        assertThat(out.get(0).getTrackTitle()).isEqualTo("Opener");
        assertThat(out.get(6).getSetId()).as("after the set").isNull();
        assertThat(performances(h)).isEmpty();

        watermark(h, T0 + 30_000 + W - 1);
        assertThat(performances(h)).isEmpty();
        watermark(h, T0 + 30_000 + W);
        assertThat(performances(h)).singleElement().satisfies(p -> {
            assertThat(p.getKind()).isEqualTo(ScheduleEvent.Kind.TRACK);
            assertThat(p.getTrackId()).isEqualTo("01");
            assertThat(p.getWindows()).isEqualTo(3);
            assertThat(p.getFramesSeen()).isEqualTo(6);
            assertThat(p.getFacesEnriched()).isEqualTo(30);
            assertThat(p.meanConfidence(EmotionType.HAPPY)).isCloseTo(90, within(1e-9));
            assertThat(p.dominantEmotion()).isEqualTo(EmotionType.HAPPY);
        });
        watermark(h, T0 + 60_000 + W);
        List<PerformanceScore> all = performances(h);
        assertThat(all).hasSize(3);
        PerformanceScore set = all.stream().filter(p -> p.getKind() == ScheduleEvent.Kind.SET).findFirst().orElseThrow();
        assertThat(set.getWindows()).isEqualTo(6);
        assertThat(set.meanConfidence(EmotionType.HAPPY)).isCloseTo(60, within(1e-9));
        assertThat(set.energy()).isCloseTo(60, within(1e-9));
    }

    @Test
    void aScheduleEventAfterItsWindowsReannotatesThemAndIsSummarizedAtOnce() throws Exception {
        var h = harness(W);
        for (int i = 0; i < 3; i++) {
            score(h, window(T0 + i * W, W, 4, 80));
        }
        watermark(h, T0 + 30_000 + W + 5_000);
        assertThat(scores(h)).extracting(StageWindowScore::getTrackId).containsOnlyNulls();

        event(h, TRACK1); // published late
        List<StageWindowScore> out = scores(h);
        assertThat(out).hasSize(6);
        assertThat(out.subList(3, 6)).extracting(StageWindowScore::getTrackId).containsExactly("01", "01", "01");
        assertThat(performances(h)).singleElement().satisfies(p -> assertThat(p.getFacesEnriched()).isEqualTo(12));

        event(h, TRACK1); // the same event again: nothing new
        assertThat(scores(h)).hasSize(6);
        assertThat(performances(h)).hasSize(1);
    }

    @Test
    void aLateWindowUpdateReemitsTheSummaryAndACorrectedEventMovesTheWindows() throws Exception {
        var h = harness(W);
        event(h, TRACK1);
        for (int i = 0; i < 3; i++) {
            score(h, window(T0 + i * W, W, 4, 80));
        }
        watermark(h, T0 + 30_000 + W);
        assertThat(performances(h)).hasSize(1);

        score(h, window(T0 + W, W, 8, 20)); // window 2 fired again with late faces (allowed lateness)
        List<PerformanceScore> p = performances(h);
        assertThat(p).hasSize(2);
        assertThat(p.get(1).getFacesEnriched()).isEqualTo(16);
        assertThat(p.get(1).meanConfidence(EmotionType.HAPPY)).isCloseTo((4 * 80 + 8 * 20 + 4 * 80) / 16.0, within(1e-9));

        // the track really ended after 20 s: the third window no longer belongs to it
        ScheduleEvent corrected = ScheduleEvent.track("rock", "The Hoppers", "hoppers-1", "01", "Opener", T0, T0 + 20_000);
        event(h, corrected);
        List<StageWindowScore> out = scores(h);
        assertThat(out.get(out.size() - 1).getWindowStartMs()).isEqualTo(T0 + 2 * W);
        assertThat(out.get(out.size() - 1).getTrackId()).isNull();
        assertThat(performances(h).get(performances(h).size() - 1).getWindows()).isEqualTo(2);
    }

    @Test
    void slidingWindowsAreSummedWithoutOverlap() throws Exception {
        var h = harness(W);
        event(h, TRACK1);
        for (long start = T0 - 5_000; start < T0 + 30_000; start += 5_000) { // 10 s windows sliding by 5 s
            score(h, window(start, W, 1, 100));
        }
        assertThat(scores(h).stream().filter(s -> "01".equals(s.getTrackId())).count())
                .as("windows with their midpoint in [T0, T0+30s)").isEqualTo(6);
        watermark(h, T0 + 30_000 + W);
        assertThat(performances(h)).singleElement().satisfies(p -> {
            assertThat(p.getWindows()).as("only windows starting on a multiple of the size").isEqualTo(3);
            assertThat(p.getFacesEnriched()).isEqualTo(3);
        });
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        var h = harness(W);
        event(h, TRACK1);
        score(h, window(T0, W, 5, 70));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = new KeyedTwoInputStreamOperatorTestHarness<String, StageWindowScore, ScheduleEvent, StageWindowScore>(
                new KeyedCoProcessOperator<>(new SetlistJoin(W, 3_600_000)),
                StageWindowScore::getStageId, ScheduleEvent::getStageId, Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        score(restored, window(T0 + W, W, 5, 70));
        assertThat(scores(restored)).singleElement().satisfies(s -> assertThat(s.getTrackId()).isEqualTo("01"));
        watermark(restored, T0 + 30_000 + W);
        assertThat(performances(restored)).singleElement().satisfies(p -> assertThat(p.getWindows()).isEqualTo(2));
    }
}
