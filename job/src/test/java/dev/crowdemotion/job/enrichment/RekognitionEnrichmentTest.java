package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.job.detection.FaceCrop;
import dev.crowdemotion.scores.EmotionType;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rekognition.model.BoundingBox;
import software.amazon.awssdk.services.rekognition.model.DetectFacesResponse;
import software.amazon.awssdk.services.rekognition.model.Emotion;
import software.amazon.awssdk.services.rekognition.model.EmotionName;
import software.amazon.awssdk.services.rekognition.model.FaceDetail;

import static org.assertj.core.api.Assertions.assertThat;

class RekognitionEnrichmentTest {
    private static final FaceCrop CROP = FaceCrop.face("s", "c", 1, 1, 1, 0, 0.1f, 0.1f, 0.2f, 0.2f, 0.9f, new byte[] {1});

    private static FaceDetail face(float left, float top, EmotionName top1, float c1) {
        return FaceDetail.builder()
                .boundingBox(BoundingBox.builder().left(left).top(top).width(0.5f).height(0.5f).build())
                .emotions(Emotion.builder().type(top1).confidence(c1).build(),
                        Emotion.builder().type(EmotionName.CALM).confidence(100 - c1).build(),
                        Emotion.builder().type(EmotionName.UNKNOWN).confidence(0f).build())
                .build();
    }

    @Test
    void takesTheFaceNearestTheCropCentre() {
        DetectFacesResponse r = DetectFacesResponse.builder().faceDetails(
                face(0.5f, 0.5f, EmotionName.SAD, 70), face(0.26f, 0.24f, EmotionName.HAPPY, 95)).build();
        FaceObservation o = RekognitionEnrichment.fromResponse(CROP, r);
        assertThat(o.isEnriched()).isTrue();
        assertThat(o.dominantEmotion()).isEqualTo(EmotionType.HAPPY);
        assertThat(o.getConfidences()[EmotionType.HAPPY.ordinal()]).isEqualTo(95f);
        assertThat(o.getConfidences()[EmotionType.CALM.ordinal()]).isEqualTo(5f);
    }

    @Test
    void noFaceOrNoEmotionsIsUnenrichedWithAReason() {
        assertThat(RekognitionEnrichment.fromResponse(CROP, DetectFacesResponse.builder().build()).getFailureReason())
                .isEqualTo("NO_FACE_IN_CROP");
        FaceDetail noEmotions = FaceDetail.builder()
                .boundingBox(BoundingBox.builder().left(0.2f).top(0.2f).width(0.6f).height(0.6f).build()).build();
        assertThat(RekognitionEnrichment.fromResponse(CROP, DetectFacesResponse.builder().faceDetails(noEmotions).build())
                .getFailureReason()).isEqualTo("NO_EMOTIONS");
    }
}
