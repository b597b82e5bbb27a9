package dev.crowdemotion.analyst;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Instants on the command line and in the output. Input: an ISO-8601 instant
 * ({@code 2026-07-04T18:00:00Z}), an ISO-8601 date-time with an offset
 * ({@code 2026-07-04T20:00:00+02:00}), or epoch milliseconds ({@code 1783188000000}). Output:
 * ISO-8601 in UTC ({@link Instant#toString()}: seconds always, milliseconds only when non-zero).
 */
public final class Instants {
    private static final Pattern EPOCH_MS = Pattern.compile("-?\\d{1,19}");
    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME_OF_DAY_MS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Instants() {}

    /**
     * Parses an instant given as ISO-8601 (with {@code Z} or an offset) or as epoch milliseconds.
     *
     * @return epoch ms UTC
     * @throws IllegalArgumentException with a message naming the accepted forms
     */
    public static long parseEpochMs(String text) {
        String t = text == null ? "" : text.trim();
        if (EPOCH_MS.matcher(t).matches()) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            // try with an offset below
        }
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw invalid(text);
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("not an instant: '" + text
                + "' (use ISO-8601 such as 2026-07-04T18:00:00Z or 2026-07-04T20:00:00+02:00, or epoch milliseconds)");
    }

    /** Epoch ms as ISO-8601 UTC, e.g. {@code 2026-07-04T18:00:10Z}. */
    public static String iso(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    /**
     * The end of an interval for a table cell: only the UTC time of day ({@code 18:00:10}) when it
     * falls on the same UTC day as {@code startMs} (or is that day's following midnight), else the
     * full ISO-8601 instant.
     */
    public static String shortEnd(long startMs, long endMs) {
        long day = 86_400_000L;
        boolean sameDay = Math.floorDiv(startMs, day) == Math.floorDiv(endMs - 1, day);
        if (!sameDay || endMs <= startMs) {
            return iso(endMs);
        }
        return (endMs % 1000 == 0 ? TIME_OF_DAY : TIME_OF_DAY_MS).format(Instant.ofEpochMilli(endMs));
    }
}
