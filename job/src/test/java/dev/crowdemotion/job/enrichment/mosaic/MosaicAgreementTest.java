package dev.crowdemotion.job.enrichment.mosaic;

import dev.crowdemotion.job.enrichment.RekognitionEnrichment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crowdemotion.job.enrichment.mosaic.MosaicFixtures.Crop;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.rekognition.RekognitionStandIn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.rekognition.RekognitionAsyncClient;
import software.amazon.awssdk.services.rekognition.model.Attribute;
import software.amazon.awssdk.services.rekognition.model.BoundingBox;
import software.amazon.awssdk.services.rekognition.model.DetectFacesRequest;
import software.amazon.awssdk.services.rekognition.model.DetectFacesResponse;
import software.amazon.awssdk.services.rekognition.model.Emotion;
import software.amazon.awssdk.services.rekognition.model.FaceDetail;
import software.amazon.awssdk.services.rekognition.model.Image;

/**
 * Mosaic mode against single-crop mode, on the real face crops of {@link MosaicFixtures} and the
 * local DetectFaces stand-in (real BlazeFace + FER2013 analysis behind Rekognition's wire
 * protocol, called through the real SDK client). Every crop is sent alone once (the job's
 * single mode: the face nearest the crop centre), then packed K at a time with the default
 * {@link MosaicPacker}, for K in {1, 4, 9, 16, 25} (K = 1: each crop alone in a mosaic, which
 * isolates the effect of rescaling and the grey border), in fixture order (photo by photo) and
 * shuffled (seed 1), so that each K sees two batch compositions. Printed per K: DetectFaces
 * images per face (mosaics only, and with a single retry of every NONE tile), the shares of
 * tiles ONE / SEVERAL / NONE, faces in no tile, the share of faces whose dominant emotion
 * (highest Confidence) in the mosaic equals the single-crop one (over faces found in both
 * modes, and "strict": over faces found in single mode, NONE counting as a disagreement), the
 * mean absolute difference of the emotion Confidences (0-100), and the largest JPEG (bytes) and
 * side (pixels); then every NONE tile and disagreement. With {@code -Dmosaic.sweep=true} (e.g.
 * {@code -DargLine=-Dmosaic.sweep=true}) it also sweeps tile 80-224 px x gutter 4-24 px x
 * K 4-49 (about 20 s more).
 *
 * <p>Caveat: the stand-in's detector is BlazeFace with tiling, and its emotions come from a
 * FER2013 classifier on a crop of the detected box; Amazon Rekognition may find fewer (or more)
 * faces in a grid and rate emotions differently at another resolution. The floors asserted here
 * are the stand-in's (measured: ONE >= 95.6 % and agreement >= 86 % at every K, 100 % and 95.6 %
 * at the default K = 16); re-measure against the real service before relying on them.
 */
class MosaicAgreementTest {
    /** The K values measured; K = 1 (each crop alone in a mosaic) isolates the effect of rescaling and the grey border. */
    static final int[] KS = {1, 4, 9, 16, 25};

    private static RekognitionStandIn standIn;
    private static RekognitionAsyncClient rekognition;
    private static List<Crop> crops;
    /** Single-crop result per crop: the chosen face, or null. */
    private static List<FaceDetail> single;

