package dev.crowdemotion.job.enrichment.mosaic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rekognition.model.BoundingBox;
import software.amazon.awssdk.services.rekognition.model.Emotion;
import software.amazon.awssdk.services.rekognition.model.EmotionName;
import software.amazon.awssdk.services.rekognition.model.FaceDetail;

/** {@link MosaicUnpacker} with synthetic FaceDetails on mosaics of real face crops. */
class MosaicUnpackerTest {
    private static Mosaic nine;
    private static Mosaic five;

    @BeforeAll
    static void pack() {
        MosaicPacker packer = new MosaicPacker();
        nine = packer.pack(MosaicFixtures.jpegs(MosaicPackerTest.first(9)));
        five = packer.pack(MosaicFixtures.jpegs(MosaicPackerTest.first(5))); // 3 x 2 grid, one unused cell
    }

    /** A face centred at (cx, cy) mosaic pixels, {@code side} pixels square, as ratios of the mosaic. */
    static FaceDetail face(Mosaic m, double cx, double cy, double side, EmotionName emotion) {
        return FaceDetail.builder()
                .boundingBox(BoundingBox.builder()
                        .left((float) ((cx - side / 2) / m.width())).top((float) ((cy - side / 2) / m.height()))
                        .width((float) (side / m.width())).height((float) (side / m.height())).build())
                .confidence(99.9f)
                .emotions(Emotion.builder().type(emotion).confidence(90f).build(),
                        Emotion.builder().type(EmotionName.CALM).confidence(5f).build())
                .build();
    }

    static FaceDetail centred(Mosaic m, int index, double dx, double dy, EmotionName emotion) {
        PixelRect c = m.tile(index).content();
        return face(m, c.centreX() + dx, c.centreY() + dy, 0.6 * c.width(), emotion);
    }

    @Test
    void oneFacePerTile() {
        List<FaceDetail> faces = new ArrayList<>();
        for (int i = nine.size() - 1; i >= 0; i--) { // response order need not be tile order
            faces.add(centred(nine, i, 3, -2, i % 2 == 0 ? EmotionName.HAPPY : EmotionName.SAD));
        }
        MosaicAssignment a = MosaicUnpacker.unpack(nine, faces);
        assertThat(a.size()).isEqualTo(9);
        assertThat(a.unassigned()).isEmpty();
        assertThat(a.count(TileOutcome.Kind.ONE)).isEqualTo(9);
        for (int i = 0; i < 9; i++) {
            TileOutcome t = a.get(i);
            assertThat(t.index()).isEqualTo(i);
            assertThat(t.kind()).isEqualTo(TileOutcome.Kind.ONE);
            assertThat(t.face()).isSameAs(faces.get(8 - i));
            assertThat(t.faces()).containsExactly(faces.get(8 - i));
            assertThat(t.face().emotions().get(0).type()).isEqualTo(i % 2 == 0 ? EmotionName.HAPPY : EmotionName.SAD);
            double[] box = t.faceBoxInCrop();
            assertThat(box[0] + box[2] / 2).isCloseTo(0.5 + 3.0 / nine.tile(i).content().width(), offset(0.01));
            assertThat(box[2]).isCloseTo(0.6, offset(0.01));
        }
        assertThat(nine.assign(faces)).extracting(TileOutcome::face).containsExactlyElementsOf(
                a.tiles().stream().map(TileOutcome::face).toList());
    }

    @Test
    void noFaceMeansNoneEverywhere() {
        MosaicAssignment a = MosaicUnpacker.unpack(nine, List.of());
        assertThat(a.count(TileOutcome.Kind.NONE)).isEqualTo(9);
        for (TileOutcome t : a.tiles()) {
            assertThat(t.hasFace()).isFalse();
            assertThat(t.face()).isNull();
            assertThat(t.faces()).isEmpty();
            assertThat(t.faceBoxInCrop()).isNull();
        }
    }

    @Test
    void severalFacesInATileTakeTheOneNearestTheCentre() {
        PixelRect c = nine.tile(4).content();
        FaceDetail corner = face(nine, c.x() + 20, c.y() + 20, 30, EmotionName.ANGRY); // a neighbour cut by the margin
        FaceDetail centre = centred(nine, 4, 5, 5, EmotionName.HAPPY);
        FaceDetail edge = face(nine, c.right() - 10, c.centreY(), 25, EmotionName.FEAR);
        MosaicAssignment a = MosaicUnpacker.unpack(nine, List.of(corner, edge, centre, centred(nine, 0, 0, 0, EmotionName.SAD)));
        TileOutcome t = a.get(4);
        assertThat(t.kind()).isEqualTo(TileOutcome.Kind.SEVERAL);
        assertThat(t.face()).isSameAs(centre);
        assertThat(t.faces()).containsExactly(corner, edge, centre);
        assertThat(a.get(0).kind()).isEqualTo(TileOutcome.Kind.ONE);
        assertThat(a.count(TileOutcome.Kind.NONE)).isEqualTo(7);
        assertThat(a.count(TileOutcome.Kind.SEVERAL)).isEqualTo(1);
    }

