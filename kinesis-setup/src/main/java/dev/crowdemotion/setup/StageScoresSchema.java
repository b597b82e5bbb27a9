package dev.crowdemotion.setup;

import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Key schema of the DynamoDB stage-scores table, as created by {@link ResourceSetup#createTable}.
 * One item per (stage, window start).
 *
 * <p>These constants belong with the job's table mapping in {@code connectors}
 * ({@code dev.crowdemotion.scores.StageScoresTable} uses the same names); they live here until
 * they are moved.
 */
public final class StageScoresSchema {
    private StageScoresSchema() {}

    /** Partition key attribute: the stage id, a string. */
    public static final String PARTITION_KEY = "stage_id";
    public static final ScalarAttributeType PARTITION_KEY_TYPE = ScalarAttributeType.S;
    /** Sort key attribute: the window start, epoch milliseconds UTC, a number. */
    public static final String SORT_KEY = "window_start";
    public static final ScalarAttributeType SORT_KEY_TYPE = ScalarAttributeType.N;
}
