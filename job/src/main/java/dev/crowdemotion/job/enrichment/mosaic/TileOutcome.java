package dev.crowdemotion.job.enrichment.mosaic;

import software.amazon.awssdk.services.rekognition.model.BoundingBox;
import software.amazon.awssdk.services.rekognition.model.FaceDetail;

import java.util.Collections;
import java.util.List;

/**
 * The DetectFaces result for one input crop of a {@link Mosaic} (one tile): its {@link Kind},
 * the chosen {@link FaceDetail} (none for {@link Kind#NONE}) and all faces whose bounding-box
 * centre lies in the tile (see {@link MosaicUnpacker}). Immutable (the SDK's FaceDetail is
 * immutable).
 */
public final class TileOutcome {

    /** How many faces DetectFaces returned in the tile. */
    public enum Kind {
        /** Exactly one face: it is the crop's face. */
        ONE,
        /**
         * More than one face (e.g. a neighbour's face cut by the crop's margin): the one whose
         * centre is nearest the centre of the tile's content is taken, as the crop is centred on
         * its face (the rule of a single-crop call). Reported so callers can count or distrust it.
         */
        SEVERAL,
        /**
         * No face: the caller should retry the crop alone (one DetectFaces call on its own JPEG)
         * or count it unenriched ({@code NO_FACE_IN_CROP}).
         */
        NONE
    }

    private final MosaicTile tile;
    private final Kind kind;
    private final FaceDetail face;
    private final List<FaceDetail> faces;
    private final int mosaicWidth;
    private final int mosaicHeight;

    TileOutcome(MosaicTile tile, Kind kind, FaceDetail face, List<FaceDetail> faces, int mosaicWidth, int mosaicHeight) {
        this.tile = tile;
        this.kind = kind;
        this.face = face;
        this.faces = Collections.unmodifiableList(faces);
        this.mosaicWidth = mosaicWidth;
        this.mosaicHeight = mosaicHeight;
    }

    /** Index of the crop in the packed list, 0-based. */
    public int index() { return tile.index(); }
    /** The crop's tile (rectangles in mosaic pixels). */
    public MosaicTile tile() { return tile; }
    /** ONE, SEVERAL or NONE. */
    public Kind kind() { return kind; }
    /** True for ONE and SEVERAL: {@link #face()} is set. */
    public boolean hasFace() { return face != null; }
    /** The crop's face (for SEVERAL the one nearest the tile's content centre), or {@code null} for NONE. */
    public FaceDetail face() { return face; }
    /** Every face whose box centre lies in the tile, in response order; unmodifiable. */
    public List<FaceDetail> faces() { return faces; }

    /**
     * The chosen face's bounding box in ratios of the original crop
     * ({@code {left, top, width, height}}, 0..1 inside the crop; beyond where the box extends
     * into the tile's padding), or {@code null} for NONE or a face without a complete box: what a
     * single-crop call would have reported, up to the detector's own variation.
     */
    public double[] faceBoxInCrop() {
        return face == null ? null : MosaicUnpacker.toCropRatios(tile, face.boundingBox(), mosaicWidth, mosaicHeight);
    }

    @Override
    public String toString() {
        BoundingBox b = face == null ? null : face.boundingBox();
        return "TileOutcome{#" + tile.index() + " " + kind + " faces=" + faces.size() + (b == null ? "" : " box=" + b) + "}";
    }
}
