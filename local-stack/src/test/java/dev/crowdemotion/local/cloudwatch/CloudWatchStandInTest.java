package dev.crowdemotion.local.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.local.aws.LocalAws;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.DashboardInvalidInputErrorException;
import software.amazon.awssdk.services.cloudwatch.model.DashboardNotFoundErrorException;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetDashboardResponse;
import software.amazon.awssdk.services.cloudwatch.model.InternalServiceException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterCombinationException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.ListDashboardsResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.MissingRequiredParameterException;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * The CloudWatch stand-in through the real SDK v2 clients (sync with the Apache HTTP client, async
 * with Netty): what the SDK of this build sends (AWS Query, gzip above 10 KiB), the limits, the
 * errors and how the SDK reads them, dashboards, and the JSON view.
 */
class CloudWatchStandInTest {
    private static final String NS = "CrowdEmotionTest";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CloudWatchStandIn standIn;
    private static CloudWatchClient sync;
    private static CloudWatchClient syncNoRetries;
    private static CloudWatchAsyncClient async;
    private static CloudWatchAsyncClient asyncNoRetries;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        standIn = CloudWatchStandIn.start();
        sync = CloudWatchClient.builder().endpointOverride(standIn.endpoint()).region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder()).build();
        syncNoRetries = CloudWatchClient.builder().endpointOverride(standIn.endpoint()).region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        async = CloudWatchAsyncClient.builder().endpointOverride(standIn.endpoint()).region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS).httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy())).build();
        asyncNoRetries = CloudWatchAsyncClient.builder().endpointOverride(standIn.endpoint()).region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS).httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        sync.close();
        syncNoRetries.close();
        async.close();
        asyncNoRetries.close();
        standIn.close();
    }

    @BeforeEach
    void clear() {
        standIn.clear();
    }

    private static MetricDatum datum(String name, String stage, double value, Instant ts) {
        return MetricDatum.builder().metricName(name).value(value).unit(StandardUnit.COUNT).timestamp(ts)
                .dimensions(Dimension.builder().name("Stage").value(stage).build()).build();
    }

    @Test
    void smallRequestsArriveAsPlainAwsQueryAndAreKeptPerMetric() {
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        sync.putMetricData(r -> r.namespace(NS).metricData(datum("FramesSeen", "rock", 20, t),
                datum("FramesSeen", "pop", 18, t), datum("FramesSeen", "rock", 21, t.plusSeconds(10))));

        RequestRecord req = standIn.requests().get(0);
        // what the SDK 2.31.78 CloudWatch client sends: AWS Query, form-encoded, uncompressed when small
        assertThat(req.action()).isEqualTo("PutMetricData");
        assertThat(req.contentType()).startsWith("application/x-www-form-urlencoded");
        assertThat(req.gzip()).isFalse();
        assertThat(req.datums()).isEqualTo(3);
        assertThat(req.status()).isEqualTo(200);

        List<Datapoint> rock = standIn.datapoints(NS, "FramesSeen", Map.of("Stage", "rock"));
        assertThat(rock).extracting(Datapoint::value).containsExactly(20.0, 21.0);
        assertThat(rock.get(0).timestampMs()).isEqualTo(t.toEpochMilli());
        assertThat(rock.get(0).unit()).isEqualTo("Count");
        assertThat(standIn.datapoints(NS, "FramesSeen", Map.of("Stage", "pop"))).hasSize(1);
        assertThat(standIn.datapoints(NS, "FramesSeen", Map.of())).as("another dimension set is another metric").isEmpty();
        assertThat(standIn.series(NS, "FramesSeen")).hasSize(2);
    }

    @Test
    void largeRequestsArriveGzippedAndAreDecoded() {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<MetricDatum> data = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            data.add(MetricDatum.builder().metricName("EmotionConfidence").value(i / 10.0).unit(StandardUnit.PERCENT)
                    .timestamp(t).dimensions(Dimension.builder().name("Stage").value("stage-" + (i % 50)).build(),
                            Dimension.builder().name("Emotion").value("HAPPY").build()).build());
        }
        async.putMetricData(r -> r.namespace(NS).metricData(data)).join();

        RequestRecord req = standIn.requests().get(0);
        assertThat(req.gzip()).as("the SDK compresses bodies of 10 KiB and more").isTrue();
        assertThat(req.bodyBytes()).isGreaterThan(10 * 1024).isGreaterThan(req.wireBytes() * 3);
        assertThat(req.datums()).isEqualTo(1000);
        assertThat(standIn.counters().datapoints()).isEqualTo(1000);
        assertThat(standIn.counters().gzipRequests()).isEqualTo(1);
        assertThat(standIn.datapoints(NS, "EmotionConfidence", Map.of("Emotion", "HAPPY", "Stage", "stage-7")))
                .extracting(Datapoint::value).containsExactly(0.7, 5.7, 10.7, 15.7, 20.7, 25.7, 30.7, 35.7, 40.7, 45.7, 50.7,
                        55.7, 60.7, 65.7, 70.7, 75.7, 80.7, 85.7, 90.7, 95.7);
    }

    @Test
    void limitsAreEnforcedWithTheRealErrorCodesAndNothingIsStored() {
        Instant t = Instant.now();
        List<MetricDatum> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(datum("FramesSeen", "s" + i, i, t));
        }
        assertThatThrownBy(() -> syncNoRetries.putMetricData(r -> r.namespace(NS).metricData(tooMany)))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("The collection MetricData must not have a size greater than 1000.");
                });

        // 40 datums of 30 dimensions of 1024 characters: about 1.3 MB of form, far less once gzipped
        List<MetricDatum> huge = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            List<Dimension> dims = new ArrayList<>();
            for (int d = 0; d < 30; d++) {
                dims.add(Dimension.builder().name("D" + d).value(String.valueOf((char) ('a' + d % 26)).repeat(1024)).build());
            }
            huge.add(MetricDatum.builder().metricName("Big" + i).value(1.0).timestamp(t).dimensions(dims).build());
        }
        assertThatThrownBy(() -> syncNoRetries.putMetricData(r -> r.namespace(NS).metricData(huge)))
                .isInstanceOfSatisfying(CloudWatchException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(413);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLarge");
                });
        RequestRecord big = standIn.requests().get(standIn.requests().size() - 1);
        assertThat(big.gzip()).isTrue();
        assertThat(big.wireBytes()).isLessThan(CloudWatchStandIn.MAX_BODY_BYTES);

        assertThatThrownBy(() -> syncNoRetries.putMetricData(r -> r.namespace(NS)
                .metricData(datum("FramesSeen", "rock", 1, t.minus(15, ChronoUnit.DAYS)))))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("MetricData.member.1.Timestamp must specify a time no more than two weeks in the past");
        assertThatThrownBy(() -> syncNoRetries.putMetricData(r -> r.namespace("AWS/Mine")
                .metricData(datum("FramesSeen", "rock", 1, t)))).isInstanceOf(InvalidParameterValueException.class);
        List<Dimension> thirtyOne = new ArrayList<>();
        for (int d = 0; d < 31; d++) {
            thirtyOne.add(Dimension.builder().name("D" + d).value("v").build());
        }
        assertThatThrownBy(() -> syncNoRetries.putMetricData(r -> r.namespace(NS).metricData(
                MetricDatum.builder().metricName("X").value(1.0).dimensions(thirtyOne).build())))
                .isInstanceOf(InvalidParameterValueException.class);
        // one bad datum refuses the whole request
        assertThatThrownBy(() -> syncNoRetries.putMetricData(r -> r.namespace(NS).metricData(datum("FramesSeen", "rock", 1, t),
                datum("FramesSeen", "rock", 2, t.plus(3, ChronoUnit.HOURS))))).isInstanceOf(InvalidParameterValueException.class);

        assertThatThrownBy(() -> syncNoRetries.putMetricData(r -> r.namespace(NS).metricData(
                MetricDatum.builder().value(1.0).build()))).isInstanceOfSatisfying(MissingRequiredParameterException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).contains("MetricData.member.1.MetricName"));
        assertThatThrownBy(() -> syncNoRetries.putMetricData(r -> r.namespace(NS).metricData(MetricDatum.builder()
                .metricName("X").value(1.0).statisticValues(v -> v.sampleCount(1.0).sum(1.0).minimum(1.0).maximum(1.0)).build())))
                .isInstanceOf(InvalidParameterCombinationException.class);

        assertThat(standIn.series()).isEmpty();
        assertThat(standIn.requests()).filteredOn(r -> "InvalidParameterValue".equals(r.errorCode())).hasSize(5);
    }

    @Test
    void injectedErrorsReachTheSdkAsThrottlingAndServerErrors() {
        Instant t = Instant.now();
        standIn.injectNext(CloudWatchStandIn.THROTTLING, 1);
        assertThatThrownBy(() -> syncNoRetries.putMetricData(r -> r.namespace(NS).metricData(datum("FramesSeen", "rock", 1, t))))
                .isInstanceOfSatisfying(CloudWatchException.class, e -> {
                    assertThat(e.isThrottlingException()).isTrue();
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
                });
        standIn.injectNext(CloudWatchStandIn.INTERNAL_SERVICE_ERROR, 1);
        assertThatThrownBy(() -> asyncNoRetries.putMetricData(r -> r.namespace(NS)
                .metricData(datum("FramesSeen", "rock", 1, t))).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(InternalServiceException.class);
        assertThat(standIn.series()).isEmpty();

        // the SDK's standard retries get through two injected errors
        standIn.injectNext(CloudWatchStandIn.THROTTLING, 1);
        standIn.injectNext(CloudWatchStandIn.SERVICE_UNAVAILABLE, 1);
        async.putMetricData(r -> r.namespace(NS).metricData(datum("FramesSeen", "rock", 7, t))).join();
        assertThat(standIn.pendingInjected()).isZero();
        assertThat(standIn.datapoints(NS, "FramesSeen", Map.of("Stage", "rock"))).extracting(Datapoint::value).containsExactly(7.0);
        assertThat(standIn.requests()).extracting(RequestRecord::errorCode)
                .containsExactly("Throttling", "InternalServiceError", "Throttling", "ServiceUnavailable", null);
        assertThatThrownBy(() -> standIn.injectNext("Nope", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dashboardsArePutReadListedAndDeleted() {
        String body = "{\"widgets\":[{\"type\":\"metric\",\"x\":0,\"y\":0,\"width\":12,\"height\":6,\"properties\":{"
                + "\"region\":\"us-east-1\",\"title\":\"Energy\",\"metrics\":[[{\"expression\":\"SEARCH('{CrowdEmotion,Stage} "
                + "MetricName=\\\"Energy\\\"', 'Average', 60)\",\"id\":\"e1\"}]]}},{\"type\":\"text\",\"x\":0,\"y\":6,"
                + "\"width\":24,\"height\":2,\"properties\":{\"markdown\":\"# <Crowd> & emotion\"}}]}";
        assertThat(sync.putDashboard(r -> r.dashboardName("crowd-emotion").dashboardBody(body)).dashboardValidationMessages())
                .isEmpty();
        sync.putDashboard(r -> r.dashboardName("other_one").dashboardBody("{\"widgets\":[]}"));

        GetDashboardResponse got = sync.getDashboard(r -> r.dashboardName("crowd-emotion"));
        assertThat(got.dashboardBody()).isEqualTo(body);
        assertThat(got.dashboardArn()).isEqualTo("arn:aws:cloudwatch::000000000000:dashboard/crowd-emotion");
        ListDashboardsResponse listed = sync.listDashboards(r -> r.dashboardNamePrefix("crowd"));
        assertThat(listed.dashboardEntries()).hasSize(1);
        assertThat(listed.dashboardEntries().get(0).size()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        assertThat(sync.listDashboards().dashboardEntries()).hasSize(2);
        assertThat(standIn.dashboard("crowd-emotion")).contains(body);

        assertThatThrownBy(() -> sync.putDashboard(r -> r.dashboardName("bad").dashboardBody(
                "{\"widgets\":[{\"type\":\"metric\",\"properties\":{\"metrics\":[[\"CrowdEmotion\",\"Energy\"]]}}]}")))
                .isInstanceOfSatisfying(DashboardInvalidInputErrorException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.dashboardValidationMessages()).anySatisfy(m -> {
                        assertThat(m.dataPath()).isEqualTo("/widgets/0/properties");
                        assertThat(m.message()).contains("region");
                    });
                });
        assertThatThrownBy(() -> sync.putDashboard(r -> r.dashboardName("bad name!").dashboardBody("{\"widgets\":[]}")))
                .isInstanceOf(InvalidParameterValueException.class);

        assertThatThrownBy(() -> sync.deleteDashboards(r -> r.dashboardNames("crowd-emotion", "missing")))
                .isInstanceOfSatisfying(DashboardNotFoundErrorException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThat(standIn.dashboard("crowd-emotion")).as("all or nothing").isPresent();
        sync.deleteDashboards(r -> r.dashboardNames("crowd-emotion", "other_one"));
        assertThat(sync.listDashboards().dashboardEntries()).isEmpty();
        assertThatThrownBy(() -> sync.getDashboard(r -> r.dashboardName("crowd-emotion")))
                .isInstanceOf(DashboardNotFoundErrorException.class);
    }

    @Test
    void datapointsAreServedAsJsonForTheWebDashboard() throws Exception {
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        sync.putMetricData(r -> r.namespace(NS).metricData(datum("Energy", "rock", 61.5, t), datum("Energy", "pop", 80, t),
                datum("FramesSeen", "rock", 20, t)));
        HttpResponse<String> all = http.send(HttpRequest.newBuilder(URI.create(standIn.endpoint() + "/standin/metrics")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(JSON.readTree(all.body()).get("series")).hasSize(3);

        HttpResponse<String> rock = http.send(HttpRequest.newBuilder(URI.create(standIn.endpoint()
                + "/standin/metrics?namespace=" + NS + "&metricName=Energy&dim.Stage=rock")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode series = JSON.readTree(rock.body()).get("series");
        assertThat(series).hasSize(1);
        assertThat(series.get(0).get("dimensions").get("Stage").asText()).isEqualTo("rock");
        assertThat(series.get(0).get("datapoints").get(0).get("value").asDouble()).isEqualTo(61.5);
        assertThat(series.get(0).get("datapoints").get(0).get("timestamp").asLong()).isEqualTo(t.toEpochMilli());

        HttpResponse<String> later = http.send(HttpRequest.newBuilder(URI.create(standIn.endpoint()
                + "/standin/metrics?metricName=Energy&since=" + (t.toEpochMilli() + 1))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(later.body()).get("series")).allSatisfy(s -> assertThat(s.get("datapoints")).isEmpty());
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(standIn.endpoint()
                + "/standin/metrics?since=yesterday")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").asText()).contains("since");
    }

    @Test
    void unsignedAndNonQueryRequestsAreRefused() throws Exception {
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(standIn.endpoint())
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("Action=ListDashboards&Version=2010-08-01")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.body()).contains("<Code>MissingAuthenticationToken</Code>").contains("<Type>Sender</Type>");

        HttpResponse<String> json = http.send(HttpRequest.newBuilder(standIn.endpoint())
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=00ff")
                .POST(HttpRequest.BodyPublishers.ofString("{\"Namespace\":\"X\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(json.body()).contains("<Code>UnsupportedProtocol</Code>").contains("GraniteServiceVersion20100801.PutMetricData");

        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", "PutMetricData");
        form.put("Version", "2010-08-01");
        form.put("Namespace", NS);
        form.put("MetricData.member.1.MetricName", "X");
        form.put("MetricData.member.1.Value", "1");
        form.put("MetricData.member.1.Dimensions.member.1.Name", "Pad");
        form.put("MetricData.member.1.Dimensions.member.1.Value", "p".repeat(1000));
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=').append(v));
        body.append("&Junk=").append("j".repeat(CloudWatchStandIn.MAX_BODY_BYTES));
        HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(standIn.endpoint())
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=00ff")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("<Code>RequestEntityTooLarge</Code>");
        assertThat(standIn.series()).isEmpty();
    }
}
