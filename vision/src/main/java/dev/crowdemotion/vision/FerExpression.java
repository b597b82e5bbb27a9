package dev.crowdemotion.vision;

/**
 * The FER2013 expression classes in the emotion model's output order, with the Amazon
 * Rekognition {@code Emotion.Type} each maps to (neutral maps to CALM; Rekognition's CONFUSED
 * and UNKNOWN have no FER2013 counterpart and are never produced).
 */
public enum FerExpression {
    ANGRY("ANGRY"),
    DISGUST("DISGUSTED"),
    FEAR("FEAR"),
    HAPPY("HAPPY"),
    SAD("SAD"),
    SURPRISE("SURPRISED"),
    NEUTRAL("CALM");

    private final String rekognitionType;

    FerExpression(String rekognitionType) {
        this.rekognitionType = rekognitionType;
    }

    /** Rekognition's emotion type name, e.g. {@code CALM} for {@link #NEUTRAL}. */
    public String rekognitionType() {
        return rekognitionType;
    }
}
