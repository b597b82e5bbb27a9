package dev.crowdemotion.local.demo;

import dev.crowdemotion.setlist.ScheduleEvent;
import dev.crowdemotion.setlist.ScheduleEvents;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns a setlist with times relative to a run's start into one with absolute times (epoch ms UTC). */
final class Setlists {
    private Setlists() {}

    /**
     * Reads {@code relative} (JSON Lines, times in ms from 0), adds {@code startMs} to every time
     * and writes the events to {@code target}.
     *
     * @return {@code target}
     * @throws IllegalArgumentException naming the line if an event breaks the setlist rules
     * @throws IOException if a file cannot be read or written
     */
    static Path shift(Path relative, long startMs, Path target) throws IOException {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(relative, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            ScheduleEvent e;
            try {
                e = ScheduleEvents.parse(line);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(relative + " line " + n + ": " + ex.getMessage(), ex);
            }
            out.add(ScheduleEvents.toJson(e.shifted(startMs)));
        }
        return Files.write(target, out, StandardCharsets.UTF_8);
    }
}
