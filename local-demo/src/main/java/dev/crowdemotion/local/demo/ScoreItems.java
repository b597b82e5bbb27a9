package dev.crowdemotion.local.demo;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The items of the score tables as the tests compare them: read with a consistent scan, keyed by
 * {@code hash|range}, and compared attribute by attribute — strings and integers exactly, other
 * numbers (means summed in arrival order) within 1e-9 relative, maps recursively.
 */
public final class ScoreItems {
    private ScoreItems() {}

    /** Every item of the stage score table, keyed {@code stage_id|window_start}. */
    public static Map<String, Map<String, AttributeValue>> windows(DynamoDbClient dynamoDb, String table) {
        return scan(dynamoDb, table, "stage_id", "window_start");
    }

    /** Every item of the performance table, keyed {@code artist|performance}. */
    public static Map<String, Map<String, AttributeValue>> performances(DynamoDbClient dynamoDb, String table) {
        return scan(dynamoDb, table, "artist", "performance");
    }

    /** Every item of {@code table}, keyed {@code hash|range} (string or number values), in key order. */
    public static Map<String, Map<String, AttributeValue>> scan(DynamoDbClient dynamoDb, String table,
                                                                String hashKey, String rangeKey) {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        dynamoDb.scanPaginator(ScanRequest.builder().tableName(table).consistentRead(true).build())
                .items().forEach(i -> items.put(value(i.get(hashKey)) + "|" + value(i.get(rangeKey)), i));
        return items;
    }

    /**
     * The differences between two sets of items (empty if they are equal): keys only in one,
     * attributes only in one, and values that differ (numbers by more than 1e-9 relative).
     */
    public static List<String> differences(Map<String, Map<String, AttributeValue>> actual,
                                           Map<String, Map<String, AttributeValue>> expected) {
        List<String> out = new ArrayList<>();
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            if (!actual.containsKey(key)) {
                out.add(key + ": missing");
            } else if (!expected.containsKey(key)) {
                out.add(key + ": unexpected");
            } else {
                compare(key, actual.get(key), expected.get(key), out);
            }
        }
        return out;
    }

    private static void compare(String where, Map<String, AttributeValue> actual, Map<String, AttributeValue> expected,
                                List<String> out) {
        Set<String> names = new TreeSet<>(expected.keySet());
        names.addAll(actual.keySet());
        for (String name : names) {
            AttributeValue a = actual.get(name);
            AttributeValue e = expected.get(name);
            if (a == null || e == null) {
                out.add(where + "." + name + ": " + a + " vs " + e);
            } else if (e.n() != null && a.n() != null) {
                BigDecimal x = new BigDecimal(a.n());
                BigDecimal y = new BigDecimal(e.n());
                if (x.subtract(y).abs().doubleValue() > 1e-9 * Math.max(1, y.abs().doubleValue())) {
                    out.add(where + "." + name + ": " + a.n() + " vs " + e.n());
                }
            } else if (e.hasM() && a.hasM()) {
                compare(where + "." + name, a.m(), e.m(), out);
            } else if (!a.equals(e)) {
                out.add(where + "." + name + ": " + a + " vs " + e);
            }
        }
    }

    private static String value(AttributeValue v) {
        return v.s() != null ? v.s() : v.n();
    }
}
