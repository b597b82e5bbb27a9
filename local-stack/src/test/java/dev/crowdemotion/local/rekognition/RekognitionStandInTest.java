package dev.crowdemotion.local.rekognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.Images;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.rekognition.RekognitionAsyncClient;
import software.amazon.awssdk.services.rekognition.model.Attribute;
import software.amazon.awssdk.services.rekognition.model.BoundingBox;
import software.amazon.awssdk.services.rekognition.model.DetectFacesRequest;
import software.amazon.awssdk.services.rekognition.model.DetectFacesResponse;
import software.amazon.awssdk.services.rekognition.model.Emotion;
import software.amazon.awssdk.services.rekognition.model.EmotionName;
import software.amazon.awssdk.services.rekognition.model.FaceDetail;
import software.amazon.awssdk.services.rekognition.model.Image;
import software.amazon.awssdk.services.rekognition.model.ImageTooLargeException;
import software.amazon.awssdk.services.rekognition.model.InvalidImageFormatException;
import software.amazon.awssdk.services.rekognition.model.InvalidParameterException;
import software.amazon.awssdk.services.rekognition.model.RekognitionException;

/** The Rekognition stand-in through the real SDK v2 RekognitionAsyncClient. */
class RekognitionStandInTest {
    private static RekognitionStandIn standIn;
    private static RekognitionAsyncClient rekognition;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        standIn = RekognitionStandIn.start();
        System.out.printf("Rekognition stand-in started in %d ms at %s%n", (System.nanoTime() - t0) / 1_000_000, standIn.endpoint());
        rekognition = RekognitionAsyncClient.builder()
                .endpointOverride(standIn.endpoint())
                .region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @AfterAll
    static void stop() {
        if (rekognition != null) {
            rekognition.close();
        }
        if (standIn != null) {
            standIn.close();
        }
    }

    @Test
    void astronautHasOneHappyFacePlausiblyPlaced() throws IOException {
        DetectFacesResponse r = detect(image("astronaut.png"), Attribute.ALL);
        assertThat(r.faceDetails()).hasSize(1);
        FaceDetail face = r.faceDetails().get(0);
        BoundingBox b = face.boundingBox();
        System.out.println("astronaut: " + face);
        for (float v : new float[] {b.left(), b.top(), b.width(), b.height(), b.left() + b.width(), b.top() + b.height()}) {
            assertThat(v).isBetween(0f, 1f);
        }
        // Eileen Collins' face: upper middle of the 512x512 portrait, about a fifth of its width
        float cx = b.left() + b.width() / 2;
        float cy = b.top() + b.height() / 2;
        assertThat(cx).isBetween(0.35f, 0.65f);
        assertThat(cy).isBetween(0.1f, 0.45f);
        assertThat(b.width()).isBetween(0.1f, 0.4f);
        assertThat(b.height()).isBetween(0.1f, 0.5f);
        assertThat(face.confidence()).isBetween(50f, 100f);

        List<Emotion> emotions = face.emotions();
        assertThat(emotions).hasSize(7);
        assertThat(emotions.get(0).type()).isEqualTo(EmotionName.HAPPY);
        for (int i = 1; i < emotions.size(); i++) {
            assertThat(emotions.get(i).confidence()).isLessThanOrEqualTo(emotions.get(i - 1).confidence());
        }
        assertThat(emotions.stream().map(Emotion::type))
                .doesNotContain(EmotionName.CONFUSED, EmotionName.UNKNOWN, EmotionName.UNKNOWN_TO_SDK_VERSION)
                .contains(EmotionName.CALM);
        assertThat(emotions.stream().mapToDouble(Emotion::confidence).sum()).isCloseTo(100.0, within(0.5));
    }

    @Test
    void emotionsAttributeAloneAlsoReturnsEmotions() throws IOException {
        DetectFacesResponse r = detect(image("astronaut.png"), Attribute.EMOTIONS);
        assertThat(r.faceDetails()).hasSize(1);
        assertThat(r.faceDetails().get(0).hasEmotions()).isTrue();
    }

