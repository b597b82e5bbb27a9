package dev.crowdemotion.setup;

import dev.crowdemotion.scores.PerformanceScoresTable;
import dev.crowdemotion.scores.StageScoresTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Key schemas and indexes of the job's two DynamoDB tables, as {@link ResourceSetup} creates
 * them (on-demand billing). The attribute names are those of the job's item mappings
 * ({@link StageScoresTable}, {@link PerformanceScoresTable}); {@code docs/scores.md} documents the
 * access patterns they serve.
 */
public final class TableSchema {
    /**
     * Stage scores: {@code stage_id} S (HASH) + {@code window_start} N (RANGE); index
     * {@value StageScoresTable#BY_WINDOW_INDEX}: {@code window_start} N (HASH) + {@code energy} N
     * (RANGE), all attributes projected (leaderboard).
     */
    public static final TableSchema STAGE_SCORES = new TableSchema("stage-scores",
            StageScoresTable.STAGE_ID, ScalarAttributeType.S, StageScoresTable.WINDOW_START, ScalarAttributeType.N)
            .withIndex(StageScoresTable.BY_WINDOW_INDEX, StageScoresTable.WINDOW_START, ScalarAttributeType.N,
                    StageScoresTable.ENERGY, ScalarAttributeType.N);

    /** Performance scores: {@code artist} S (HASH) + {@code performance} S (RANGE). */
    public static final TableSchema PERFORMANCE_SCORES = new TableSchema("performance-scores",
            PerformanceScoresTable.ARTIST, ScalarAttributeType.S, PerformanceScoresTable.PERFORMANCE, ScalarAttributeType.S);

    /** What the table is for, in messages. */
    public final String role;
    public final String hashKey;
    public final ScalarAttributeType hashType;
    public final String rangeKey;
    public final ScalarAttributeType rangeType;
    /** Global secondary indexes by name: {hash, range} attribute names. */
    private final Map<String, String[]> indexes = new LinkedHashMap<>();
    private final Map<String, ScalarAttributeType> types = new LinkedHashMap<>();

    private TableSchema(String role, String hashKey, ScalarAttributeType hashType, String rangeKey,
                        ScalarAttributeType rangeType) {
        this.role = role;
        this.hashKey = hashKey;
        this.hashType = hashType;
        this.rangeKey = rangeKey;
        this.rangeType = rangeType;
        types.put(hashKey, hashType);
        types.put(rangeKey, rangeType);
    }

    private TableSchema withIndex(String name, String hash, ScalarAttributeType hashType, String range,
                                  ScalarAttributeType rangeType) {
        indexes.put(name, new String[] {hash, range});
        types.put(hash, hashType);
        types.put(range, rangeType);
        return this;
    }

    /** The table's key schema. */
    public List<KeySchemaElement> keySchema() {
        return keys(hashKey, rangeKey);
    }

    /** Definitions of every key attribute of the table and its indexes. */
    public List<AttributeDefinition> attributeDefinitions() {
        List<AttributeDefinition> defs = new ArrayList<>();
        types.forEach((name, type) -> defs.add(AttributeDefinition.builder().attributeName(name).attributeType(type).build()));
        return defs;
    }

    /** The global secondary indexes' names. */
    public List<String> indexNames() {
        return new ArrayList<>(indexes.keySet());
    }

    /** A global secondary index, all attributes projected (on-demand: no throughput). */
    public GlobalSecondaryIndex index(String name) {
        String[] k = indexes.get(name);
        if (k == null) {
            throw new IllegalArgumentException("no index " + name + " in the " + role + " table");
        }
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(keys(k[0], k[1]))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build();
    }

    /** All global secondary indexes. */
    public List<GlobalSecondaryIndex> indexes() {
        List<GlobalSecondaryIndex> all = new ArrayList<>();
        for (String name : indexes.keySet()) {
            all.add(index(name));
        }
        return all;
    }

    /** The type of a key attribute of the table or an index. */
    public ScalarAttributeType type(String attribute) {
        return types.get(attribute);
    }

    private static List<KeySchemaElement> keys(String hash, String range) {
        return List.of(KeySchemaElement.builder().attributeName(hash).keyType(KeyType.HASH).build(),
                KeySchemaElement.builder().attributeName(range).keyType(KeyType.RANGE).build());
    }

    @Override
    public String toString() {
        return role + " (" + hashKey + " " + hashType + " HASH, " + rangeKey + " " + rangeType + " RANGE"
                + (indexes.isEmpty() ? "" : ", indexes " + indexes.keySet()) + ")";
    }
}
