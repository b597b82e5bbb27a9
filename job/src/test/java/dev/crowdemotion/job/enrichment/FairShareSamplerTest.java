package dev.crowdemotion.job.enrichment;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class FairShareSamplerTest {
    /** Stages asking at the given rates (calls/s) for {@code seconds}; returns admitted calls per stage. */
    private static final Map<String, Integer> ASKED = new TreeMap<>();

    private static Map<String, Integer> run(FairShareSampler sampler, Map<String, Integer> askPerSecond, int seconds) {
        Map<String, Integer> admitted = new TreeMap<>();
        ASKED.clear();
        for (long ms = 0; ms < seconds * 1000L; ms++) {
            for (Map.Entry<String, Integer> e : askPerSecond.entrySet()) {
                int perSecond = e.getValue();
                // evenly spaced asks: perSecond per 1000 ms
                if (perSecond > 0 && Math.floorDiv(ms * perSecond, 1000) != Math.floorDiv((ms - 1) * perSecond, 1000)) {
                    ASKED.merge(e.getKey(), 1, Integer::sum);
                    if (sampler.tryAcquire(e.getKey(), ms)) {
                        admitted.merge(e.getKey(), 1, Integer::sum);
                    }
                }
            }
        }
        return admitted;
    }

    @Test
    void oneStageGetsTheRatePlusTheBurstAndNoMore() {
        Map<String, Integer> a = run(new FairShareSampler(10, 10, 30_000), Map.of("main", 100), 20);
        assertThat(a.get("main")).isBetween(200, 200 + 10 + 1);
    }

    @Test
    void aLoudStageDoesNotStarveAQuietOne() {
        Map<String, Integer> a = run(new FairShareSampler(10, 10, 30_000), Map.of("loud", 200, "quiet", 2), 20);
        assertThat(ASKED.get("quiet")).isEqualTo(40);
        assertThat(a.get("quiet")).as("quiet stage asks 2/s for 20 s, under its fair share of 5/s: all admitted")
                .isEqualTo(40);
        // the loud stage takes what the quiet one leaves: 10/s in all
        assertThat(a.get("loud") + a.get("quiet")).isBetween(200, 221);
    }

    @Test
    void twoLoudStagesSplitTheBudgetEvenly() {
        Map<String, Integer> a = run(new FairShareSampler(10, 10, 30_000), Map.of("a", 100, "b", 300), 30);
        assertThat(a.get("a") + a.get("b")).isBetween(300, 321);
        assertThat(Math.abs(a.get("a") - a.get("b"))).isLessThanOrEqualTo(15);
    }

    @Test
    void aStageThatFellSilentStopsTakingAShare() {
        FairShareSampler sampler = new FairShareSampler(10, 10, 2_000);
        run(sampler, Map.of("gone", 50, "live", 50), 5);
        assertThat(sampler.activeStages()).isEqualTo(2);
        // "gone" stops asking; after the active window only "live" shares the rate
        int admitted = 0;
        for (long ms = 5_000; ms < 25_000; ms += 20) {
            if (sampler.tryAcquire("live", ms)) {
                admitted++;
            }
        }
        assertThat(sampler.activeStages()).isEqualTo(1);
        assertThat(admitted).isBetween(190, 221);
    }
}
