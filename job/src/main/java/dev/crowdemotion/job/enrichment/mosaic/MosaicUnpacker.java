package dev.crowdemotion.job.enrichment.mosaic;

import software.amazon.awssdk.services.rekognition.model.BoundingBox;
import software.amazon.awssdk.services.rekognition.model.FaceDetail;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Maps the {@link FaceDetail}s of a {@code DetectFaces} response on a {@link Mosaic} back to the
 * packed crops.
 *
 * <p>Rule: a face's {@code BoundingBox} ({@code Left}, {@code Top}, {@code Width},
 * {@code Height}: ratios of the mosaic's width and height, origin top-left) has its centre
 * {@code ((Left + Width / 2) * width, (Top + Height / 2) * height)} in mosaic pixels; the face
 * belongs to the tile whose square contains that centre ({@link Mosaic#tileAt}). Faces whose
 * centre lies in a gutter, an unused cell or outside the image, and faces without a complete
 * box, belong to no crop ({@link MosaicAssignment#unassigned()}). The real service may return
 * boxes that extend past the image edge for faces cut by it; only the centre matters here.
 * Per crop, 0 faces is {@link TileOutcome.Kind#NONE}, 1 is {@link TileOutcome.Kind#ONE}, more is
 * {@link TileOutcome.Kind#SEVERAL} with the face nearest the centre of the tile's content chosen (ties:
 * the earlier in the response).
 *
 * <p>Pure and thread-safe (static, no state). Cost: O(faces + crops), a few microseconds for a
 * 25-crop mosaic.
 */
public final class MosaicUnpacker {
    private MosaicUnpacker() {}

    /**
     * Assigns {@code faces} (e.g. {@code response.faceDetails()}) to the crops of {@code mosaic}.
     *
     * @return one {@link TileOutcome} per packed crop, by index, and the unassigned faces
     */
    public static MosaicAssignment unpack(Mosaic mosaic, List<FaceDetail> faces) {
        Objects.requireNonNull(mosaic, "mosaic");
        Objects.requireNonNull(faces, "faces");
        int n = mosaic.size();
        List<List<FaceDetail>> perTile = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            perTile.add(new ArrayList<>(1));
        }
        List<FaceDetail> unassigned = new ArrayList<>();
        for (FaceDetail f : faces) {
            double[] c = f == null ? null : centrePx(f.boundingBox(), mosaic.width(), mosaic.height());
            MosaicTile tile = c == null ? null : mosaic.tileAt(c[0], c[1]);
            if (tile == null) {
                if (f != null) {
                    unassigned.add(f);
                }
            } else {
                perTile.get(tile.index()).add(f);
            }
        }
        List<TileOutcome> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            MosaicTile tile = mosaic.tile(i);
            List<FaceDetail> in = perTile.get(i);
            TileOutcome.Kind kind;
            FaceDetail chosen;
            if (in.isEmpty()) {
                kind = TileOutcome.Kind.NONE;
                chosen = null;
            } else if (in.size() == 1) {
                kind = TileOutcome.Kind.ONE;
                chosen = in.get(0);
            } else {
                kind = TileOutcome.Kind.SEVERAL;
                chosen = nearest(in, tile.content().centreX(), tile.content().centreY(), mosaic.width(), mosaic.height());
            }
            out.add(new TileOutcome(tile, kind, chosen, in, mosaic.width(), mosaic.height()));
        }
        return new MosaicAssignment(out, unassigned);
    }

    private static FaceDetail nearest(List<FaceDetail> faces, double cx, double cy, int width, int height) {
        FaceDetail best = null;
        double bestDistance = Double.MAX_VALUE;
        for (FaceDetail f : faces) {
            double[] c = centrePx(f.boundingBox(), width, height);
            double dx = c[0] - cx;
            double dy = c[1] - cy;
            double d = dx * dx + dy * dy;
            if (d < bestDistance) {
                bestDistance = d;
                best = f;
            }
        }
        return best;
    }

    /** Centre of a ratio box in pixels of a {@code width x height} image, or null if the box is incomplete or not finite. */
    static double[] centrePx(BoundingBox b, int width, int height) {
        if (b == null || b.left() == null || b.top() == null || b.width() == null || b.height() == null) {
            return null;
        }
        double x = (b.left() + b.width() / 2.0) * width;
        double y = (b.top() + b.height() / 2.0) * height;
        return Double.isFinite(x) && Double.isFinite(y) ? new double[] {x, y} : null;
    }

    /** A ratio box of the mosaic as ratios of the tile's original crop, {@code {left, top, width, height}}. */
    static double[] toCropRatios(MosaicTile tile, BoundingBox b, int width, int height) {
        if (b == null || b.left() == null || b.top() == null || b.width() == null || b.height() == null) {
            return null;
        }
        PixelRect c = tile.content();
        double left = (b.left() * width - c.x()) / c.width();
        double top = (b.top() * height - c.y()) / c.height();
        return new double[] {left, top, b.width() * width / c.width(), b.height() * height / c.height()};
    }
}
