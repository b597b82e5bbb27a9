package dev.crowdemotion.setup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Idempotently creates and deletes the frame stream (Kinesis) and the stage-scores table
 * (DynamoDB). Works against AWS and the local stand-ins alike; the clients come from outside.
 *
 * <p>Create calls leave existing resources as they are (an existing stream keeps its shard count)
 * and wait until they are ACTIVE; delete calls ignore missing resources and wait until they are
 * gone, so a create right after a delete works. Not thread-safe for concurrent calls on the same
 * resource name.
 */
public final class ResourceSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceSetup.class);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private final KinesisClient kinesis;
    private final DynamoDbClient dynamo;
    private final Duration pollInterval;
    private final Duration timeout;

    /**
     * @param kinesis client for the stream operations; may be null if only tables are handled
     * @param dynamo client for the table operations; may be null if only the stream is handled
     */
    public ResourceSetup(KinesisClient kinesis, DynamoDbClient dynamo) {
        this(kinesis, dynamo, DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT);
    }

    /**
     * @param pollInterval how often to poll a resource's status while waiting
     * @param timeout how long to wait for a resource to become ACTIVE or disappear
     */
    public ResourceSetup(KinesisClient kinesis, DynamoDbClient dynamo, Duration pollInterval, Duration timeout) {
        if (pollInterval.isNegative() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("pollInterval must be >= 0 and timeout > 0");
        }
        this.kinesis = kinesis;
        this.dynamo = dynamo;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    // ---------------------------------------------------------------- stream

    /**
     * Creates the stream (provisioned mode, {@code shards} shards) unless it exists, waits until it
     * is ACTIVE and returns its ARN.
     */
    public String createStream(String name, int shards) {
        return ensureStream(name, shards).arn();
    }

    /**
     * Like {@link #createStream} but also tells whether the stream was created or already existed.
     *
     * @throws IllegalArgumentException if {@code shards < 1} or the name is blank
     * @throws SetupTimeoutException if it does not become ACTIVE in time
     */
    public ProvisionedResource ensureStream(String name, int shards) {
        requireName(name);
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, not " + shards);
        }
        KinesisClient k = kinesis();
        long deadline = deadline();
        boolean created = false;
        while (true) {
            StreamDescriptionSummary s = describeStream(name);
            if (s == null) {
                try {
                    k.createStream(b -> b.streamName(name).shardCount(shards));
                    created = true;
                    LOG.info("Creating Kinesis stream {} with {} shard(s)", name, shards);
                } catch (software.amazon.awssdk.services.kinesis.model.ResourceInUseException e) {
                    LOG.debug("Stream {} appeared concurrently: {}", name, e.getMessage());
                }
            } else if (s.streamStatus() == StreamStatus.ACTIVE || s.streamStatus() == StreamStatus.UPDATING) {
                if (!created) {
                    LOG.info("Kinesis stream {} already exists ({}, {} open shard(s)); leaving it as it is",
                            name, s.streamStatus(), s.openShardCount());
                    if (s.openShardCount() != null && s.openShardCount() != shards) {
                        LOG.warn("Stream {} has {} open shard(s), not the requested {}; not resharding",
                                name, s.openShardCount(), shards);
                    }
                }
                return new ProvisionedResource(name, s.streamARN(), created);
            } else {
                LOG.info("Waiting for stream {} ({})", name, s.streamStatus());
            }
            pause(deadline, "stream " + name + " to become ACTIVE");
        }
    }

    /**
     * Deletes the stream (and its enhanced fan-out consumers) and waits until it is gone.
     *
     * @return true if it was deleted, false if there was no such stream
     */
    public boolean deleteStream(String name) {
        requireName(name);
        KinesisClient k = kinesis();
        boolean deleted;
        try {
            k.deleteStream(b -> b.streamName(name).enforceConsumerDeletion(true));
            deleted = true;
            LOG.info("Deleting Kinesis stream {}", name);
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
            LOG.info("Kinesis stream {} does not exist; nothing to delete", name);
            return false;
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceInUseException e) {
            // Still being created (or already being deleted): wait for it to settle, then retry.
            LOG.info("Stream {} is busy ({}); waiting", name, e.getMessage());
            awaitStreamSettled(name);
            return deleteStream(name);
        }
        long deadline = deadline();
        while (describeStream(name) != null) {
            pause(deadline, "stream " + name + " to be deleted");
        }
        return deleted;
    }

    /** The stream's summary, or null if there is no such stream. */
    public StreamDescriptionSummary describeStream(String name) {
        try {
            return kinesis().describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
            return null;
        }
    }

    private void awaitStreamSettled(String name) {
        long deadline = deadline();
        while (true) {
            StreamDescriptionSummary s = describeStream(name);
            if (s == null || s.streamStatus() == StreamStatus.ACTIVE) {
                return;
            }
            pause(deadline, "stream " + name + " to settle");
        }
    }

    // ---------------------------------------------------------------- table

    /**
     * Creates the stage-scores table (partition key {@value StageScoresSchema#PARTITION_KEY} S,
     * sort key {@value StageScoresSchema#SORT_KEY} N, on-demand billing) unless it exists, waits
     * until it is ACTIVE and returns its ARN.
     */
    public String createTable(String name) {
        return ensureTable(name).arn();
    }

    /**
     * Like {@link #createTable} but also tells whether the table was created or already existed.
     *
     * @throws IllegalStateException if a table of that name exists with another key schema
     * @throws SetupTimeoutException if it does not become ACTIVE in time
     */
    public ProvisionedResource ensureTable(String name) {
        requireName(name);
        DynamoDbClient d = dynamo();
        long deadline = deadline();
        boolean created = false;
        while (true) {
            TableDescription t = describeTable(name);
            if (t == null) {
                try {
                    d.createTable(b -> b.tableName(name)
                            .attributeDefinitions(
                                    AttributeDefinition.builder().attributeName(StageScoresSchema.PARTITION_KEY)
                                            .attributeType(StageScoresSchema.PARTITION_KEY_TYPE).build(),
                                    AttributeDefinition.builder().attributeName(StageScoresSchema.SORT_KEY)
                                            .attributeType(StageScoresSchema.SORT_KEY_TYPE).build())
                            .keySchema(
                                    KeySchemaElement.builder().attributeName(StageScoresSchema.PARTITION_KEY)
                                            .keyType(KeyType.HASH).build(),
                                    KeySchemaElement.builder().attributeName(StageScoresSchema.SORT_KEY)
                                            .keyType(KeyType.RANGE).build())
                            .billingMode(BillingMode.PAY_PER_REQUEST));
                    created = true;
                    LOG.info("Creating DynamoDB table {} ({} S, {} N, on-demand)", name,
                            StageScoresSchema.PARTITION_KEY, StageScoresSchema.SORT_KEY);
                } catch (software.amazon.awssdk.services.dynamodb.model.ResourceInUseException e) {
                    LOG.debug("Table {} appeared concurrently: {}", name, e.getMessage());
                }
            } else if (t.tableStatus() == TableStatus.DELETING) {
                LOG.info("Waiting for table {} to finish deleting before creating it", name);
            } else {
                checkKeySchema(t);
                if (t.tableStatus() == TableStatus.ACTIVE || t.tableStatus() == TableStatus.UPDATING) {
                    if (!created) {
                        LOG.info("DynamoDB table {} already exists ({}); leaving it as it is", name, t.tableStatus());
                    }
                    return new ProvisionedResource(name, t.tableArn(), created);
                }
                LOG.info("Waiting for table {} ({})", name, t.tableStatus());
            }
            pause(deadline, "table " + name + " to become ACTIVE");
        }
    }

    /**
     * Deletes the table and waits until it is gone.
     *
     * @return true if it was deleted, false if there was no such table
     */
    public boolean deleteTable(String name) {
        requireName(name);
        DynamoDbClient d = dynamo();
        try {
            d.deleteTable(b -> b.tableName(name));
            LOG.info("Deleting DynamoDB table {}", name);
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
            LOG.info("DynamoDB table {} does not exist; nothing to delete", name);
            return false;
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceInUseException e) {
            LOG.info("Table {} is busy ({}); waiting", name, e.getMessage());
            long deadline = deadline();
            TableDescription t;
            while ((t = describeTable(name)) != null && t.tableStatus() != TableStatus.ACTIVE) {
                pause(deadline, "table " + name + " to settle");
            }
            return deleteTable(name);
        }
        long deadline = deadline();
        while (describeTable(name) != null) {
            pause(deadline, "table " + name + " to be deleted");
        }
        return true;
    }

    /** The table's description, or null if there is no such table. */
    public TableDescription describeTable(String name) {
        try {
            return dynamo().describeTable(b -> b.tableName(name)).table();
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- both

    /**
     * Deletes the stream and the table, each if its name is not null; missing ones are ignored.
     *
     * @return how many of them existed and were deleted
     */
    public int deleteAll(String streamName, String tableName) {
        int n = 0;
        if (streamName != null && deleteStream(streamName)) n++;
        if (tableName != null && deleteTable(tableName)) n++;
        return n;
    }

    // ---------------------------------------------------------------- helpers

    private static void checkKeySchema(TableDescription t) {
        List<KeySchemaElement> keys = t.keySchema();
        boolean ok = keys.size() == 2
                && keys.stream().anyMatch(k -> k.keyType() == KeyType.HASH
                        && k.attributeName().equals(StageScoresSchema.PARTITION_KEY))
                && keys.stream().anyMatch(k -> k.keyType() == KeyType.RANGE
                        && k.attributeName().equals(StageScoresSchema.SORT_KEY));
        if (ok && t.attributeDefinitions() != null && !t.attributeDefinitions().isEmpty()) {
            ok = t.attributeDefinitions().stream().allMatch(a ->
                    !a.attributeName().equals(StageScoresSchema.PARTITION_KEY)
                            && !a.attributeName().equals(StageScoresSchema.SORT_KEY)
                            || a.attributeName().equals(StageScoresSchema.PARTITION_KEY)
                            && a.attributeType() == StageScoresSchema.PARTITION_KEY_TYPE
                            || a.attributeName().equals(StageScoresSchema.SORT_KEY)
                            && a.attributeType() == StageScoresSchema.SORT_KEY_TYPE);
        }
        if (!ok) {
            throw new IllegalStateException("table " + t.tableName() + " exists with key schema "
                    + keys + " / " + t.attributeDefinitions() + ", but the job needs "
                    + StageScoresSchema.PARTITION_KEY + " (S, HASH) and " + StageScoresSchema.SORT_KEY
                    + " (N, RANGE); delete it or use another table name");
        }
    }

    private KinesisClient kinesis() {
        return Objects.requireNonNull(kinesis, "no KinesisClient was given to ResourceSetup");
    }

    private DynamoDbClient dynamo() {
        return Objects.requireNonNull(dynamo, "no DynamoDbClient was given to ResourceSetup");
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }

    private long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    private void pause(long deadline, String what) {
        if (System.nanoTime() - deadline > 0) {
            throw new SetupTimeoutException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
        }
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupTimeoutException("interrupted while waiting for " + what);
        }
    }

    /** A resource did not reach the awaited state in time (or the wait was interrupted). */
    public static final class SetupTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SetupTimeoutException(String message) {
            super(message);
        }
    }
}
