package dev.crowdemotion.scores;

/**
 * Amazon Rekognition's emotion types ({@code Emotion.Type} of a {@code FaceDetail}), without
 * {@code UNKNOWN}, which carries no information about the crowd. Arrays of per-emotion values in
 * this project are indexed by {@link #ordinal()}.
 */
public enum EmotionType {
    HAPPY, SAD, ANGRY, CONFUSED, DISGUSTED, SURPRISED, CALM, FEAR;

    /** Number of emotion types, the length of per-emotion arrays. */
    public static final int COUNT = values().length;

    /**
     * Maps a Rekognition type name to the enum.
     *
     * @return the type, or {@code null} for {@code UNKNOWN} or a name this version does not know
     */
    public static EmotionType fromRekognition(String name) {
        if (name == null) {
            return null;
        }
        for (EmotionType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
