package dev.crowdemotion.setup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import dev.crowdemotion.scores.StageScoresTable;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Idempotently creates and deletes the frame stream (Kinesis) and the score tables (DynamoDB:
 * stage scores with the leaderboard index, performance scores; {@link TableSchema}). Works against AWS and the local stand-ins alike; the clients come from outside.
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
     * Creates the stage-scores table ({@link TableSchema#STAGE_SCORES}, on-demand billing) unless
     * it exists, waits until it is ACTIVE and returns its ARN.
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
        return ensureTable(name, TableSchema.STAGE_SCORES);
    }

    /** Creates the per-set/per-track table ({@link TableSchema#PERFORMANCE_SCORES}) unless it exists; see {@link #ensureTable(String, TableSchema)}. */
    public ProvisionedResource ensurePerformanceTable(String name) {
        return ensureTable(name, TableSchema.PERFORMANCE_SCORES);
    }

    /**
     * Creates a table with {@code schema} (on-demand billing, its global secondary indexes) unless
     * it exists, and waits until it and its indexes are ACTIVE. An existing table with the right
     * key schema but without one of the indexes (made by an earlier version) gets the index added
     * (UpdateTable); other existing tables are left as they are.
     *
     * @throws IllegalStateException if a table of that name exists with another key schema
     * @throws SetupTimeoutException if it or an index does not become ACTIVE in time
     */
    public ProvisionedResource ensureTable(String name, TableSchema schema) {
        requireName(name);
        DynamoDbClient d = dynamo();
        long deadline = deadline();
        boolean created = false;
        while (true) {
            TableDescription t = describeTable(name);
            if (t == null) {
                try {
                    d.createTable(b -> {
                        b.tableName(name).attributeDefinitions(schema.attributeDefinitions())
                                .keySchema(schema.keySchema()).billingMode(BillingMode.PAY_PER_REQUEST);
                        if (!schema.indexNames().isEmpty()) {
                            b.globalSecondaryIndexes(schema.indexes());
                        }
                    });
                    created = true;
                    LOG.info("Creating DynamoDB table {}: {}, on-demand", name, schema);
                } catch (software.amazon.awssdk.services.dynamodb.model.ResourceInUseException e) {
                    LOG.debug("Table {} appeared concurrently: {}", name, e.getMessage());
                }
            } else if (t.tableStatus() == TableStatus.DELETING) {
                LOG.info("Waiting for table {} to finish deleting before creating it", name);
            } else {
                checkKeySchema(t, schema);
                if (t.tableStatus() == TableStatus.ACTIVE) {
                    String missing = missingIndex(t, schema);
                    if (missing != null) {
                        LOG.info("Adding index {} to table {}", missing, name);
                        d.updateTable(b -> b.tableName(name).attributeDefinitions(schema.attributeDefinitions())
                                .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName(missing)
                                        .keySchema(schema.index(missing).keySchema())
                                        .projection(schema.index(missing).projection()))));
                    } else if (indexesActive(t)) {
                        if (!created) {
                            LOG.info("DynamoDB table {} already exists; leaving it as it is", name);
                        }
                        return new ProvisionedResource(name, t.tableArn(), created);
                    }
                }
                LOG.info("Waiting for table {} ({}) and its indexes", name, t.tableStatus());
            }
            pause(deadline, "table " + name + " to become ACTIVE");
        }
    }

    /**
     * Turns on DynamoDB TTL on {@value StageScoresTable#EXPIRES_AT} (epoch seconds) unless it is
     * already on; items whose time has passed are then deleted by DynamoDB within days.
     *
     * @return true if it was turned on now
     */
    public boolean ensureTtl(String name) {
        requireName(name);
        DynamoDbClient d = dynamo();
        TimeToLiveStatus status = d.describeTimeToLive(b -> b.tableName(name)).timeToLiveDescription().timeToLiveStatus();
        if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
            return false;
        }
        d.updateTimeToLive(b -> b.tableName(name).timeToLiveSpecification(s -> s.enabled(true)
                .attributeName(StageScoresTable.EXPIRES_AT)));
        LOG.info("TTL on {}.{} turned on", name, StageScoresTable.EXPIRES_AT);
        return true;
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

    private static void checkKeySchema(TableDescription t, TableSchema schema) {
        List<KeySchemaElement> keys = t.keySchema();
        boolean ok = keys.size() == 2
                && keys.stream().anyMatch(k -> k.keyType() == KeyType.HASH && k.attributeName().equals(schema.hashKey))
                && keys.stream().anyMatch(k -> k.keyType() == KeyType.RANGE && k.attributeName().equals(schema.rangeKey));
        if (ok && t.attributeDefinitions() != null) {
            ok = t.attributeDefinitions().stream().allMatch(a -> schema.type(a.attributeName()) == null
                    || schema.type(a.attributeName()) == a.attributeType());
        }
        if (!ok) {
            throw new IllegalStateException("table " + t.tableName() + " exists with key schema "
                    + keys + " / " + t.attributeDefinitions() + ", but the job needs the " + schema
                    + "; delete it or use another table name");
        }
    }

    /** The first index of {@code schema} the table lacks, or null. */
    private static String missingIndex(TableDescription t, TableSchema schema) {
        for (String name : schema.indexNames()) {
            if (t.globalSecondaryIndexes().stream().noneMatch(i -> i.indexName().equals(name))) {
                return name;
            }
        }
        return null;
    }

    private static boolean indexesActive(TableDescription t) {
        return t.globalSecondaryIndexes().stream().allMatch(i -> i.indexStatus() == null
                || i.indexStatus() == IndexStatus.ACTIVE);
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
