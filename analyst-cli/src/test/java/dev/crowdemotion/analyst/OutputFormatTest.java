package dev.crowdemotion.analyst;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The three output formats and the instant syntax, without DynamoDB. */
class OutputFormatTest {
    /** Rows: {text, count, ratio}. */
    static final List<Column<Object[]>> COLUMNS = List.of(
            Column.both("name", "NAME", r -> r[0]),
            Column.both("count", "N", r -> r[1]),
            Column.<Object[]>both("ratio", "R", r -> r[2]).decimals(2),
            Column.data("hidden_in_table", r -> "x"),
            Column.<Object[]>table("short", r -> r[0]).maxWidth(6));

    static String write(OutputFormat f, List<Object[]> rows) {
        StringWriter s = new StringWriter();
        f.write(new PrintWriter(s), COLUMNS, rows, "(none)");
        return s.toString();
    }

    @Test
    void csvQuotesFieldsWithSeparatorsQuotesOrLineBreaksAndEndsLinesWithCrLf() {
        String out = write(OutputFormat.CSV, List.of(
                new Object[] {"plain", 1L, 0.5},
                new Object[] {"a,b", 2L, Double.NaN},
                new Object[] {"say \"hi\"", 3L, 100.0},
                new Object[] {"two\nlines", 4, 1.0 / 3},
                new Object[] {" padded ", null, 2.0005},
                new Object[] {"cr\rlf\r\n", 5L, -1.5},
                new Object[] {"The Hoppers", 6L, 1.0}));
        assertThat(out).isEqualTo("name,count,ratio,hidden_in_table\r\n"
                + "plain,1,0.5,x\r\n"
                + "\"a,b\",2,,x\r\n"
                + "\"say \"\"hi\"\"\",3,100,x\r\n"
                + "\"two\nlines\",4,0.333,x\r\n"
                + "\" padded \",,2.001,x\r\n"
                + "\"cr\rlf\r\n\",5,-1.5,x\r\n"
                + "\"The Hoppers\",6,1,x\r\n");
    }

    @Test
    void jsonIsAnArrayOfObjectsWithPlainNumbersAndNulls() throws Exception {
        String out = write(OutputFormat.JSON, List.of(new Object[] {"a\"b", 7L, 100.0}, new Object[] {null, 0L, Double.NaN}));
        JsonNode a = new ObjectMapper().readTree(out);
        assertThat(a).hasSize(2);
        assertThat(a.get(0).get("name").asText()).isEqualTo("a\"b");
        assertThat(a.get(0).get("count").isIntegralNumber()).isTrue();
        assertThat(a.get(0).get("ratio").isNumber()).isTrue();
        assertThat(out).contains("\"ratio\" : 100").doesNotContain("E+").doesNotContain("short");
        assertThat(a.get(1).get("name").isNull()).isTrue();
        assertThat(a.get(1).get("ratio").isNull()).isTrue();
        assertThat(write(OutputFormat.JSON, List.of()).trim()).isEqualTo("[ ]");
    }

    @Test
    void tableAlignsTextLeftAndNumbersRightAndCutsLongText() {
        String out = write(OutputFormat.TABLE, List.of(new Object[] {"rock", 12L, 0.456}, new Object[] {"jazz-club", 3L, null}));
        assertThat(out.lines()).containsExactly(
                "NAME        N     R  short",
                "rock       12  0.46  rock",
                "jazz-club   3     -  jaz...");
        assertThat(write(OutputFormat.TABLE, List.of()).trim()).isEqualTo("(none)");
    }

    @Test
    void formatNamesAnyCase() {
        assertThat(OutputFormat.parse("Csv")).isEqualTo(OutputFormat.CSV);
        assertThatThrownBy(() -> OutputFormat.parse("yaml")).hasMessage("unknown format 'yaml' (use table, csv or json)");
    }

    @Test
    void instantsInAndOut() {
        assertThat(Instants.parseEpochMs("2026-07-04T18:00:00Z")).isEqualTo(1_783_188_000_000L);
        assertThat(Instants.parseEpochMs("2026-07-04T20:00:00.250+02:00")).isEqualTo(1_783_188_000_250L);
        assertThat(Instants.parseEpochMs(" 1783188000000 ")).isEqualTo(1_783_188_000_000L);
        assertThatThrownBy(() -> Instants.parseEpochMs("2026-07-04 18:00")).hasMessageStartingWith("not an instant: '2026-07-04 18:00'");
        assertThatThrownBy(() -> Instants.parseEpochMs("99999999999999999999")).hasMessageStartingWith("not an instant");
        assertThat(Instants.iso(1_783_188_000_000L)).isEqualTo("2026-07-04T18:00:00Z");
        assertThat(Instants.iso(1_783_188_000_250L)).isEqualTo("2026-07-04T18:00:00.250Z");
        assertThat(Instants.shortEnd(1_783_188_000_000L, 1_783_188_010_000L)).isEqualTo("18:00:10");
        assertThat(Instants.shortEnd(1_783_188_000_000L, 1_783_188_010_500L)).isEqualTo("18:00:10.500");
        long midnight = Instants.parseEpochMs("2026-07-05T00:00:00Z");
        assertThat(Instants.shortEnd(midnight - 10_000, midnight)).isEqualTo("00:00:00");
        assertThat(Instants.shortEnd(midnight - 10_000, midnight + 10_000)).isEqualTo("2026-07-05T00:00:10Z");
    }
}
