package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.detection.FaceCrop;
import dev.crowdemotion.scores.EmotionType;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.rekognition.RekognitionAsyncClient;
import software.amazon.awssdk.services.rekognition.model.Attribute;
import software.amazon.awssdk.services.rekognition.model.BoundingBox;
import software.amazon.awssdk.services.rekognition.model.DetectFacesRequest;
import software.amazon.awssdk.services.rekognition.model.DetectFacesResponse;
import software.amazon.awssdk.services.rekognition.model.Emotion;
import software.amazon.awssdk.services.rekognition.model.FaceDetail;
import software.amazon.awssdk.services.rekognition.model.Image;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Enriches face crops with Amazon Rekognition DetectFaces emotions, through Flink async I/O
 * (use with {@code AsyncDataStream.unorderedWait}, bounded capacity and timeout).
 *
 * <p>Frame markers pass through without a call. For a face crop, the {@link FaceDetail} whose
 * BoundingBox centre is nearest the crop's centre is taken (the crop is centred on the detected
 * face); its Emotions' Confidence values (0-100) become the observation. Every face produces
 * exactly one observation: enriched, or unenriched with a reason ({@code NO_FACE_IN_CROP},
 * {@code TIMEOUT}, the service's error code, or {@code CLIENT_ERROR}), so nothing is dropped
 * silently. Throttling is retried by the SDK's standard retry strategy.
 */
public class RekognitionEnrichment extends RichAsyncFunction<FaceCrop, FaceObservation> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RekognitionEnrichment.class);

    private final CrowdEmotionConfig config;
    private transient RekognitionAsyncClient client;
    /** Set when the operator closes: calls still in flight then fail, which is no news. */
    private transient volatile boolean closing;
    private transient Counter calls;
    private transient Counter errors;
    private transient Counter timeouts;
    private transient Counter enriched;
    private transient Counter unenriched;

    public RekognitionEnrichment(CrowdEmotionConfig config) {
        this.config = config;
    }

    @Override
    public void open(Configuration parameters) {
        client = RekognitionClients.create(config, Math.max(config.asyncCapacity(), 1));
        calls = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.REKOGNITION_CALLS);
        errors = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.REKOGNITION_ERRORS);
        timeouts = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.REKOGNITION_TIMEOUTS);
        enriched = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FACES_ENRICHED);
        unenriched = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FACES_UNENRICHED);
    }

    @Override
    public void asyncInvoke(FaceCrop crop, ResultFuture<FaceObservation> result) {
        if (crop.isFrameMarker()) {
            result.complete(Collections.singleton(FaceObservation.frameMarker(crop)));
            return;
        }
        calls.inc();
        DetectFacesRequest request = DetectFacesRequest.builder()
                .image(Image.builder().bytes(SdkBytes.fromByteArrayUnsafe(crop.getJpeg())).build())
                .attributes(Attribute.EMOTIONS)
                .build();
        client.detectFaces(request).whenComplete((response, failure) -> {
            FaceObservation observation = failure == null ? fromResponse(crop, response) : fromFailure(crop, failure);
            (observation.isEnriched() ? enriched : unenriched).inc();
            result.complete(Collections.singleton(observation));
        });
    }

    @Override
    public void timeout(FaceCrop crop, ResultFuture<FaceObservation> result) {
        if (crop.isFrameMarker()) {
            result.complete(Collections.singleton(FaceObservation.frameMarker(crop)));
            return;
        }
        timeouts.inc();
        unenriched.inc();
        result.complete(Collections.singleton(FaceObservation.unenriched(crop, "TIMEOUT")));
    }

    /** Builds the observation from a DetectFaces response for a single-face crop. */
    static FaceObservation fromResponse(FaceCrop crop, DetectFacesResponse response) {
        FaceDetail face = nearestToCentre(response.faceDetails());
        if (face == null) {
            return FaceObservation.unenriched(crop, "NO_FACE_IN_CROP");
        }
        if (!face.hasEmotions() || face.emotions().isEmpty()) {
            return FaceObservation.unenriched(crop, "NO_EMOTIONS");
        }
        float[] confidences = new float[EmotionType.COUNT];
        for (Emotion e : face.emotions()) {
            EmotionType type = EmotionType.fromRekognition(e.typeAsString());
            if (type != null && e.confidence() != null) {
                confidences[type.ordinal()] = e.confidence();
            }
        }
        return FaceObservation.enriched(crop, confidences);
    }

    private FaceObservation fromFailure(FaceCrop crop, Throwable failure) {
        errors.inc();
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String reason = cause instanceof AwsServiceException
                && ((AwsServiceException) cause).awsErrorDetails() != null
                && ((AwsServiceException) cause).awsErrorDetails().errorCode() != null
                ? ((AwsServiceException) cause).awsErrorDetails().errorCode()
                : "CLIENT_ERROR";
        if (closing) {
            LOG.debug("DetectFaces cancelled on close for {}: {}", crop, cause.toString());
        } else {
            LOG.warn("DetectFaces failed for {}: {}", crop, cause.toString());
        }
        return FaceObservation.unenriched(crop, reason);
    }

    /** The FaceDetail whose BoundingBox centre (ratios) is nearest (0.5, 0.5), or null if none. */
    static FaceDetail nearestToCentre(List<FaceDetail> faces) {
        FaceDetail best = null;
        double bestDistance = Double.MAX_VALUE;
        for (FaceDetail f : faces) {
            BoundingBox b = f.boundingBox();
            if (b == null || b.left() == null || b.top() == null || b.width() == null || b.height() == null) {
                continue;
            }
            double dx = b.left() + b.width() / 2 - 0.5;
            double dy = b.top() + b.height() / 2 - 0.5;
            double d = dx * dx + dy * dy;
            if (d < bestDistance) {
                bestDistance = d;
                best = f;
            }
        }
        return best;
    }

    @Override
    public void close() {
        closing = true;
        if (client != null) {
            client.close();
        }
    }
}
