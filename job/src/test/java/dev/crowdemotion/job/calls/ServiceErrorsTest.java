package dev.crowdemotion.job.calls;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.rekognition.model.ImageTooLargeException;
import software.amazon.awssdk.services.rekognition.model.InternalServerErrorException;
import software.amazon.awssdk.services.rekognition.model.InvalidImageFormatException;
import software.amazon.awssdk.services.rekognition.model.InvalidParameterException;
import software.amazon.awssdk.services.rekognition.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.rekognition.model.RekognitionException;
import software.amazon.awssdk.services.rekognition.model.ThrottlingException;

import java.io.IOException;
import java.util.concurrent.CompletionException;

import static dev.crowdemotion.job.calls.ServiceErrors.Kind.PERMANENT;
import static dev.crowdemotion.job.calls.ServiceErrors.Kind.SERVER;
import static dev.crowdemotion.job.calls.ServiceErrors.Kind.THROTTLED;
import static dev.crowdemotion.job.calls.ServiceErrors.Kind.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class ServiceErrorsTest {
    private static AwsErrorDetails details(String code) {
        return AwsErrorDetails.builder().errorCode(code).errorMessage("m").build();
    }

    @Test
    void classifiesTheSdksTypedRekognitionExceptions() {
        assertThat(ServiceErrors.classify(ThrottlingException.builder().statusCode(400)
                .awsErrorDetails(details("ThrottlingException")).build())).isEqualTo(THROTTLED);
        assertThat(ServiceErrors.classify(ProvisionedThroughputExceededException.builder().statusCode(400)
                .awsErrorDetails(details("ProvisionedThroughputExceededException")).build())).isEqualTo(THROTTLED);
        assertThat(ServiceErrors.classify(InternalServerErrorException.builder().statusCode(500)
                .awsErrorDetails(details("InternalServerError")).build())).isEqualTo(SERVER);
        assertThat(ServiceErrors.classify(RekognitionException.builder().statusCode(503)
                .awsErrorDetails(details("ServiceUnavailable")).build())).isEqualTo(SERVER);
        for (RekognitionException permanent : new RekognitionException[] {
            InvalidImageFormatException.builder().statusCode(400).awsErrorDetails(details("InvalidImageFormatException")).build(),
            ImageTooLargeException.builder().statusCode(400).awsErrorDetails(details("ImageTooLargeException")).build(),
            InvalidParameterException.builder().statusCode(400).awsErrorDetails(details("InvalidParameterException")).build()}) {
            assertThat(ServiceErrors.classify(permanent)).isEqualTo(PERMANENT);
            assertThat(ServiceErrors.reason(permanent)).isEqualTo(permanent.awsErrorDetails().errorCode());
        }
    }

    @Test
    void timeoutsAndIoFailuresAreRetryableEvenWhenWrapped() {
        Throwable attemptTimeout = ApiCallAttemptTimeoutException.create(500);
        assertThat(ServiceErrors.classify(new CompletionException(attemptTimeout))).isEqualTo(TIMEOUT);
        assertThat(ServiceErrors.reason(new CompletionException(attemptTimeout))).isEqualTo("TIMEOUT");
        assertThat(ServiceErrors.isRetryable(SdkClientException.create("reset", new IOException("Connection reset"))))
                .isTrue();
        // as the Netty client reports an attempt timeout after retries: three levels deep
        Throwable deep = SdkClientException.create("Unable to execute HTTP request",
                new RuntimeException("cancelled", ApiCallAttemptTimeoutException.create(500)));
        assertThat(ServiceErrors.classify(new CompletionException(deep))).isEqualTo(TIMEOUT);
        assertThat(ServiceErrors.classify(SdkClientException.create("client closed"))).isEqualTo(PERMANENT);
        assertThat(ServiceErrors.reason(SdkClientException.create("client closed"))).isEqualTo("CLIENT_ERROR");
    }
}
