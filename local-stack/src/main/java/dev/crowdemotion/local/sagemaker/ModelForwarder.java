package dev.crowdemotion.local.sagemaker;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Sends an invocation to a model container ({@code POST {base}/invocations}, the container
 * contract of https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html)
 * and turns its answer into what SageMaker Runtime answers: the container's 2xx response relayed,
 * or a {@link SageMakerError}. Thread-safe.
 */
final class ModelForwarder {
    /** Header of InvokeEndpoint's CustomAttributes, request and response. */
    static final String CUSTOM_ATTRIBUTES = "X-Amzn-SageMaker-Custom-Attributes";
    /** Content type SageMaker uses when InvokeEndpoint names none (the API's documented default). */
    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private final HttpClient http;
    private final Duration timeout;

    /** @param timeout how long a container may take to answer (SageMaker: 60 s) */
    ModelForwarder(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Forwards one invocation; blocks until the container answers or the timeout passes.
     *
     * @return the relayed success, or the SageMaker error: ModelError (424) for a container 4xx/5xx
     *     or no answer in time (original status 0, as SageMaker reports a container timeout),
     *     ServiceUnavailable (503) when the container cannot be reached at all
     */
    Outcome forward(String endpointName, URI base, byte[] body, String contentType, String accept,
            String customAttributes) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(invocationsUri(base))
                .timeout(timeout)
                .header("Content-Type", contentType == null ? DEFAULT_CONTENT_TYPE : contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (customAttributes != null) {
            b.header(CUSTOM_ATTRIBUTES, customAttributes);
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            return Outcome.failure(SageMakerError.modelError(endpointName, 0,
                    "Your invocation timed out while waiting for a response from container primary. Review the latency"
                            + " metrics for each container in Amazon CloudWatch, resolve the issue, and try again."));
        } catch (ConnectException e) {
            return Outcome.failure(SageMakerError.of(SageMakerRuntimeStandIn.SERVICE_UNAVAILABLE, 503,
                    "The model container of endpoint " + endpointName + " is not reachable at " + base));
        } catch (IOException e) {
            return Outcome.failure(SageMakerError.modelError(endpointName, 0, "connection to container primary failed: " + e));
        }
        if (r.statusCode() / 100 == 2) {
            return new Outcome(r.body(), r.headers().firstValue("Content-Type").orElse(DEFAULT_CONTENT_TYPE),
                    r.headers().firstValue(CUSTOM_ATTRIBUTES).orElse(null), null);
        }
        return Outcome.failure(SageMakerError.modelError(endpointName, r.statusCode(),
                new String(r.body(), StandardCharsets.UTF_8)));
    }

    /** {@code base} with the path {@code /invocations} appended (a trailing slash of base tolerated). */
    static URI invocationsUri(URI base) {
        String s = base.toString();
        return URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + "/invocations");
    }

    /** A relayed container answer (error null), or an error. */
    record Outcome(byte[] body, String contentType, String customAttributes, SageMakerError error) {
        static Outcome failure(SageMakerError error) {
            return new Outcome(null, null, null, error);
        }
    }
}
