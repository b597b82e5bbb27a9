package dev.crowdemotion.analyst;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a report is written to standard output.
 * <ul>
 *   <li>{@link #TABLE}: aligned text columns for people, a readable subset of the columns
 *       ({@link Column#isTable()}), decimals rounded for reading, {@code -} for no value;</li>
 *   <li>{@link #CSV}: RFC 4180 (header row, CRLF line ends, a field quoted when it holds a comma,
 *       double quote, line break, space or other character up to ',', quotes inside doubled), every
 *       data column, numbers with up to 3 decimals, an empty field for no value;</li>
 *   <li>{@link #JSON}: one array of objects, every data column, numbers as JSON numbers (up to 3
 *       decimals), {@code null} for no value (e.g. the energy of a window without enriched faces).</li>
 * </ul>
 */
public enum OutputFormat {
    TABLE, CSV, JSON;

    /** Decimals of numbers in CSV and JSON: as many as the tables store. */
    public static final int DATA_DECIMALS = 3;

    private static final ObjectMapper JSON_MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    /*
     * Jackson's default ("loose") quoting: a field holding any character up to ',' (controls, line
     * breaks, space, '"', '#', ...) or a backslash is quoted. Its STRICT_CHECK_FOR_QUOTING is not
     * used: with a CRLF line separator it leaves a field with a bare LF unquoted (2.18.3).
     */
    private static final CsvMapper CSV_MAPPER = (CsvMapper) new CsvMapper()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    /**
     * Writes {@code rows} in this format.
     *
     * @param emptyNote for {@link #TABLE} only: the line printed instead of an empty table
     */
    public <T> void write(PrintWriter out, List<Column<T>> columns, List<T> rows, String emptyNote) {
        try {
            switch (this) {
                case CSV:
                    writeCsv(out, columns, rows);
                    break;
                case JSON:
                    writeJson(out, columns, rows);
                    break;
                default:
                    writeTable(out, columns, rows, emptyNote);
                    break;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write output: " + e.getMessage(), e);
        }
        out.flush();
    }

    private static <T> void writeCsv(PrintWriter out, List<Column<T>> columns, List<T> rows) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true).setLineSeparator("\r\n");
        List<Column<T>> data = dataColumns(columns);
        for (Column<T> c : data) {
            schema.addColumn(c.name());
        }
        List<String[]> lines = new ArrayList<>(rows.size());
        for (T row : rows) {
            String[] fields = new String[data.size()];
            for (int i = 0; i < fields.length; i++) {
                Object v = dataValue(data.get(i).valueOf(row));
                fields[i] = v == null ? "" : v instanceof BigDecimal ? ((BigDecimal) v).toPlainString() : v.toString();
            }
            lines.add(fields);
        }
        // the header is written by the sequence writer even when there are no rows
        try (var w = CSV_MAPPER.writer(schema.build()).writeValues(out)) {
            w.writeAll(lines);
        }
    }

    private static <T> void writeJson(PrintWriter out, List<Column<T>> columns, List<T> rows) throws IOException {
        List<Map<String, Object>> objects = new ArrayList<>(rows.size());
        List<Column<T>> data = dataColumns(columns);
        for (T row : rows) {
            Map<String, Object> o = new LinkedHashMap<>();
            for (Column<T> c : data) {
                o.put(c.name(), dataValue(c.valueOf(row)));
            }
            objects.add(o);
        }
        JSON_MAPPER.writeValue(out, objects);
        out.println();
    }

    private static <T> void writeTable(PrintWriter out, List<Column<T>> columns, List<T> rows, String emptyNote) {
        if (rows.isEmpty()) {
            if (emptyNote != null) {
                out.println(emptyNote);
            }
            return;
        }
        List<Column<T>> shown = new ArrayList<>();
        for (Column<T> c : columns) {
            if (c.isTable()) {
                shown.add(c);
            }
        }
        String[][] cells = new String[rows.size()][shown.size()];
        boolean[] right = new boolean[shown.size()];
        int[] width = new int[shown.size()];
        for (int j = 0; j < shown.size(); j++) {
            width[j] = shown.get(j).header().length();
            right[j] = true;
        }
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < shown.size(); j++) {
                Column<T> c = shown.get(j);
                Object v = c.valueOf(rows.get(i));
                String s = tableText(v, c.decimals());
                if (c.maxWidth() > 3 && s.length() > c.maxWidth()) {
                    s = s.substring(0, c.maxWidth() - 3) + "...";
                }
                if (v instanceof String) {
                    right[j] = false;
                }
                cells[i][j] = s;
                width[j] = Math.max(width[j], s.length());
            }
        }
        StringBuilder line = new StringBuilder();
        for (int j = 0; j < shown.size(); j++) {
            pad(line, shown.get(j).header(), width[j], right[j], j == shown.size() - 1);
        }
        out.println(line.toString().stripTrailing());
        for (String[] row : cells) {
            line.setLength(0);
            for (int j = 0; j < row.length; j++) {
                pad(line, row[j], width[j], right[j], j == row.length - 1);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static void pad(StringBuilder line, String s, int width, boolean right, boolean last) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        line.append(right ? fill + s : s + fill);
        if (!last) {
            line.append("  ");
        }
    }

    private static <T> List<Column<T>> dataColumns(List<Column<T>> columns) {
        List<Column<T>> data = new ArrayList<>();
        for (Column<T> c : columns) {
            if (c.isData()) {
                data.add(c);
            }
        }
        return data;
    }

    /** A value for CSV/JSON: decimals rounded to {@value #DATA_DECIMALS} places (half up), as a plain {@link BigDecimal}. */
    static Object dataValue(Object v) {
        if (v instanceof Double) {
            BigDecimal d = BigDecimal.valueOf((Double) v).setScale(DATA_DECIMALS, RoundingMode.HALF_UP).stripTrailingZeros();
            return d.scale() < 0 ? d.setScale(0, RoundingMode.UNNECESSARY) : d;
        }
        return v;
    }

    private static String tableText(Object v, int decimals) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double) {
            return String.format(Locale.ROOT, "%." + decimals + "f", (Double) v);
        }
        return v.toString();
    }

    /** The format for an option value ({@code table}, {@code csv}, {@code json}, any case). */
    public static OutputFormat parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown format '" + text + "' (use table, csv or json)");
        }
    }
}
