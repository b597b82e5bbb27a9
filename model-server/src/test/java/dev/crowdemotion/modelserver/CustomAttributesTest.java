package dev.crowdemotion.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CustomAttributesTest {
    @Test
    void parsesPairsSeparatedByCommasOrSemicolons() {
        CustomAttributes a = CustomAttributes.parse(" Min_Score = 0.75 ; trace=1,flag, =x");
        assertThat(a.minScore()).hasValue(0.75f);
        assertThat(a.get("trace")).hasValue("1");
        assertThat(a.values()).containsOnlyKeys("min_score", "trace");
    }

    @Test
    void absentOrBlankHasNoMinScore() {
        assertThat(CustomAttributes.parse(null).minScore()).isEmpty();
        assertThat(CustomAttributes.parse("  ").minScore()).isEmpty();
        assertThat(CustomAttributes.parse("other=1").minScore()).isEmpty();
    }

    @Test
    void rejectsMinScoreOutsideUnitIntervalOrNotANumber() {
        assertThatThrownBy(() -> CustomAttributes.parse("min_score=1.01").minScore())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min_score");
        assertThatThrownBy(() -> CustomAttributes.parse("min_score=abc").minScore())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomAttributes.parse("min_score=NaN").minScore())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
