package dev.crowdemotion.metrics;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How {@link CloudWatchSink} treats a failed {@code PutMetricData} call (after the SDK's own
 * retries). Error codes: the CloudWatch API reference
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html#API_PutMetricData_Errors,
 * CommonErrors.html) and the SDK's CloudWatch model (2.31.78).
 */
final class CloudWatchErrors {
    private CloudWatchErrors() {}

    /** What to do with the datums of a failed call. */
    enum Kind {
        /** Transient (throttling, 5xx, network, timeouts, expired credentials): hand the datums back to the writer. */
        RETRY,
        /** The request's data was refused (a bad datum, or a request too large): isolate the bad datums by splitting. */
        INVALID_DATA,
        /** Refused for good, whatever the data (e.g. access denied): count and log, do not retry. */
        REJECTED,
        /** Not an SDK error (a bug): fail the job. */
        FATAL
    }

    /** Error codes that refuse a request because of its data; splitting the batch isolates the culprit. */
    static final Set<String> DATA_ERROR_CODES = Set.of("InvalidParameterValue", "InvalidParameterCombination",
            "MissingParameter", "InvalidFormat", "RequestEntityTooLarge", "ValidationError");

    /** 4xx error codes that are transient nonetheless. */
    static final Set<String> TRANSIENT_CODES = Set.of("RequestTimeout", "RequestTimeoutException", "RequestExpired",
            "ExpiredToken", "ExpiredTokenException", "IDPCommunicationError", "PriorRequestNotComplete");

    /** Classifies {@code error} (completion wrappers are looked through). */
    static Kind classify(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof AwsServiceException) {
            AwsServiceException e = (AwsServiceException) t;
            String code = errorCode(e);
            if (e.isThrottlingException() || e.statusCode() >= 500 || TRANSIENT_CODES.contains(code)) {
                return Kind.RETRY;
            }
            if (DATA_ERROR_CODES.contains(code) || e.statusCode() == 413) {
                return Kind.INVALID_DATA;
            }
            return Kind.REJECTED;
        }
        if (t instanceof SdkException) {
            // client side: connection refused or reset, attempt/call timeouts, credentials not loaded yet
            return Kind.RETRY;
        }
        return Kind.FATAL;
    }

    /** The error code of a service error, or its HTTP status, for logs and tests. */
    static String describe(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof AwsServiceException) {
            AwsServiceException e = (AwsServiceException) t;
            String code = errorCode(e);
            return (code != null ? code : "HTTP " + e.statusCode()) + ": " + message(e);
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String message(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getMessage();
    }

    private static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** The cause inside {@link CompletionException}/{@link ExecutionException} wrappers. */
    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
