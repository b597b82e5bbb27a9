package dev.crowdemotion.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.Images;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The model server over HTTP (java.net.http) with the repository's photos. */
class ModelServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A VOC photo whose 6 labelled faces score on both sides of 0.9 (checked by {@link #minScoreAttributeChangesTheResult}). */
    private static final String MIXED_SCORES = "faces-voc/2008_002079.jpg";

    private static ModelServer server;
    private static BlazeFaceDetector direct;
    private static BlazeFaceDetector direct09;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        server = ModelServer.start("127.0.0.1", 0, ModelServer.Options.defaults().workers(2));
        direct = BlazeFaceDetector.load(DetectorOptions.defaults());
        direct09 = BlazeFaceDetector.load(DetectorOptions.builder().minScore(0.9f).build());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (direct09 != null) {
            direct09.close();
        }
    }

    @Test
    void pingIs200OnceLoaded() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/ping")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(server.uri().toString()).isEqualTo("http://127.0.0.1:" + server.port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"faces-voc/2008_002079.jpg", "faces-voc/2008_004176.jpg", "faces-voc/2009_004587.jpg",
            "images/grace_hopper_512x512.jpg", "images/coffee.png"})
    void invocationsGiveExactlyTheEmbeddedDetectorsBoxes(String photo) throws Exception {
        byte[] bytes = TestData.bytes(photo);
        BufferedImage image = Images.decode(bytes);
        HttpResponse<byte[]> r = invoke(bytes, photo.endsWith(".png") ? "image/png" : "image/jpeg", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertSameBoxes(r.body(), image, direct.detect(image));
        JsonNode rows = JSON.readTree(r.body()).get("prediction");
        for (JsonNode row : rows) {
            assertThat(row.get(0).asDouble()).isEqualTo(0.0);
            for (int i = 1; i < 6; i++) {
                assertThat(row.get(i).asDouble()).isBetween(0.0, 1.0);
            }
            assertThat(row.get(4).asDouble()).isGreaterThan(row.get(2).asDouble());
            assertThat(row.get(5).asDouble()).isGreaterThan(row.get(3).asDouble());
        }
        System.out.printf("%s: %d faces%n", photo, rows.size());
    }

    @Test
    void pngOfAJpegGivesTheSameAsTheDecodedImage() throws Exception {
        BufferedImage image = Images.decode(TestData.bytes(MIXED_SCORES));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        HttpResponse<byte[]> r = invoke(png.toByteArray(), "image/png", null);
        assertThat(r.statusCode()).isEqualTo(200);
        List<FaceBox> expected = direct.detect(image);
        assertThat(expected).isNotEmpty();
        assertSameBoxes(r.body(), image, expected);
    }

    @Test
    void astronautPngHasOneFace() throws Exception {
        byte[] bytes = TestData.bytes("images/astronaut.png");
        HttpResponse<byte[]> r = invoke(bytes, "image/png", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("prediction")).hasSize(1);
        assertSameBoxes(r.body(), Images.decode(bytes), direct.detect(Images.decode(bytes)));
    }

    @Test
    void minScoreAttributeChangesTheResult() throws Exception {
        byte[] bytes = TestData.bytes(MIXED_SCORES);
        BufferedImage image = Images.decode(bytes);
        HttpResponse<byte[]> byDefault = invoke(bytes, "image/jpeg", null);
        HttpResponse<byte[]> strict = invoke(bytes, "image/jpeg", "trace=abc; min_score=0.9");
        HttpResponse<byte[]> strictComma = invoke(bytes, "image/jpeg", "min_score=0.9,other=1");
        assertThat(strict.statusCode()).isEqualTo(200);
        int n = JSON.readTree(byDefault.body()).get("prediction").size();
        int nStrict = JSON.readTree(strict.body()).get("prediction").size();
        System.out.printf("%s: %d faces at min_score 0.6, %d at 0.9%n", MIXED_SCORES, n, nStrict);
        assertThat(nStrict).isPositive().isLessThan(n);
        assertSameBoxes(strict.body(), image, direct09.detect(image));
        assertThat(strictComma.body()).isEqualTo(strict.body());
    }

    @Test
    void badMinScoreIs400() throws Exception {
        HttpResponse<byte[]> r = invoke(TestData.bytes(MIXED_SCORES), "image/jpeg", "min_score=1.5");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("message").asText()).contains("min_score");
    }

    @Test
    void garbageIs400WithAJsonMessage() throws Exception {
        HttpResponse<byte[]> r = invoke("definitely not a JPEG".getBytes(), "image/jpeg", null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("InvalidImage");
        assertThat(body.get("message").asText()).contains("not a JPEG or PNG");
    }

    @Test
    void truncatedJpegIs400() throws Exception {
        byte[] bytes = TestData.bytes(MIXED_SCORES);
        HttpResponse<byte[]> r = invoke(java.util.Arrays.copyOf(bytes, bytes.length / 2), "image/jpeg", null);
        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        assertThat(invoke(TestData.bytes(MIXED_SCORES), "text/csv", null).statusCode()).isEqualTo(415);
        HttpResponse<byte[]> none = http.send(HttpRequest.newBuilder(server.uri().resolve("/invocations"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestData.bytes(MIXED_SCORES))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(none.statusCode()).isEqualTo(415);
        assertThat(invoke(TestData.bytes(MIXED_SCORES), "image/jpeg; charset=binary", null).statusCode()).isEqualTo(200);
        assertThat(invoke(TestData.bytes(MIXED_SCORES), "application/x-image", null).statusCode()).isEqualTo(200);
    }

    @Test
    void wrongPathIs404AndWrongMethodIs405() throws Exception {
        HttpResponse<byte[]> notFound = http.send(HttpRequest.newBuilder(server.uri().resolve("/predict")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(notFound.statusCode()).isEqualTo(404);
        HttpResponse<byte[]> getInvocations = http.send(HttpRequest.newBuilder(server.uri().resolve("/invocations")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(getInvocations.statusCode()).isEqualTo(405);
        assertThat(getInvocations.headers().firstValue("Allow")).hasValue("POST");
        HttpResponse<byte[]> postPing = http.send(HttpRequest.newBuilder(server.uri().resolve("/ping"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(postPing.statusCode()).isEqualTo(405);
    }

    @Test
    void notAcceptableIs406() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/invocations"))
                .header("Content-Type", "image/jpeg").header("Accept", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestData.bytes(MIXED_SCORES))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(406);
    }

    /**
     * Every response box, mapped back to pixels as {@code (float) (ratio * size)} in double, equals
     * the detector's float box (x, y, width, height) exactly, in order.
     */
    static void assertSameBoxes(byte[] body, BufferedImage image, List<FaceBox> expected) throws Exception {
        int w = image.getWidth();
        int h = image.getHeight();
        JsonNode rows = JSON.readTree(body).get("prediction");
        assertThat(rows).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            FaceBox e = expected.get(i);
            JsonNode row = rows.get(i);
            assertThat((float) row.get(1).asDouble()).isEqualTo(e.score());
            assertThat((float) (row.get(2).asDouble() * w)).isEqualTo(e.x());
            assertThat((float) (row.get(3).asDouble() * h)).isEqualTo(e.y());
            assertThat((float) (row.get(4).asDouble() * w - row.get(2).asDouble() * w)).isEqualTo(e.width());
            assertThat((float) (row.get(5).asDouble() * h - row.get(3).asDouble() * h)).isEqualTo(e.height());
        }
        List<FaceBox> parsed = ObjectDetectionJson.read(body, w, h);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(parsed.get(i).x()).isEqualTo(expected.get(i).x());
            assertThat(parsed.get(i).y()).isEqualTo(expected.get(i).y());
            assertThat(parsed.get(i).width()).isEqualTo(expected.get(i).width());
            assertThat(parsed.get(i).height()).isEqualTo(expected.get(i).height());
        }
    }

    private static HttpResponse<byte[]> invoke(byte[] body, String contentType, String customAttributes) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/invocations"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (customAttributes != null) {
            b.header(CustomAttributes.HEADER, customAttributes);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
