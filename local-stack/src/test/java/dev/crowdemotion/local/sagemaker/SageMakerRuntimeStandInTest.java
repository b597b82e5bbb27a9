package dev.crowdemotion.local.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.modelserver.ModelServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InternalFailureException;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import software.amazon.awssdk.services.sagemakerruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

/** The SageMaker Runtime stand-in in front of an in-process model server, through the real SDK v2 async client. */
class SageMakerRuntimeStandInTest {
    private static final String ENDPOINT = "crowd-emotion-faces";
    private static final String PHOTO = "faces-voc/2008_002079.jpg";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelServer modelServer;
    private static SageMakerRuntimeStandIn standIn;
    private static SageMakerRuntimeAsyncClient noRetries;
    private static SageMakerRuntimeAsyncClient defaultRetries;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        modelServer = ModelServer.start("127.0.0.1", 0, ModelServer.Options.defaults().workers(2));
        standIn = SageMakerRuntimeStandIn.start(SageMakerRuntimeStandIn.Options.defaults().endpoint(ENDPOINT, modelServer.uri()));
        noRetries = client(standIn, b -> b.overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))));
        defaultRetries = client(standIn, b -> { });
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {noRetries, defaultRetries, standIn, modelServer}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // best effort
                }
            }
        }
    }

    static SageMakerRuntimeAsyncClient client(SageMakerRuntimeStandIn s,
            Consumer<software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClientBuilder> customizer) {
        var b = SageMakerRuntimeAsyncClient.builder()
                .endpointOverride(s.endpoint())
                .region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder());
        customizer.accept(b);
        return b.build();
    }

    @Test
    void invokeRelaysTheModelServersAnswer() throws Exception {
        byte[] photo = photo(PHOTO);
        InvokeEndpointResponse r = noRetries.invokeEndpoint(invoke(ENDPOINT, photo, "min_score=0.6")).join();
        HttpResponse<byte[]> direct = http.send(HttpRequest.newBuilder(URI.create(modelServer.uri() + "/invocations"))
                .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(photo)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(r.body().asByteArray()).isEqualTo(direct.body());
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.invokedProductionVariant()).isEqualTo(SageMakerRuntimeStandIn.PRODUCTION_VARIANT);
        JsonNode prediction = JSON.readTree(r.body().asByteArray()).get("prediction");
        assertThat(prediction).hasSize(6);
        // the custom attribute reaches the container
        InvokeEndpointResponse strict = noRetries.invokeEndpoint(invoke(ENDPOINT, photo, "min_score=0.9")).join();
        assertThat(JSON.readTree(strict.body().asByteArray()).get("prediction").size()).isLessThan(6);
    }

    @Test
    void unknownEndpointIsValidationError() {
        ValidationErrorException e = failure(noRetries, invoke("no-such-endpoint", photo(PHOTO), null), ValidationErrorException.class);
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Endpoint no-such-endpoint of account 000000000000 not found.");
        assertThat(e.isThrottlingException()).isFalse();
    }

    @Test
    void injectedThrottleIsTheSdksThrottlingErrorAndRetriedByDefault() {
        long before = standIn.counters().throttled();
        standIn.injectNext(SageMakerRuntimeStandIn.THROTTLING, 1);
        SageMakerRuntimeException e = failure(noRetries, invoke(ENDPOINT, photo(PHOTO), null), SageMakerRuntimeException.class);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
        assertThat(e.isThrottlingException()).isTrue();
        assertThat(e.retryable()).isFalse(); // only RetryableException is; the retry strategy decides by code
        // the client's default (standard) retry strategy retries a throttle and then succeeds
        standIn.injectNext(SageMakerRuntimeStandIn.THROTTLING, 1);
        InvokeEndpointResponse r = defaultRetries.invokeEndpoint(invoke(ENDPOINT, photo(PHOTO), null)).join();
        assertThat(r.body().asByteArray()).isNotEmpty();
        assertThat(standIn.counters().throttled() - before).isEqualTo(2);

        standIn.injectNext(SageMakerRuntimeStandIn.MODEL_NOT_READY, 1);
        ModelNotReadyException notReady = failure(noRetries, invoke(ENDPOINT, photo(PHOTO), null), ModelNotReadyException.class);
        assertThat(notReady.statusCode()).isEqualTo(429);
        assertThat(notReady.isThrottlingException()).isTrue();
    }

    @Test
    void injectedServerErrorsAreTheirModelledExceptions() {
        standIn.injectNext(SageMakerRuntimeStandIn.INTERNAL_FAILURE, 1);
        InternalFailureException e = failure(noRetries, invoke(ENDPOINT, photo(PHOTO), null), InternalFailureException.class);
        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(e.isThrottlingException()).isFalse();
        standIn.injectNext(SageMakerRuntimeStandIn.SERVICE_UNAVAILABLE, 1);
        ServiceUnavailableException u = failure(noRetries, invoke(ENDPOINT, photo(PHOTO), null), ServiceUnavailableException.class);
        assertThat(u.statusCode()).isEqualTo(503);
        assertThat(standIn.pendingInjected()).isZero();
    }

    @Test
    void modelRejectingGarbageIsModelErrorWithOriginalStatus() throws IOException {
        InvokeEndpointRequest req = InvokeEndpointRequest.builder().endpointName(ENDPOINT).contentType("image/jpeg")
                .body(SdkBytes.fromUtf8String("not an image")).build();
        ModelErrorException e = failure(noRetries, req, ModelErrorException.class);
        assertThat(e.statusCode()).isEqualTo(424);
        assertThat(e.originalStatusCode()).isEqualTo(400);
        assertThat(JSON.readTree(e.originalMessage()).get("error").asText()).isEqualTo("InvalidImage");
        assertThat(e.awsErrorDetails().errorMessage())
                .startsWith("Received client error (400) from primary with message \"")
                .endsWith("in account 000000000000 for more information.");
        assertThat(e.logStreamArn()).isEqualTo("arn:aws:logs:us-east-1:000000000000:log-group:/aws/sagemaker/Endpoints/" + ENDPOINT);
        // unsupported content type: the container's 415
        InvokeEndpointRequest csv = InvokeEndpointRequest.builder().endpointName(ENDPOINT).contentType("text/csv")
                .body(SdkBytes.fromUtf8String("1,2,3")).build();
        assertThat(failure(noRetries, csv, ModelErrorException.class).originalStatusCode()).isEqualTo(415);
    }

    @Test
    void unsignedRequestsAreRejectedLikeAws() throws Exception {
        URI uri = URI.create(standIn.endpoint() + "/endpoints/" + ENDPOINT + "/invocations");
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(photo(PHOTO))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");
        assertThat(JSON.readTree(unsigned.body()).get("message").asText()).isEqualTo("Missing Authentication Token");
        HttpResponse<String> basic = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Basic Zm9vOmJhcg==")
                .POST(HttpRequest.BodyPublishers.ofByteArray(photo(PHOTO))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(basic.statusCode()).isEqualTo(403);
        assertThat(basic.headers().firstValue("x-amzn-ErrorType")).hasValue("IncompleteSignatureException");
    }

    @Test
    void burstBeyondTheQuotaIsPartlyThrottled() {
        try (SageMakerRuntimeStandIn limited = SageMakerRuntimeStandIn.start(SageMakerRuntimeStandIn.Options.defaults()
                        .endpoint(ENDPOINT, modelServer.uri()).quotaTps(2).quotaBurst(2).seed(1));
                SageMakerRuntimeAsyncClient client = client(limited, b -> b.overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))))) {
            byte[] photo = photo("images/grace_hopper_512x512.jpg");
            List<CompletableFuture<InvokeEndpointResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(client.invokeEndpoint(InvokeEndpointRequest.builder().endpointName(ENDPOINT).contentType("image/jpeg")
                        .body(SdkBytes.fromByteArray(photo)).build()));
            }
            int ok = 0;
            int throttled = 0;
            for (CompletableFuture<InvokeEndpointResponse> f : calls) {
                try {
                    f.join();
                    ok++;
                } catch (CompletionException e) {
                    assertThat(e.getCause()).isInstanceOf(SageMakerRuntimeException.class);
                    assertThat(((SageMakerRuntimeException) e.getCause()).isThrottlingException()).isTrue();
                    throttled++;
                }
            }
            System.out.printf("quota 2 TPS, burst 2: %d ok, %d throttled; %s%n", ok, throttled, limited.counters());
            assertThat(ok).isBetween(2, 4); // 2 banked, plus what refills while the burst arrives
            assertThat(throttled).isEqualTo(8 - ok);
            SageMakerRuntimeStandIn.Counters c = limited.counters();
            assertThat(c.throttled()).isEqualTo(throttled);
            assertThat(c.forwarded()).isEqualTo(ok);
            assertThat(c.succeeded()).isEqualTo(ok);
            assertThat(c.errorsByType()).containsEntry("ThrottlingException", (long) throttled);
        }
    }

    @Test
    void addedLatencyAndServerErrorRate() {
        try (SageMakerRuntimeStandIn slow = SageMakerRuntimeStandIn.start(SageMakerRuntimeStandIn.Options.defaults()
                        .endpoint(ENDPOINT, modelServer.uri()).latencyMs(300, 300));
                SageMakerRuntimeAsyncClient client = client(slow, b -> b.overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))))) {
            client.invokeEndpoint(invoke(ENDPOINT, photo(PHOTO), null)).join(); // warm the connection
            long t0 = System.nanoTime();
            client.invokeEndpoint(invoke(ENDPOINT, photo(PHOTO), null)).join();
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(295);
        }
        try (SageMakerRuntimeStandIn failing = SageMakerRuntimeStandIn.start(SageMakerRuntimeStandIn.Options.defaults()
                        .endpoint(ENDPOINT, modelServer.uri()).serverErrorRate(1).seed(7));
                SageMakerRuntimeAsyncClient client = client(failing, b -> b.overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))))) {
            failure(client, invoke(ENDPOINT, photo(PHOTO), null), InternalFailureException.class);
            assertThat(failing.counters().forwarded()).isZero();
        }
    }

    @Test
    void unreachableContainerIsServiceUnavailable() {
        standIn.registerEndpoint("gone", LocalAws.loopbackEndpoint(LocalAws.freePort()));
        try {
            failure(noRetries, invoke("gone", photo(PHOTO), null), ServiceUnavailableException.class);
        } finally {
            assertThat(standIn.removeEndpoint("gone")).isTrue();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static InvokeEndpointRequest invoke(String endpoint, byte[] body, String customAttributes) {
        return InvokeEndpointRequest.builder().endpointName(endpoint).contentType("image/jpeg").accept("application/json")
                .customAttributes(customAttributes).body(SdkBytes.fromByteArray(body)).build();
    }

    private static <T extends SdkException> T failure(SageMakerRuntimeAsyncClient client, InvokeEndpointRequest request, Class<T> type) {
        Throwable[] thrown = new Throwable[1];
        assertThatThrownBy(() -> client.invokeEndpoint(request).join())
                .isInstanceOf(CompletionException.class)
                .satisfies(t -> thrown[0] = t.getCause());
        assertThat(thrown[0]).isInstanceOf(type);
        return type.cast(thrown[0]);
    }

    static byte[] photo(String relative) {
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("data").resolve(relative);
            if (Files.isRegularFile(f)) {
                try {
                    return Files.readAllBytes(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("data/" + relative + " not found above " + System.getProperty("user.dir"));
    }
}
