package dev.crowdemotion.local.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crowdemotion.local.aws.LocalAws;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** DynamoDB Local through the real SDK v2 DynamoDbClient. */
class DynamoDbLocalServerTest {

    private static DynamoDbClient client(DynamoDbLocalServer server, StaticCredentialsProvider creds) {
        return DynamoDbClient.builder()
                .endpointOverride(server.endpoint())
                .region(LocalAws.region())
                .credentialsProvider(creds)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @Test
    void createTablePutItemGetItem() {
        long t0 = System.nanoTime();
        try (DynamoDbLocalServer server = DynamoDbLocalServer.start()) {
            System.out.printf("DynamoDB Local started in %d ms at %s%n", (System.nanoTime() - t0) / 1_000_000, server.endpoint());
            assertThat(server.endpoint().toString()).isEqualTo("http://127.0.0.1:" + server.port());
            try (DynamoDbClient ddb = client(server, LocalAws.CREDENTIALS)) {
                ddb.createTable(b -> b.tableName("stage-scores")
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(
                                AttributeDefinition.builder().attributeName("stageId").attributeType(ScalarAttributeType.S).build(),
                                AttributeDefinition.builder().attributeName("windowStart").attributeType(ScalarAttributeType.N).build())
                        .keySchema(
                                KeySchemaElement.builder().attributeName("stageId").keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName("windowStart").keyType(KeyType.RANGE).build()));
                Map<String, AttributeValue> item = Map.of(
                        "stageId", AttributeValue.fromS("main-stage"),
                        "windowStart", AttributeValue.fromN("1700000000000"),
                        "happy", AttributeValue.fromN("0.75"),
                        "faces", AttributeValue.fromN("12"));
                ddb.putItem(b -> b.tableName("stage-scores").item(item));
                Map<String, AttributeValue> got = ddb.getItem(b -> b.tableName("stage-scores").consistentRead(true)
                        .key(Map.of("stageId", AttributeValue.fromS("main-stage"),
                                "windowStart", AttributeValue.fromN("1700000000000")))).item();
                assertThat(got).isEqualTo(item);
            }
            // shared database: other credentials see the same tables
            try (DynamoDbClient other = client(server, StaticCredentialsProvider.create(AwsBasicCredentials.create("other", "other")))) {
                assertThat(other.listTables().tableNames()).containsExactly("stage-scores");
            }
        }
    }

    @Test
    void closeStopsServing() {
        long t0 = System.nanoTime();
        DynamoDbLocalServer server = DynamoDbLocalServer.start();
        try (DynamoDbClient ddb = client(server, LocalAws.CREDENTIALS)) {
            assertThat(ddb.listTables().tableNames()).isEmpty();
            System.out.printf("start + first ListTables: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            server.close();
            long t1 = System.nanoTime();
            assertThatThrownBy(ddb::listTables).isInstanceOf(SdkClientException.class);
            System.out.printf("refused call failed after %d ms%n", (System.nanoTime() - t1) / 1_000_000);
        }
    }

    @Test
    void onDiskDatabaseOutlivesARestartOnTheSamePort(@TempDir Path dir) {
        Map<String, AttributeValue> key = Map.of("stageId", AttributeValue.fromS("pop"),
                "windowStart", AttributeValue.fromN("1700000000000"));
        DynamoDbLocalServer first = DynamoDbLocalServer.start(0, dir);
        int port = first.port();
        try (DynamoDbClient ddb = client(first, LocalAws.CREDENTIALS)) {
            ddb.createTable(b -> b.tableName("stage-scores")
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName("stageId").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("windowStart").attributeType(ScalarAttributeType.N).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName("stageId").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("windowStart").keyType(KeyType.RANGE).build()));
            ddb.putItem(b -> b.tableName("stage-scores").item(key));
        } finally {
            first.close();
        }
        try (DynamoDbLocalServer second = DynamoDbLocalServer.start(port, dir);
             DynamoDbClient ddb = client(second, LocalAws.CREDENTIALS)) {
            assertThat(ddb.getItem(b -> b.tableName("stage-scores").consistentRead(true).key(key)).item())
                    .isEqualTo(key);
        }
        // an in-memory server on the same port starts empty
        try (DynamoDbLocalServer memory = DynamoDbLocalServer.start(port);
             DynamoDbClient ddb = client(memory, LocalAws.CREDENTIALS)) {
            assertThat(ddb.listTables().tableNames()).isEmpty();
        }
    }
}