    @BeforeAll
    static void start() {
        crops = MosaicFixtures.crops();
        standIn = RekognitionStandIn.start();
        rekognition = RekognitionAsyncClient.builder()
                .endpointOverride(standIn.endpoint())
                .region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
        List<CompletableFuture<DetectFacesResponse>> calls = new ArrayList<>();
        for (Crop c : crops) {
            calls.add(detect(c.jpeg()));
        }
        single = new ArrayList<>();
        for (CompletableFuture<DetectFacesResponse> f : calls) {
            single.add(RekognitionEnrichment.nearestToCentre(f.join().faceDetails()));
        }
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

    /** Result of one configuration. */
    record Row(int k, int tilePx, int gutterPx, int faces, int images, int one, int several, int none,
               int unassigned, int singleFound, int bothFound, int agree, double meanAbsConfidenceDelta,
               int maxJpegBytes, int maxSidePx) {
        double imagesPerFace() { return (double) images / faces; }
        double imagesPerFaceWithRetries() { return (double) (images + none) / faces; }
        double oneShare() { return (double) one / faces; }
        double severalShare() { return (double) several / faces; }
        double noneShare() { return (double) none / faces; }
        /** Agreement over faces with a face in both modes. */
        double agreement() { return bothFound == 0 ? 0 : (double) agree / bothFound; }
        /** Agreement over faces found in single mode, a NONE tile counting as a disagreement. */
        double strictAgreement() { return singleFound == 0 ? 0 : (double) agree / singleFound; }

        String format() {
            return String.format(Locale.ROOT,
                    "%3d %5d %4d %6d %7d %8.4f %9.4f %6.3f %8.3f %6.3f %6d %9.3f %8.3f %9.1f %8d %6d",
                    k, tilePx, gutterPx, faces, images, imagesPerFace(), imagesPerFaceWithRetries(), oneShare(),
                    severalShare(), noneShare(), unassigned, agreement(), strictAgreement(), meanAbsConfidenceDelta,
                    maxJpegBytes, maxSidePx);
        }
    }

    static final String HEADER = "  K  tile gutt  faces  images img/face +retries    ONE  SEVERAL   NONE unassg agreement   strict |dConf| maxJpegB maxPx";

    static Row measure(int k, MosaicPacker packer) {
        return measure(k, packer, identity(), null);
    }

    /**
     * Measures K crops per mosaic, packed in the given order of crop indices; if {@code details} is
     * not null, adds a line per NONE tile and per disagreement.
     */
    static Row measure(int k, MosaicPacker packer, List<Integer> order, List<String> details) {
        int images = 0;
        int one = 0;
        int several = 0;
        int none = 0;
        int unassigned = 0;
        int singleFound = 0;
        int bothFound = 0;
        int agree = 0;
        double deltaSum = 0;
        int deltaN = 0;
        int maxJpeg = 0;
        int maxSide = 0;
        List<Mosaic> mosaics = new ArrayList<>();
        List<CompletableFuture<DetectFacesResponse>> calls = new ArrayList<>();
        for (int from = 0; from < order.size(); from += k) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = from; i < Math.min(order.size(), from + k); i++) {
                batch.add(crops.get(order.get(i)).jpeg());
            }
            Mosaic m = packer.pack(batch);
            mosaics.add(m);
            calls.add(detect(m.jpeg()));
            maxJpeg = Math.max(maxJpeg, m.jpegSize());
            maxSide = Math.max(maxSide, Math.max(m.width(), m.height()));
        }
        for (int b = 0; b < mosaics.size(); b++) {
            Mosaic m = mosaics.get(b);
            MosaicAssignment a = MosaicUnpacker.unpack(m, calls.get(b).join().faceDetails());
            images++;
            unassigned += a.unassigned().size();
            for (TileOutcome t : a.tiles()) {
                int index = order.get(b * k + t.index());
                switch (t.kind()) {
                    case ONE -> one++;
                    case SEVERAL -> several++;
                    case NONE -> none++;
                }
                FaceDetail s = single.get(index);
                if (s != null) {
                    singleFound++;
                }
                if (details != null && !t.hasFace()) {
                    details.add(String.format(Locale.ROOT, "  K=%d %-26s NONE    single %s", k, crops.get(index), describe(s)));
                }
                if (s != null && t.hasFace()) {
                    bothFound++;
                    if (dominant(s).equals(dominant(t.face()))) {
                        agree++;
                    } else if (details != null) {
                        details.add(String.format(Locale.ROOT, "  K=%d %-26s %-7s single %s | mosaic %s", k,
                                crops.get(index), t.kind(), describe(s), describe(t.face())));
                    }
                    deltaSum += meanAbsDelta(s, t.face());
                    deltaN++;
                }
            }
        }
        return new Row(k, packer.tilePx(), packer.gutterPx(), crops.size(), images, one, several, none, unassigned,
                singleFound, bothFound, agree, deltaN == 0 ? 0 : deltaSum / deltaN, maxJpeg, maxSide);
    }

    @Test
    void mosaicAgreesWithSingleCropCalls() {
        int singleFound = (int) single.stream().filter(f -> f != null).count();
        System.out.printf(Locale.ROOT, "%nMosaic vs single-crop DetectFaces on the local stand-in: %d real face crops "
                + "(%d found in single mode), tile %d px, gutter %d px, JPEG q%.2f%n", crops.size(), singleFound,
                MosaicPacker.DEFAULT_TILE_PX, MosaicPacker.DEFAULT_GUTTER_PX, MosaicPacker.DEFAULT_JPEG_QUALITY);
        System.out.println(HEADER);
        Map<Integer, Row> rows = new LinkedHashMap<>();
        MosaicPacker packer = new MosaicPacker();
        List<String> details = new ArrayList<>();
        System.out.println("crops in fixture order (photo by photo):");
        for (int k : KS) {
            Row r = measure(k, packer, identity(), details);
            rows.put(k, r);
            System.out.println(r.format());
        }
        // the same crops in another order, so that each K sees other batch compositions
        List<Integer> shuffled = identity();
        Collections.shuffle(shuffled, new Random(1));
        Map<Integer, Row> shuffledRows = new LinkedHashMap<>();
        System.out.println("crops shuffled (seed 1):");
        for (int k : KS) {
            Row r = measure(k, packer, shuffled, null);
            shuffledRows.put(k, r);
            System.out.println(r.format());
        }
        System.out.println("NONE tiles and disagreements (dominant emotion, then the top two Confidences):");
        details.forEach(System.out::println);
        if (Boolean.getBoolean("mosaic.sweep")) {
            System.out.println("sweep (tile px x gutter px x K):");
            System.out.println(HEADER);
            for (int tile : new int[] {80, 96, 128, 160, 192, 224}) {
                for (int gutter : new int[] {4, 12, 24}) {
                    for (int k : new int[] {4, 9, 16, 25, 36, 49}) {
                        System.out.println(measure(k, new MosaicPacker(tile, gutter, MosaicPacker.DEFAULT_JPEG_QUALITY, 100)).format());
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "stand-in: %d requests, mean analysis %.1f ms per image%n", standIn.requestCount(),
                standIn.meanAnalysisMillis());

        assertThat(singleFound).isGreaterThanOrEqualTo(crops.size() - 1);
        List<Row> all = new ArrayList<>(rows.values());
        all.addAll(shuffledRows.values());
        for (Row r : all) {
            assertThat(r.maxJpegBytes()).isLessThanOrEqualTo(RekognitionLimits.MAX_IMAGE_BYTES);
            assertThat(r.oneShare()).as("ONE share at K=%d", r.k()).isGreaterThanOrEqualTo(0.9);
            assertThat(r.agreement()).as("agreement at K=%d", r.k()).isGreaterThanOrEqualTo(0.8);
        }
        for (Row def : List.of(rows.get(MosaicPacker.DEFAULT_CROPS_PER_MOSAIC),
                shuffledRows.get(MosaicPacker.DEFAULT_CROPS_PER_MOSAIC))) {
            assertThat(def.oneShare()).isGreaterThanOrEqualTo(0.95);
            assertThat(def.noneShare()).isLessThanOrEqualTo(0.05);
            assertThat(def.strictAgreement()).isGreaterThanOrEqualTo(0.85);
            assertThat(def.imagesPerFaceWithRetries()).isLessThanOrEqualTo(0.12);
        }
    }

    // ------------------------------------------------------------------------------------------

    static List<Integer> identity() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < crops.size(); i++) {
            out.add(i);
        }
        return out;
    }

    static CompletableFuture<DetectFacesResponse> detect(byte[] jpeg) {
        return rekognition.detectFaces(DetectFacesRequest.builder()
                .image(Image.builder().bytes(SdkBytes.fromByteArray(jpeg)).build())
                .attributes(Attribute.EMOTIONS)
                .build());
    }


    /** The emotion type with the highest Confidence. */
    static String dominant(FaceDetail f) {
        Emotion best = null;
        for (Emotion e : f.emotions()) {
            if (best == null || e.confidence() > best.confidence()) {
                best = e;
            }
        }
        return best == null ? "NONE" : best.typeAsString();
    }

    /** Mean absolute difference of the emotion Confidences (0-100) of two faces, over the types of either. */
    static double meanAbsDelta(FaceDetail a, FaceDetail b) {
        Map<String, Float> ca = new LinkedHashMap<>();
        a.emotions().forEach(e -> ca.put(e.typeAsString(), e.confidence()));
        Map<String, Float> cb = new LinkedHashMap<>();
        b.emotions().forEach(e -> cb.put(e.typeAsString(), e.confidence()));
        var types = new java.util.TreeSet<>(ca.keySet());
        types.addAll(cb.keySet());
        double sum = 0;
        for (String t : types) {
            sum += Math.abs(ca.getOrDefault(t, 0f) - cb.getOrDefault(t, 0f));
        }
        return types.isEmpty() ? 0 : sum / types.size();
    }

    /** Dominant emotion and the two highest Confidences, e.g. {@code CALM 48/41}. */
    static String describe(FaceDetail f) {
        if (f == null) {
            return "-";
        }
        float[] c = new float[f.emotions().size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = f.emotions().get(i).confidence();
        }
        Arrays.sort(c);
        return String.format(Locale.ROOT, "%-9s %2.0f/%2.0f", dominant(f), c[c.length - 1], c.length > 1 ? c[c.length - 2] : 0f);
    }
}
