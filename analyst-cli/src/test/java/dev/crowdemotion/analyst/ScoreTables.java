package dev.crowdemotion.analyst;

import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.dynamodb.DynamoDbLocalServer;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.PerformanceScoresTable;
import dev.crowdemotion.scores.StageScoresTable;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setup.ResourceSetup;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DynamoDB Local (local-stack's {@link DynamoDbLocalServer}) with score tables made by the real
 * {@link ResourceSetup} and items made by the real mappers ({@link StageScoresTable#toItem},
 * {@link PerformanceScoresTable#toItem}), as the job writes them.
 */
final class ScoreTables implements AutoCloseable {
    final DynamoDbLocalServer server;
    final DynamoDbClient dynamo;
    final ResourceSetup setup;

    private ScoreTables(DynamoDbLocalServer server) {
        this.server = server;
        this.dynamo = client(server);
        this.setup = new ResourceSetup(null, dynamo, Duration.ofMillis(50), Duration.ofSeconds(30));
    }

    /** Starts DynamoDB Local on a free port (0) or the given one. */
    static ScoreTables start(int port) {
        return new ScoreTables(DynamoDbLocalServer.start(port));
    }

    /** A new client for the server (real wire protocol over HTTP). */
    static DynamoDbClient client(DynamoDbLocalServer server) {
        return DynamoDbClient.builder().endpointOverride(server.endpoint()).region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** {@code http://127.0.0.1:<port>}. */
    String endpoint() {
        return server.endpoint().toString();
    }

    /** Creates the stage table (with its leaderboard index) and the performance table as kinesis-setup does. */
    void create(String stageTable, String performanceTable) {
        setup.ensureTable(stageTable);
        setup.ensurePerformanceTable(performanceTable);
    }

    /** Writes window scores as the job's sink does (one item per stage and window start). */
    void putWindows(String table, List<StageWindowScore> scores) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (StageWindowScore s : scores) {
            items.add(StageScoresTable.toItem(s));
        }
        batchPut(table, items);
    }

    /** Writes set and track summaries as the job's sink does. */
    void putPerformances(String table, List<PerformanceScore> scores) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (PerformanceScore p : scores) {
            items.add(PerformanceScoresTable.toItem(p, 0));
        }
        batchPut(table, items);
    }

    private void batchPut(String table, List<Map<String, AttributeValue>> items) {
        for (int i = 0; i < items.size(); i += 25) {
            List<WriteRequest> batch = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(i, Math.min(items.size(), i + 25))) {
                batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            Map<String, List<WriteRequest>> pending = new HashMap<>(Map.of(table, batch));
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse r = dynamo.batchWriteItem(b -> b.requestItems(request));
                pending = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
            }
        }
    }

    @Override
    public void close() {
        dynamo.close();
        server.close();
    }
}
