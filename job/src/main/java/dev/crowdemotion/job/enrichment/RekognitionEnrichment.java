package dev.crowdemotion.job.enrichment;

import software.amazon.awssdk.services.rekognition.model.Image;
import software.amazon.awssdk.services.rekognition.model.DetectFacesRequest;
import software.amazon.awssdk.services.rekognition.model.Attribute;
import software.amazon.awssdk.core.SdkBytes;
import dev.crowdemotion.job.calls.ServiceErrors;
import dev.crowdemotion.job.calls.PacedCaller;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.detection.FaceCrop;
import dev.crowdemotion.job.enrichment.mosaic.Mosaic;
import dev.crowdemotion.job.enrichment.mosaic.MosaicPacker;
import dev.crowdemotion.job.enrichment.mosaic.TileOutcome;
import dev.crowdemotion.scores.EmotionType;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rekognition.RekognitionAsyncClient;
import software.amazon.awssdk.services.rekognition.model.BoundingBox;
import software.amazon.awssdk.services.rekognition.model.DetectFacesResponse;
import software.amazon.awssdk.services.rekognition.model.Emotion;
import software.amazon.awssdk.services.rekognition.model.FaceDetail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Enriches face crops with Amazon Rekognition DetectFaces emotions, through Flink async I/O
 * ({@code AsyncDataStream.unorderedWait}, bounded capacity and timeout), within the account's
 * DetectFaces quota.
 *
 * <ul>
 *   <li><b>Budget</b>: each parallel instance gets {@code max.tps / parallelism} calls per second;
 *       {@link PacedCaller} paces every attempt to it and retries throttling, 5xx and timeouts
 *       with backoff and jitter.</li>
 *   <li><b>Overload</b>: {@link FaceBatcher} admits batches at the budget, fairly across stages;
 *       here, as a second valve, a batch is not sent when the calls already waiting for a permit
 *       would take longer than {@code max.queue.seconds} (retries and lone re-sends of empty
 *       mosaic tiles add calls): its faces are counted as {@code SAMPLED_OUT}. The job keeps up
 *       with its input, its memory stays bounded, and each window reports faces detected and
 *       faces enriched, so coverage is visible.</li>
 *   <li><b>Mosaic</b>: a {@link FaceBatch} of several crops is packed into one image
 *       ({@link MosaicPacker}); each returned FaceDetail is mapped back to its tile. A tile with no
 *       face is sent alone; with several, the face nearest the tile centre is used.</li>
 *   <li><b>Single crop</b>: the FaceDetail whose BoundingBox centre is nearest the crop's centre.</li>
 * </ul>
 * Every face yields exactly one {@link FaceObservation}: enriched, unenriched with a reason
 * ({@code SAMPLED_OUT}, {@code NO_FACE_IN_CROP}, {@code NO_EMOTIONS}, {@code TIMEOUT}, the last
 * error code), or rejected for good (permanent error: also a dead letter).
 */
