package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.job.detection.FaceCrop;

import java.util.List;

/**
 * The unit of work of the enrichment step: 1..K face crops of one stage and one window that go
 * to Rekognition together, in one DetectFaces image (the crop itself, or a mosaic of the crops).
 * Flink POJO.
 */
public class FaceBatch {
    private String stageId;
    private FaceCrop[] crops;

    /** For Flink's POJO serializer. */
    public FaceBatch() {}

    /** A batch of the given face crops (not frame markers) of one stage. */
    public static FaceBatch of(List<FaceCrop> crops) {
        FaceBatch b = new FaceBatch();
        b.crops = crops.toArray(new FaceCrop[0]);
        b.stageId = b.crops[0].getStageId();
        return b;
    }

    public String getStageId() { return stageId; }
    public void setStageId(String stageId) { this.stageId = stageId; }
    public FaceCrop[] getCrops() { return crops; }
    public void setCrops(FaceCrop[] crops) { this.crops = crops; }

    /** Number of faces. */
    public int faces() {
        return crops.length;
    }

    @Override
    public String toString() {
        return "FaceBatch{" + stageId + ", " + crops.length + " faces}";
    }
}
