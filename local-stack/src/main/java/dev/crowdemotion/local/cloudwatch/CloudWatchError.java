package dev.crowdemotion.local.cloudwatch;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * An error response of CloudWatch in the AWS Query protocol, as the SDK v2's
 * {@code AwsQueryProtocolFactory} parses it: HTTP status and an XML body
 * {@code <ErrorResponse><Error><Type>Sender|Receiver</Type><Code>..</Code><Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>}
 * (the code is read from {@code Error/Code}, not from a header). Codes and statuses: the SDK's
 * CloudWatch model (2.31.78: {@code InvalidParameterValue} 400, {@code MissingParameter} 400,
 * {@code InvalidParameterCombination} 400, {@code InvalidParameterInput} 400,
 * {@code ResourceNotFound} 404, {@code InternalServiceError} 500) and AWS's common errors
 * ({@code Throttling} 400, {@code ServiceUnavailable} 503, {@code AccessDenied} 403,
 * {@code MissingAuthenticationToken} 403, {@code RequestEntityTooLarge} 413,
 * {@code InvalidAction} 400; https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html).
 *
 * @param code error code
 * @param status HTTP status
 * @param message human-readable message
 * @param validationMessages PutDashboard's validation messages (data path, message), or empty; sent as
 *     {@code Error/dashboardValidationMessages/member/{DataPath,Message}}, the member's location name
 *     in the SDK's model of {@code DashboardInvalidInputError}
 */
public record CloudWatchError(String code, int status, String message, List<String[]> validationMessages) {
    /** The XML namespace of CloudWatch's 2010-08-01 API. */
    public static final String XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    /** Validates code and message. */
    public CloudWatchError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        validationMessages = validationMessages == null ? List.of() : List.copyOf(validationMessages);
    }

    /** An error without validation messages. */
    public static CloudWatchError of(String code, int status, String message) {
        return new CloudWatchError(code, status, message, List.of());
    }

    /** {@code Receiver} for 5xx (the service's fault), {@code Sender} otherwise. */
    public String type() {
        return status >= 500 ? "Receiver" : "Sender";
    }

    /** The Query error document. */
    public byte[] body(String requestId) {
        StringBuilder xml = new StringBuilder(256);
        xml.append("<ErrorResponse xmlns=\"").append(XMLNS).append("\">\n  <Error>\n    <Type>").append(type())
                .append("</Type>\n    <Code>").append(Xml.escape(code)).append("</Code>\n    <Message>")
                .append(Xml.escape(message)).append("</Message>\n");
        if (!validationMessages.isEmpty()) {
            xml.append("    <dashboardValidationMessages>\n");
            for (String[] m : validationMessages) {
                xml.append("      <member><DataPath>").append(Xml.escape(m[0])).append("</DataPath><Message>")
                        .append(Xml.escape(m[1])).append("</Message></member>\n");
            }
            xml.append("    </dashboardValidationMessages>\n");
        }
        xml.append("  </Error>\n  <RequestId>").append(requestId).append("</RequestId>\n</ErrorResponse>\n");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }
}
