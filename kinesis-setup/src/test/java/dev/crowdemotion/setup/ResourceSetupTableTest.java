package dev.crowdemotion.setup;

import dev.crowdemotion.local.dynamodb.DynamoDbLocalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Table creation against DynamoDB Local over HTTP (local-stack's {@link DynamoDbLocalServer}). */
class ResourceSetupTableTest {
    static DynamoDbLocalServer server;
    static DynamoDbClient dynamo;

    @BeforeAll
    static void start() {
        server = DynamoDbLocalServer.start();
        dynamo = LocalDynamoDb.client(server);
    }

    @AfterAll
    static void stop() {
        if (dynamo != null) dynamo.close();
        if (server != null) server.close();
    }

    private final ResourceSetup setup = new ResourceSetup(null, dynamo, Duration.ofMillis(50), Duration.ofSeconds(30));

    @Test
    void createsTheStageScoresTableOnceWithTheJobsKeySchema() {
        ProvisionedResource first = setup.ensureTable("scores-a");
        assertThat(first.created()).isTrue();
        assertThat(first.arn()).contains("scores-a");

        TableDescription t = setup.describeTable("scores-a");
        assertThat(t.tableStatusAsString()).isEqualTo("ACTIVE");
        assertThat(t.keySchema()).anySatisfy(k -> {
            assertThat(k.attributeName()).isEqualTo("stage_id");
            assertThat(k.keyType()).isEqualTo(KeyType.HASH);
        }).anySatisfy(k -> {
            assertThat(k.attributeName()).isEqualTo("window_start");
            assertThat(k.keyType()).isEqualTo(KeyType.RANGE);
        });
        assertThat(t.attributeDefinitions()).anySatisfy(a -> {
            assertThat(a.attributeName()).isEqualTo("stage_id");
            assertThat(a.attributeType()).isEqualTo(ScalarAttributeType.S);
        }).anySatisfy(a -> {
            assertThat(a.attributeName()).isEqualTo("window_start");
            assertThat(a.attributeType()).isEqualTo(ScalarAttributeType.N);
        });
        assertThat(t.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);

        // an item keyed like the job's writes it
        dynamo.putItem(b -> b.tableName("scores-a").item(Map.of(
                "stage_id", AttributeValue.fromS("main"), "window_start", AttributeValue.fromN("1700000000000"))));

        ProvisionedResource again = setup.ensureTable("scores-a");
        assertThat(again.created()).isFalse();
        assertThat(again.arn()).isEqualTo(first.arn());
        assertThat(dynamo.scan(b -> b.tableName("scores-a")).count()).as("existing table left as it is").isEqualTo(1);
    }

    @Test
    void deleteIgnoresMissingTablesAndAllowsRecreation() {
        setup.createTable("scores-b");
        assertThat(setup.deleteTable("scores-b")).isTrue();
        assertThat(setup.describeTable("scores-b")).isNull();
        assertThat(setup.deleteTable("scores-b")).isFalse();
        assertThat(setup.ensureTable("scores-b").created()).isTrue();
        assertThat(setup.deleteAll(null, "scores-b")).isEqualTo(1);
        assertThat(setup.deleteAll(null, "scores-b")).isZero();
    }

    @Test
    void refusesAnExistingTableWithAnotherKeySchema() {
        dynamo.createTable(b -> b.tableName("scores-wrong")
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        assertThatThrownBy(() -> setup.createTable("scores-wrong"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stage_id").hasMessageContaining("window_start");
    }

    @Test
    void stageTableHasTheLeaderboardIndexAndAnOldTableGetsItAdded() {
        setup.ensureTable("scores-c");
        assertThat(setup.describeTable("scores-c").globalSecondaryIndexes()).singleElement().satisfies(i -> {
            assertThat(i.indexName()).isEqualTo("by-window");
            assertThat(i.keySchema()).extracting(k -> k.attributeName() + " " + k.keyType())
                    .containsExactly("window_start HASH", "energy RANGE");
            assertThat(i.projection().projectionTypeAsString()).isEqualTo("ALL");
        });

        // a table made by the earlier version: same keys, no index
        dynamo.createTable(b -> b.tableName("scores-old")
                .attributeDefinitions(a -> a.attributeName("stage_id").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("window_start").attributeType(ScalarAttributeType.N))
                .keySchema(k -> k.attributeName("stage_id").keyType(KeyType.HASH),
                        k -> k.attributeName("window_start").keyType(KeyType.RANGE))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        assertThat(setup.ensureTable("scores-old").created()).isFalse();
        assertThat(setup.describeTable("scores-old").globalSecondaryIndexes())
                .extracting(i -> i.indexName() + " " + i.indexStatusAsString()).containsExactly("by-window ACTIVE");
    }

    @Test
    void performanceTableIsKeyedByArtistAndPerformanceAndTtlIsTurnedOnOnce() {
        ProvisionedResource p = setup.ensurePerformanceTable("perf-a");
        assertThat(p.created()).isTrue();
        assertThat(setup.describeTable("perf-a").keySchema()).extracting(k -> k.attributeName() + " " + k.keyType())
                .containsExactly("artist HASH", "performance RANGE");
        setup.ensureTable("perf-b"); // a stage-scores table under the name
        assertThatThrownBy(() -> setup.ensurePerformanceTable("perf-b"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("artist");
        assertThat(setup.ensureTtl("perf-a")).isTrue();
        assertThat(dynamo.describeTimeToLive(b -> b.tableName("perf-a")).timeToLiveDescription().attributeName())
                .isEqualTo("expires_at");
        assertThat(setup.ensureTtl("perf-a")).isFalse();
    }
}
