package dev.crowdemotion.setlist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleEventsTest {
    @Test
    void setsAndTracksRoundTrip() {
        ScheduleEvent set = ScheduleEvent.set("rock", "The Hoppers", "2026-07-04-hoppers", 1_000, 3_601_000);
        ScheduleEvent track = ScheduleEvent.track("rock", "The Hoppers", "2026-07-04-hoppers", "01", "Opener \"live\"", 1_000, 241_000);
        assertThat(ScheduleEvents.parse(ScheduleEvents.toJson(set))).isEqualTo(set);
        assertThat(ScheduleEvents.parse(ScheduleEvents.toJson(track))).isEqualTo(track);
        assertThat(ScheduleEvents.parse("{\"type\":\"track\",\"stage_id\":\"pop\",\"artist\":\"A\",\"set_id\":\"s\","
                + "\"track_id\":\"7\",\"start_ms\":5,\"end_ms\":6,\"bpm\":120}").getTitle()).as("title optional, unknown fields ignored").isNull();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "not json|not JSON",
        "[1,2]|not a JSON object",
        "{\"type\":\"gig\",\"stage_id\":\"a\",\"artist\":\"A\",\"set_id\":\"s\",\"start_ms\":1,\"end_ms\":2}|type must be set or track",
        "{\"type\":\"set\",\"stage_id\":\"a b\",\"artist\":\"A\",\"set_id\":\"s\",\"start_ms\":1,\"end_ms\":2}|stage_id must match",
        "{\"type\":\"set\",\"stage_id\":\"a\",\"set_id\":\"s\",\"start_ms\":1,\"end_ms\":2}|missing artist",
        "{\"type\":\"set\",\"stage_id\":\"a\",\"artist\":\" \",\"set_id\":\"s\",\"start_ms\":1,\"end_ms\":2}|artist must be 1-200 characters",
        "{\"type\":\"set\",\"stage_id\":\"a\",\"artist\":\"A\",\"set_id\":\"s\",\"start_ms\":5,\"end_ms\":5}|end_ms - start_ms must be in (0, 24 h]",
        "{\"type\":\"set\",\"stage_id\":\"a\",\"artist\":\"A\",\"set_id\":\"s\",\"start_ms\":0,\"end_ms\":86400001}|end_ms - start_ms must be in (0, 24 h]",
        "{\"type\":\"set\",\"stage_id\":\"a\",\"artist\":\"A\",\"set_id\":\"s\",\"start_ms\":\"soon\",\"end_ms\":2}|start_ms must be epoch milliseconds",
        "{\"type\":\"track\",\"stage_id\":\"a\",\"artist\":\"A\",\"set_id\":\"s\",\"start_ms\":1,\"end_ms\":2}|missing track_id",
    })
    void brokenEventsNameTheRule(String json, String message) {
        assertThatThrownBy(() -> ScheduleEvents.parse(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
