package dev.crowdemotion.setup;

import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.dynamodb.DynamoDbLocalServer;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** SDK v2 clients for local-stack's {@link DynamoDbLocalServer}: the real wire protocol over HTTP. */
final class LocalDynamoDb {
    private LocalDynamoDb() {}

    /** A new client for {@code server} (Apache HTTP client, local-stack's dummy credentials and region). */
    static DynamoDbClient client(DynamoDbLocalServer server) {
        return DynamoDbClient.builder().endpointOverride(server.endpoint()).region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder()).build();
    }
}