public class RekognitionEnrichment extends RichAsyncFunction<FaceBatch, FaceObservation> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RekognitionEnrichment.class);
    private final CrowdEmotionConfig config;
    private transient RekognitionAsyncClient client;
    private transient PacedCaller<DetectFacesResponse> caller;
    private transient MosaicPacker packer;
    private transient volatile boolean closing;
    private transient Counter images;
    private transient Counter errors;
    private transient Counter timeouts;
    private transient Counter sampledOut;
    private transient Counter tilesEmpty;
    private transient Counter tilesCrowded;

    public RekognitionEnrichment(CrowdEmotionConfig config) {
        this.config = config;
    }

    @Override
    public void open(Configuration parameters) {
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        double share = config.maxTps() / parallelism;
        MetricGroup m = JobMetrics.group(getRuntimeContext());
        client = RekognitionClients.create(config, Math.max(8, 2 * config.asyncCapacity(parallelism)));
        // counters below are incremented from SDK, pacer and retry threads: thread-safe ones
        caller = new PacedCaller<>("rekognition", share, config.retryMaxAttempts(),
                Duration.ofMillis(config.retryInitialBackoffMs()), Duration.ofMillis(config.retryMaxBackoffMs()),
                new PacedCaller.Metrics(JobMetrics.threadSafeCounter(m, JobMetrics.REKOGNITION_CALLS),
                        JobMetrics.threadSafeCounter(m, JobMetrics.REKOGNITION_THROTTLES),
                        JobMetrics.threadSafeCounter(m, JobMetrics.REKOGNITION_RETRIES)));
        packer = new MosaicPacker(config.mosaicTilePx());
        images = JobMetrics.threadSafeCounter(m, JobMetrics.REKOGNITION_IMAGES);
        errors = JobMetrics.threadSafeCounter(m, JobMetrics.REKOGNITION_ERRORS);
        timeouts = JobMetrics.threadSafeCounter(m, JobMetrics.REKOGNITION_TIMEOUTS);
        sampledOut = JobMetrics.threadSafeCounter(m, JobMetrics.FACES_SAMPLED_OUT);
        tilesEmpty = JobMetrics.threadSafeCounter(m, JobMetrics.MOSAIC_TILES_EMPTY);
        tilesCrowded = JobMetrics.threadSafeCounter(m, JobMetrics.MOSAIC_TILES_CROWDED);
        m.gauge("rekognitionBacklog", caller::waiting);
    }

    @Override
    public void asyncInvoke(FaceBatch batch, ResultFuture<FaceObservation> result) {
        List<FaceCrop> crops = Arrays.asList(batch.getCrops());
        if (caller.backlogSeconds() >= config.maxQueueSeconds()) {
            List<FaceObservation> out = new ArrayList<>(crops.size());
            for (FaceCrop c : crops) {
                out.add(FaceObservation.unenriched(c, "SAMPLED_OUT"));
            }
            sampledOut.inc(out.size());
            result.complete(out);
            return;
        }
        CompletableFuture<List<FaceObservation>> work = crops.size() == 1
                ? single(crops.get(0)).thenApply(Collections::singletonList)
                : mosaic(crops);
        work.whenComplete((out, failure) -> {
            if (failure != null) { // a bug, not a service error: still account for every face
                LOG.error("enrichment failed for {}", batch, failure);
                List<FaceObservation> failed = new ArrayList<>();
                for (FaceCrop c : crops) {
                    failed.add(FaceObservation.unenriched(c, "INTERNAL_ERROR"));
                }
                result.complete(failed);
            } else {
                result.complete(out);
            }
        });
    }


    private CompletableFuture<FaceObservation> single(FaceCrop crop) {
        return detectFaces(crop.getJpeg()).handle((response, failure) -> {
            if (failure != null) {
                return fromFailure(crop, failure);
            }
            images.inc();
            return fromResponse(crop, response);
        });
    }

    private CompletableFuture<List<FaceObservation>> mosaic(List<FaceCrop> crops) {
        List<byte[]> jpegs = new ArrayList<>(crops.size());
        for (FaceCrop c : crops) {
            jpegs.add(c.getJpeg());
        }
        Mosaic mosaic;
        try {
            mosaic = packer.pack(jpegs);
        } catch (IllegalArgumentException e) { // a crop that does not decode: send each crop alone
            LOG.warn("cannot pack a mosaic of {} crops, sending them alone: {}", crops.size(), e.getMessage());
            List<CompletableFuture<FaceObservation>> parts = new ArrayList<>();
            for (FaceCrop c : crops) {
                parts.add(single(c));
            }
            return allOf(parts);
        }
        return detectFaces(mosaic.jpeg()).thenCompose(response -> {
            images.inc();
            List<TileOutcome> tiles = mosaic.assign(response.faceDetails());
            List<CompletableFuture<FaceObservation>> parts = new ArrayList<>(crops.size());
            for (int i = 0; i < crops.size(); i++) {
                TileOutcome tile = tiles.get(i);
                FaceCrop crop = crops.get(i);
                if (tile.kind() == TileOutcome.Kind.NONE) {
                    tilesEmpty.inc();
                    parts.add(single(crop));
                } else {
                    if (tile.kind() == TileOutcome.Kind.SEVERAL) {
                        tilesCrowded.inc();
                    }
                    parts.add(CompletableFuture.completedFuture(fromFace(crop, tile.face())));
                }
            }
            return allOf(parts);
        }).exceptionally(failure -> {
            List<FaceObservation> out = new ArrayList<>(crops.size());
            for (FaceCrop c : crops) {
                out.add(fromFailure(c, failure));
            }
            return out;
        });
    }

    private static CompletableFuture<List<FaceObservation>> allOf(List<CompletableFuture<FaceObservation>> parts) {
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<FaceObservation> out = new ArrayList<>(parts.size());
            for (CompletableFuture<FaceObservation> p : parts) {
                out.add(p.join());
            }
            return out;
        });
    }

    @Override
    public void timeout(FaceBatch batch, ResultFuture<FaceObservation> result) {
        timeouts.inc();
        List<FaceObservation> out = new ArrayList<>();
        for (FaceCrop c : batch.getCrops()) {
            out.add(FaceObservation.unenriched(c, "TIMEOUT"));
        }
        result.complete(out);
    }

    /** Builds the observation from a DetectFaces response for a single-face crop. */
    static FaceObservation fromResponse(FaceCrop crop, DetectFacesResponse response) {
        FaceDetail face = nearestToCentre(response.faceDetails());
        return face == null ? FaceObservation.unenriched(crop, "NO_FACE_IN_CROP") : fromFace(crop, face);
    }

    /** The observation for the FaceDetail found for a crop. */
    static FaceObservation fromFace(FaceCrop crop, FaceDetail face) {
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
        ServiceErrors.Kind kind = ServiceErrors.classify(failure);
        String reason = ServiceErrors.reason(failure);
        if (closing) {
            LOG.debug("DetectFaces cancelled on close for {}: {}", crop, reason);
        } else {
            LOG.warn("DetectFaces failed for {} ({}): {}", crop, kind, ServiceErrors.unwrap(failure).toString());
        }
        return kind == ServiceErrors.Kind.PERMANENT && !closing
                ? FaceObservation.rejected(crop, reason)
                : FaceObservation.unenriched(crop, reason);
    }

    /**
     * The FaceDetail whose BoundingBox centre (ratios of the image) is nearest the image centre
     * (0.5, 0.5), ignoring faces without a complete box; null if none.
     */
    public static FaceDetail nearestToCentre(List<FaceDetail> faces) {
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

    /** DetectFaces with the EMOTIONS attribute on an encoded JPEG/PNG image, paced and retried. */
    private CompletableFuture<DetectFacesResponse> detectFaces(byte[] image) {
        DetectFacesRequest request = DetectFacesRequest.builder()
                .image(Image.builder().bytes(SdkBytes.fromByteArrayUnsafe(image)).build())
                .attributes(Attribute.EMOTIONS)
                .build();
        return caller.call(() -> client.detectFaces(request));
    }

    @Override
    public void close() {
        closing = true;
        if (caller != null) {
            caller.close();
        }
        if (client != null) {
            client.close();
        }
    }
}