    @Test
    void facesInGuttersUnusedCellsOutsideOrWithoutBoxBelongToNoCrop() {
        MosaicTile t0 = five.tile(0);
        MosaicTile t3 = five.tile(3);
        int g = five.gutterPx();
        FaceDetail inGutter = face(five, t0.tile().right() + g / 2.0, t0.tile().centreY(), 100, EmotionName.HAPPY);
        FaceDetail inGutterBelow = face(five, t0.tile().centreX(), t0.tile().bottom() + g / 2.0, 100, EmotionName.HAPPY);
        FaceDetail inBorder = face(five, g / 2.0, t0.tile().centreY(), 20, EmotionName.HAPPY);
        // cell 5 (row 1, column 2) is unused in a 3 x 2 grid of 5 crops
        FaceDetail unusedCell = face(five, t3.tile().centreX() + 2 * (five.tilePx() + g), t3.tile().centreY(), 60, EmotionName.HAPPY);
        FaceDetail outside = FaceDetail.builder().boundingBox(BoundingBox.builder().left(1.1f).top(0.2f).width(0.1f).height(0.1f).build()).build();
        FaceDetail noBox = FaceDetail.builder().confidence(99f).build();
        FaceDetail partialBox = FaceDetail.builder().boundingBox(BoundingBox.builder().left(0.2f).top(0.2f).build()).build();
        // a box sticking out of the image, centre in tile 0: assigned
        FaceDetail pastEdge = FaceDetail.builder().boundingBox(BoundingBox.builder()
                .left(-0.05f).top(-0.05f).width((float) ((t0.tile().centreX() + 0.05 * five.width()) * 2 / five.width()))
                .height((float) ((t0.tile().centreY() + 0.05 * five.height()) * 2 / five.height())).build()).build();
        MosaicAssignment a = MosaicUnpacker.unpack(five,
                List.of(inGutter, inGutterBelow, inBorder, unusedCell, outside, noBox, partialBox, pastEdge));
        assertThat(a.unassigned()).containsExactly(inGutter, inGutterBelow, inBorder, unusedCell, outside, noBox, partialBox);
        assertThat(a.get(0).kind()).isEqualTo(TileOutcome.Kind.ONE);
        assertThat(a.get(0).face()).isSameAs(pastEdge);
        for (int i = 1; i < 5; i++) {
            assertThat(a.get(i).kind()).isEqualTo(TileOutcome.Kind.NONE);
        }
    }

    @Test
    void tileEdgesAreInclusiveLeftAndTopExclusiveRightAndBottom() {
        MosaicTile t = nine.tile(0);
        // exact pixel positions survive the float ratios (mosaic sides < 2^24)
        FaceDetail atLeftTop = face(nine, t.tile().x() + 0.001, t.tile().y() + 0.001, 0.001, EmotionName.HAPPY);
        FaceDetail atRight = face(nine, t.tile().right() + 0.01, t.tile().centreY(), 0.001, EmotionName.HAPPY);
        MosaicAssignment a = MosaicUnpacker.unpack(nine, List.of(atLeftTop, atRight));
        assertThat(a.get(0).face()).isSameAs(atLeftTop);
        assertThat(a.unassigned()).containsExactly(atRight);
    }

    @Test
    void timing() {
        Mosaic m = new MosaicPacker().pack(MosaicFixtures.jpegs(MosaicPackerTest.first(25)));
        List<FaceDetail> faces = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            faces.add(centred(m, i, 0, 0, EmotionName.HAPPY));
            if (i % 5 == 0) {
                faces.add(centred(m, i, 30, 30, EmotionName.SAD));
            }
        }
        int rounds = 20_000;
        long sink = 0;
        for (int i = 0; i < rounds; i++) {
            sink += MosaicUnpacker.unpack(m, faces).count(TileOutcome.Kind.SEVERAL);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            sink += MosaicUnpacker.unpack(m, faces).count(TileOutcome.Kind.SEVERAL);
        }
        double micros = (System.nanoTime() - t0) / 1e3 / rounds;
        assertThat(sink).isEqualTo(2L * rounds * 5);
        System.out.printf(Locale.ROOT, "unpack timing: 25 tiles, %d faces: %.1f us per unpack%n", faces.size(), micros);
    }
}
