package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.job.detection.FaceCrop;

import java.util.List;

/**
 * The unit of work of the enrichment step: a frame marker alone, or 1..K face crops of one
 * stage and one window that go to Rekognition together (one DetectFaces image: the crop itself,
 * or a mosaic of the crops). Flink POJO.
 */
public class FaceBatch {
    private String stageId;
    private FaceCrop[] crops;

    /** For Flink's POJO serializer. */
    public FaceBatch() {}

    /** A batch of the given crops (or a single frame marker) of one stage. */
    public static FaceBatch of(List<FaceCrop> crops) {
        FaceBatch b = new FaceBatch();
        b.crops = crops.toArray(new FaceCrop[0]);
        b.stageId = b.crops[0].getStageId();
        return b;
    }

    /** Whether this is a frame marker passing through. */
    public boolean isFrameMarker() {
        return crops.length == 1 && crops[0].isFrameMarker();
    }

    public String getStageId() { return stageId; }
    public void setStageId(String stageId) { this.stageId = stageId; }
    public FaceCrop[] getCrops() { return crops; }
    public void setCrops(FaceCrop[] crops) { this.crops = crops; }

    /** Number of faces (0 for a frame marker). */
    public int faces() {
        return isFrameMarker() ? 0 : crops.length;
    }

    @Override
    public String toString() {
        return isFrameMarker() ? "FaceBatch{" + crops[0] + "}" : "FaceBatch{" + stageId + ", " + crops.length + " faces}";
    }
}
