package dev.crowdemotion.job.calls;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Classifies AWS service call failures (Rekognition DetectFaces, SageMaker InvokeEndpoint) into
 * what is worth retrying and what is not.
 *
 * <ul>
 *   <li>{@link Kind#THROTTLED}: {@code ThrottlingException}, {@code ProvisionedThroughputExceededException}
 *       (Rekognition's answers to a full quota or a scaling service), {@code LimitExceededException},
 *       SageMaker's {@code ModelNotReadyException} (HTTP 429) and any error the SDK flags as throttling;</li>
 *   <li>{@link Kind#SERVER}: HTTP 5xx, e.g. {@code InternalServerError};</li>
 *   <li>{@link Kind#TIMEOUT}: the SDK's attempt/call timeouts, and I/O failures (connection reset or refused);</li>
 *   <li>{@link Kind#PERMANENT}: everything else, notably {@code InvalidImageFormatException},
 *       {@code ImageTooLargeException}, {@code InvalidParameterException}, SageMaker's
 *       {@code ValidationError} and {@code ModelError} with a 4xx original status (the container
 *       refused the input, e.g. an image it cannot decode; a {@code ModelError} with a 5xx
 *       original status is {@link Kind#SERVER}): retrying cannot help, the input goes to the
 *       dead-letter output.</li>
 * </ul>
 * Error codes are those of the Rekognition API reference (DetectFaces, "Errors") and the
 * SageMaker Runtime API reference (InvokeEndpoint, "Errors").
 */
public final class ServiceErrors {
    /** Failure classes. */
    public enum Kind {
        THROTTLED(true), SERVER(true), TIMEOUT(true), PERMANENT(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private static final Set<String> THROTTLING_CODES = new HashSet<>(Arrays.asList(
            "ThrottlingException", "ProvisionedThroughputExceededException", "LimitExceededException",
            "ModelNotReadyException"));

    private ServiceErrors() {}

    /** The failure's class; unwraps {@link CompletionException} and {@link ExecutionException}. */
    public static Kind classify(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof AwsServiceException) {
            AwsServiceException e = (AwsServiceException) t;
            if (THROTTLING_CODES.contains(code(e)) || e.isThrottlingException()) {
                return Kind.THROTTLED;
            }
            if (e instanceof ModelErrorException) { // the container's own status decides
                Integer original = ((ModelErrorException) e).originalStatusCode();
                return original != null && original >= 500 ? Kind.SERVER : Kind.PERMANENT;
            }
            return e.statusCode() >= 500 ? Kind.SERVER : Kind.PERMANENT;
        }
        // the SDK may wrap a timeout or I/O failure several levels deep, e.g. SdkClientException ->
        // FutureCancelledException -> ApiCallAttemptTimeoutException
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ApiCallAttemptTimeoutException || c instanceof ApiCallTimeoutException
                    || c instanceof TimeoutException || c instanceof IOException) {
                return Kind.TIMEOUT;
            }
        }
        return Kind.PERMANENT;
    }

    /** Whether a failure is worth another attempt. */
    public static boolean isRetryable(Throwable failure) {
        return classify(failure).retryable();
    }

    /**
     * A stable reason code for metrics and dead letters: the service's error code (e.g.
     * {@code InvalidImageFormatException}), {@code TIMEOUT}, or {@code CLIENT_ERROR}.
     */
    public static String reason(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof AwsServiceException && code((AwsServiceException) t) != null) {
            return code((AwsServiceException) t);
        }
        return classify(t) == Kind.TIMEOUT ? "TIMEOUT" : "CLIENT_ERROR";
    }

    /** The failure inside {@link CompletionException}, {@link ExecutionException} and Failsafe's wrappers. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof dev.failsafe.FailsafeException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }
}