    @Test
    void defaultAttributesOmitEmotions() throws IOException {
        DetectFacesResponse r = detect(image("astronaut.png"), Attribute.DEFAULT);
        assertThat(r.faceDetails()).hasSize(1);
        assertThat(r.faceDetails().get(0).hasEmotions()).isFalse();
        assertThat(r.faceDetails().get(0).boundingBox()).isNotNull();

        Image astronaut = bytes(image("astronaut.png"));
        DetectFacesResponse noAttributes = rekognition.detectFaces(b -> b.image(astronaut)).join();
        assertThat(noAttributes.faceDetails()).hasSize(1);
        assertThat(noAttributes.faceDetails().get(0).hasEmotions()).isFalse();
    }

    @Test
    void catHasNoFace() throws IOException {
        assertThat(detect(image("chelsea.png"), Attribute.ALL).faceDetails()).isEmpty();
    }

    /** What the job sends: one face cropped with 25 % margin, upscaled to at least 96 px, as JPEG. */
    @ParameterizedTest
    @ValueSource(ints = {96, 160, 300})
    void findsTheFaceInAJobStyleCrop(int minSide) throws Exception {
        BufferedImage astronaut = ImageIO.read(dataImage("astronaut.png").toFile());
        FaceBox face;
        try (BlazeFaceDetector detector = BlazeFaceDetector.loadDefault()) {
            List<FaceBox> faces = detector.detect(astronaut);
            assertThat(faces).hasSize(1);
            face = faces.get(0);
        }
        BufferedImage crop = Images.scaleToMinSide(Images.crop(astronaut, face, 0.25f), minSide);
        assertThat(Math.min(crop.getWidth(), crop.getHeight())).isGreaterThanOrEqualTo(minSide);
        byte[] jpeg = Images.encodeJpeg(crop, 0.9f);

        DetectFacesResponse r = detect(jpeg, Attribute.ALL);
        assertThat(r.faceDetails()).hasSize(1);
        FaceDetail d = r.faceDetails().get(0);
        BoundingBox b = d.boundingBox();
        System.out.printf("crop %dx%d: %s%n", crop.getWidth(), crop.getHeight(), d);
        // with a 25 % margin on each side the face spans about the middle 2/3 of the crop
        assertThat(b.left() + b.width() / 2).isCloseTo(0.5f, within(0.15f));
        assertThat(b.top() + b.height() / 2).isCloseTo(0.5f, within(0.2f));
        assertThat(b.width()).isBetween(0.35f, 1f);
        assertThat(d.emotions().get(0).type()).isEqualTo(EmotionName.HAPPY);

        // latency of DetectFaces on this crop, end to end through the SDK
        int n = 10;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            detect(jpeg, Attribute.ALL);
        }
        System.out.printf("DetectFaces on a %dx%d crop: %.1f ms per call (sequential, %d calls)%n",
                crop.getWidth(), crop.getHeight(), (System.nanoTime() - t0) / 1e6 / n, n);
    }

    /** A face filling the whole image (cropped at the face box, no margin), which BlazeFace alone misses. */
    @Test
    void findsAFaceThatFillsTheImage() throws Exception {
        BufferedImage grace = ImageIO.read(dataImage("grace_hopper_512x512.jpg").toFile());
        FaceBox face;
        try (BlazeFaceDetector detector = BlazeFaceDetector.loadDefault()) {
            face = detector.detect(grace).get(0);
        }
        BufferedImage closeUp = grace.getSubimage(Math.round(face.x()), Math.round(face.y()),
                Math.round(face.width()), Math.round(face.height()));
        DetectFacesResponse r = detect(png(closeUp), Attribute.DEFAULT);
        assertThat(r.faceDetails()).hasSize(1);
        assertThat(r.faceDetails().get(0).boundingBox().width()).isGreaterThan(0.6f);
    }

    @Test
    void nonImageBytesAreInvalidImageFormat() {
        byte[] text = "definitely not a JPEG or a PNG".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> detect(text, Attribute.ALL))
                .isInstanceOf(InvalidImageFormatException.class)
                .satisfies(e -> assertThat(((RekognitionException) e).statusCode()).isEqualTo(400));
    }

    @Test
    void truncatedPngIsInvalidImageFormat() throws IOException {
        byte[] png = image("astronaut.png");
        assertThatThrownBy(() -> detect(Arrays.copyOf(png, 100), Attribute.ALL))
                .isInstanceOf(InvalidImageFormatException.class);
    }

    @Test
    void imageUnder80PxIsInvalidParameter() throws IOException {
        assertThatThrownBy(() -> detect(png(new BufferedImage(60, 60, BufferedImage.TYPE_3BYTE_BGR)), Attribute.ALL))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> detect(png(new BufferedImage(200, 79, BufferedImage.TYPE_3BYTE_BGR)), Attribute.ALL))
                .isInstanceOf(InvalidParameterException.class);
        // exactly 80 x 80 is accepted
        assertThat(detect(png(new BufferedImage(80, 80, BufferedImage.TYPE_3BYTE_BGR)), Attribute.ALL).faceDetails()).isEmpty();
    }

    @Test
    void over5MbIsImageTooLarge() {
        byte[] big = new byte[5 * 1024 * 1024 + 1];
        new Random(1).nextBytes(big);
        byte[] sig = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        System.arraycopy(sig, 0, big, 0, sig.length);
        assertThatThrownBy(() -> detect(big, Attribute.ALL)).isInstanceOf(ImageTooLargeException.class);
    }

    @Test
    void missingImageIsInvalidParameter() {
        assertThatThrownBy(() -> join(rekognition.detectFaces(DetectFacesRequest.builder().build())))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void otherOperationsAreUnknown() {
        assertThatThrownBy(() -> join(rekognition.detectLabels(b -> b.image(Image.builder().bytes(SdkBytes.fromByteArray(new byte[10])).build()))))
                .isInstanceOf(RekognitionException.class)
                .satisfies(e -> {
                    RekognitionException re = (RekognitionException) e;
                    assertThat(re.statusCode()).isEqualTo(400);
                    assertThat(re.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
                });
    }

    @Test
    void countsRequestsAndErrors() throws IOException {
        RekognitionStandIn.Counters before = standIn.counters();
        detect(image("chelsea.png"), Attribute.DEFAULT);
        assertThatThrownBy(() -> detect(new byte[] {1, 2, 3}, Attribute.DEFAULT)).isInstanceOf(InvalidImageFormatException.class);
        RekognitionStandIn.Counters after = standIn.counters();
        // other tests may run concurrently in the same JVM only if configured; this class runs sequentially
        assertThat(after.requests() - before.requests()).isEqualTo(2);
        assertThat(after.detectFacesOk() - before.detectFacesOk()).isEqualTo(1);
        assertThat(after.errors() - before.errors()).isEqualTo(1);
        assertThat(after.errorsByType()).containsKey("InvalidImageFormatException");
        assertThat(standIn.requestCount()).isEqualTo(after.requests());
        assertThat(standIn.errorCount()).isEqualTo(after.errors());
    }

    @Test
    void servesConcurrentCalls() throws IOException {
        byte[] astronaut = image("astronaut.png");
        List<CompletableFuture<DetectFacesResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(rekognition.detectFaces(b -> b.image(bytes(astronaut)).attributes(Attribute.ALL)));
        }
        for (CompletableFuture<DetectFacesResponse> c : calls) {
            assertThat(c.join().faceDetails()).hasSize(1);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static DetectFacesResponse detect(byte[] image, Attribute attribute) {
        return join(rekognition.detectFaces(b -> b.image(bytes(image)).attributes(attribute)));
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private static Image bytes(byte[] b) {
        return Image.builder().bytes(SdkBytes.fromByteArray(b)).build();
    }

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static byte[] image(String name) throws IOException {
        return Files.readAllBytes(dataImage(name));
    }

    /** data/images/NAME of the repository (tests run with the module or the repository root as working directory). */
    static Path dataImage(String name) {
        List<Path> tried = new ArrayList<>();
        for (Path base : LocalAws.moduleDirCandidates()) {
            for (Path p : new Path[] {base.resolve("data/images").resolve(name), base.resolveSibling("data").resolve("images").resolve(name)}) {
                tried.add(p);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new IllegalStateException("test image " + name + " not found in " + tried);
    }
}
