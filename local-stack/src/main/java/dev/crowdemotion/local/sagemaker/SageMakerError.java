package dev.crowdemotion.local.sagemaker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crowdemotion.local.aws.LocalAws;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An error response of SageMaker Runtime in the AWS rest-json protocol, as the SDK v2 parses it:
 * HTTP status, header {@code x-amzn-ErrorType: <code>} (where the SDK's
 * {@code JsonErrorCodeParser} reads the error code) and a JSON body with {@code message} (read by
 * its {@code JsonErrorMessageParser}) plus, for {@value SageMakerRuntimeStandIn#MODEL_ERROR}, the
 * members {@code OriginalStatusCode}, {@code OriginalMessage} and {@code LogStreamArn} that the
 * SDK unmarshals into {@code ModelErrorException}. Codes and statuses: the SDK's SageMaker Runtime
 * model (2.31.78, {@code DefaultSageMakerRuntimeAsyncClient}'s exception metadata) and the
 * InvokeEndpoint API reference
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html#API_runtime_InvokeEndpoint_Errors);
 * {@code ThrottlingException} and the authentication errors are AWS's common errors
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/CommonErrors.html).
 *
 * @param code error code, e.g. {@code ValidationError}
 * @param status HTTP status
 * @param message human-readable message
 * @param originalStatusCode the model container's status (ModelError only, else null)
 * @param originalMessage the model container's response body (ModelError only, else null)
 * @param logStreamArn the endpoint's CloudWatch log group ARN (ModelError only, else null)
 */
public record SageMakerError(String code, int status, String message, Integer originalStatusCode,
        String originalMessage, String logStreamArn) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates that code and message are present. */
    public SageMakerError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** An error without ModelError's members. */
    public static SageMakerError of(String code, int status, String message) {
        return new SageMakerError(code, status, message, null, null, null);
    }

    /**
     * SageMaker's ModelError (HTTP 424) for a container that answered {@code containerStatus}
     * (0: no answer in time) with {@code containerBody}, worded as the real service words it:
     * {@code Received client error (400) from primary with message "...". See <CloudWatch URL> in
     * account 000000000000 for more information.} ("server error" for 5xx and 0; "primary" is the
     * container's name in a single-container endpoint).
     */
    public static SageMakerError modelError(String endpointName, int containerStatus, String containerBody) {
        String kind = containerStatus >= 400 && containerStatus < 500 ? "client" : "server";
        String group = "/aws/sagemaker/Endpoints/" + endpointName;
        String message = "Received " + kind + " error (" + containerStatus + ") from primary with message \""
                + containerBody + "\". See https://" + LocalAws.REGION + ".console.aws.amazon.com/cloudwatch/home?region="
                + LocalAws.REGION + "#logEventViewer:group=" + group + " in account " + LocalAws.ACCOUNT_ID
                + " for more information.";
        String arn = "arn:aws:logs:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":log-group:" + group;
        return new SageMakerError(SageMakerRuntimeStandIn.MODEL_ERROR, 424, message, containerStatus, containerBody, arn);
    }

    /** The JSON body: {@code message}, and ModelError's members when set. */
    public byte[] body() {
        ObjectNode node = JSON.createObjectNode();
        if (logStreamArn != null) {
            node.put("LogStreamArn", logStreamArn);
        }
        if (originalMessage != null) {
            node.put("OriginalMessage", originalMessage);
        }
        if (originalStatusCode != null) {
            node.put("OriginalStatusCode", originalStatusCode);
        }
        node.put("message", message);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            return ("{\"message\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
