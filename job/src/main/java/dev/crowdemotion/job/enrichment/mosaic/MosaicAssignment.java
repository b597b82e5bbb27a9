package dev.crowdemotion.job.enrichment.mosaic;

import software.amazon.awssdk.services.rekognition.model.FaceDetail;

import java.util.Collections;
import java.util.List;

/**
 * The faces of one DetectFaces response on a {@link Mosaic}, assigned to its input crops by
 * {@link MosaicUnpacker#unpack}: one {@link TileOutcome} per input index, plus the faces that
 * belong to no crop. Immutable.
 */
public final class MosaicAssignment {
    private final List<TileOutcome> tiles;
    private final List<FaceDetail> unassigned;

    MosaicAssignment(List<TileOutcome> tiles, List<FaceDetail> unassigned) {
        this.tiles = Collections.unmodifiableList(tiles);
        this.unassigned = Collections.unmodifiableList(unassigned);
    }

    /** The result for input crop {@code index} (0-based, as packed). */
    public TileOutcome get(int index) { return tiles.get(index); }
    /** One result per input crop, by index; unmodifiable. */
    public List<TileOutcome> tiles() { return tiles; }
    /** Number of input crops. */
    public int size() { return tiles.size(); }

    /**
     * Faces assigned to no crop, in response order: box centre in a gutter, in an unused cell of
     * the last row or outside the image, or no (complete) bounding box. Unmodifiable.
     */
    public List<FaceDetail> unassigned() { return unassigned; }

    /** Number of crops with the given kind of outcome. */
    public int count(TileOutcome.Kind kind) {
        int n = 0;
        for (TileOutcome t : tiles) {
            if (t.kind() == kind) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "MosaicAssignment{" + tiles.size() + " crops: ONE=" + count(TileOutcome.Kind.ONE) + " SEVERAL="
                + count(TileOutcome.Kind.SEVERAL) + " NONE=" + count(TileOutcome.Kind.NONE) + ", unassigned=" + unassigned.size() + "}";
    }
}
