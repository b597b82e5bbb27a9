package dev.crowdemotion.metrics;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.InternalServiceException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@link CloudWatchErrors} classifies what the SDK raises. */
class CloudWatchErrorsTest {
    private static CloudWatchException error(String code, int status) {
        return (CloudWatchException) CloudWatchException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    @Test
    void transientErrorsAreRetriedDataErrorsSplitOthersRejected() {
        assertThat(CloudWatchErrors.classify(error("Throttling", 400))).isEqualTo(CloudWatchErrors.Kind.RETRY);
        assertThat(CloudWatchErrors.classify(error("ThrottlingException", 400))).isEqualTo(CloudWatchErrors.Kind.RETRY);
        assertThat(CloudWatchErrors.classify(error("Whatever", 429))).isEqualTo(CloudWatchErrors.Kind.RETRY);
        assertThat(CloudWatchErrors.classify(InternalServiceException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalServiceError").build()).build()))
                .isEqualTo(CloudWatchErrors.Kind.RETRY);
        assertThat(CloudWatchErrors.classify(error("ServiceUnavailable", 503))).isEqualTo(CloudWatchErrors.Kind.RETRY);
        assertThat(CloudWatchErrors.classify(error("ExpiredToken", 400))).isEqualTo(CloudWatchErrors.Kind.RETRY);
        assertThat(CloudWatchErrors.classify(new CompletionException(SdkClientException.create("connect", new ConnectException()))))
                .isEqualTo(CloudWatchErrors.Kind.RETRY);
        assertThat(CloudWatchErrors.classify(ApiCallAttemptTimeoutException.create(10_000))).isEqualTo(CloudWatchErrors.Kind.RETRY);

        assertThat(CloudWatchErrors.classify(InvalidParameterValueException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidParameterValue").build()).build()))
                .isEqualTo(CloudWatchErrors.Kind.INVALID_DATA);
        assertThat(CloudWatchErrors.classify(error("MissingParameter", 400))).isEqualTo(CloudWatchErrors.Kind.INVALID_DATA);
        assertThat(CloudWatchErrors.classify(error("RequestEntityTooLarge", 413))).isEqualTo(CloudWatchErrors.Kind.INVALID_DATA);

        assertThat(CloudWatchErrors.classify(error("AccessDenied", 403))).isEqualTo(CloudWatchErrors.Kind.REJECTED);
        assertThat(CloudWatchErrors.classify(new CompletionException(new IllegalStateException("bug"))))
                .isEqualTo(CloudWatchErrors.Kind.FATAL);
        assertThat(CloudWatchErrors.describe(new CompletionException(error("Throttling", 400)))).startsWith("Throttling: ");
    }
}
