package dev.crowdemotion.analyst;

import java.util.function.Function;

/**
 * One output column of a report over rows of type {@code T}.
 *
 * <p>A column is a <b>data</b> column (written in CSV and JSON under {@link #name()}), a
 * <b>table</b> column (shown in the text table under {@link #header()}), or both. Values are
 * {@link String}, {@link Long}, {@link Double} or {@code null} (no value: empty CSV field, JSON
 * {@code null}, {@code -} in the table); a {@link Double#NaN} counts as no value.
 *
 * @param <T> the row type
 */
public final class Column<T> {
    private final String name;
    private final String header;
    private final boolean data;
    private final boolean table;
    private final int decimals;
    private final int maxWidth;
    private final Function<T, Object> value;

    private Column(String name, String header, boolean data, boolean table, int decimals, int maxWidth,
                   Function<T, Object> value) {
        this.name = name;
        this.header = header;
        this.data = data;
        this.table = table;
        this.decimals = decimals;
        this.maxWidth = maxWidth;
        this.value = value;
    }

    /** A column in CSV/JSON (key {@code name}) and in the table (heading {@code header}). */
    public static <T> Column<T> both(String name, String header, Function<T, Object> value) {
        return new Column<>(name, header, true, true, 1, 0, value);
    }

    /** A column in CSV/JSON only. */
    public static <T> Column<T> data(String name, Function<T, Object> value) {
        return new Column<>(name, name, true, false, 1, 0, value);
    }

    /** A column in the table only. */
    public static <T> Column<T> table(String header, Function<T, Object> value) {
        return new Column<>(header, header, false, true, 1, 0, value);
    }

    /** The same column, its table cells cut to at most {@code chars} characters (text columns). */
    public Column<T> maxWidth(int chars) {
        return new Column<>(name, header, data, table, decimals, chars, value);
    }

    /** The same column, decimal numbers shown with {@code n} decimals in the table (default 1). */
    public Column<T> decimals(int n) {
        return new Column<>(name, header, data, table, n, maxWidth, value);
    }

    /** Key in CSV (header row) and JSON (object field). */
    public String name() { return name; }

    /** Heading in the table. */
    public String header() { return header; }

    /** Whether CSV and JSON carry this column. */
    public boolean isData() { return data; }

    /** Whether the table shows this column. */
    public boolean isTable() { return table; }

    /** Decimals of a decimal number in the table. */
    public int decimals() { return decimals; }

    /** Longest table cell in characters, 0 for no limit. */
    public int maxWidth() { return maxWidth; }

    /** The value for a row: {@link String}, {@link Long}, {@link Double} or {@code null} (NaN turned into null). */
    public Object valueOf(T row) {
        Object v = value.apply(row);
        if (v instanceof Double && ((Double) v).isNaN()) {
            return null;
        }
        if (v instanceof Integer) {
            return ((Integer) v).longValue();
        }
        return v;
    }
}
