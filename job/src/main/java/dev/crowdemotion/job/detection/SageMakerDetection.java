package dev.crowdemotion.job.detection;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.calls.AsyncClients;
import dev.crowdemotion.job.calls.PacedCaller;
import dev.crowdemotion.job.calls.ServiceErrors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;

/**
 * Face detection on an Amazon SageMaker endpoint (the project's {@code model-server}, BlazeFace),
 * through Flink async I/O ({@code AsyncDataStream.unorderedWait}, bounded capacity and timeout):
 * one {@code InvokeEndpoint} call per frame with the frame's JPEG/PNG bytes as the body,
 * {@code Accept: application/json} and {@code CustomAttributes: min_score=<Detection.min.score>}
 * (SageMaker forwards it to the container as {@code X-Amzn-SageMaker-Custom-Attributes}).
 *
 * <p>Calls are paced to {@code SageMaker.max.tps / parallelism} and retried on throttling, 5xx and
 * timeouts by the same {@link PacedCaller} as Rekognition. When the async capacity is full the
 * operator back-pressures the source: frames are delayed, never sampled out. Every frame yields
 * one {@link DetectedFrame}: its faces, or a failure reason ({@code ModelError} for an image the
 * model rejects, the last error code after retries, {@code TIMEOUT}, {@code BAD_MODEL_RESPONSE})
 * that {@link DetectedFrameCropping} turns into a dead letter.
 */
public class SageMakerDetection extends RichAsyncFunction<CameraFrame, DetectedFrame> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SageMakerDetection.class);

    private final CrowdEmotionConfig config;
    private transient SageMakerRuntimeAsyncClient client;
    private transient PacedCaller<InvokeEndpointResponse> caller;
    private transient String customAttributes;
    private transient Counter errors;
    /** Set by {@link #close}: calls failing because the job stops are not errors (in-flight frames are in the checkpoint). */
    private transient volatile boolean closing;

    public SageMakerDetection(CrowdEmotionConfig config) {
        this.config = config;
    }

    @Override
    public void open(Configuration parameters) {
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        MetricGroup m = JobMetrics.group(getRuntimeContext());
        client = AsyncClients.build(SageMakerRuntimeAsyncClient.builder(), config.group(ConfigKeys.GROUP_SAGEMAKER),
                config.sageMakerCallTimeoutMs(), Math.max(8, 2 * config.sageMakerAsyncCapacity(parallelism)));
        // counters below are incremented from SDK, pacer and retry threads: thread-safe ones
        caller = new PacedCaller<>("sagemaker", config.sageMakerMaxTps() / parallelism,
                config.sageMakerRetryMaxAttempts(), Duration.ofMillis(config.sageMakerRetryInitialBackoffMs()),
                Duration.ofMillis(config.sageMakerRetryMaxBackoffMs()),
                new PacedCaller.Metrics(JobMetrics.threadSafeCounter(m, JobMetrics.SAGEMAKER_CALLS),
                        JobMetrics.threadSafeCounter(m, JobMetrics.SAGEMAKER_THROTTLES),
                        JobMetrics.threadSafeCounter(m, JobMetrics.SAGEMAKER_RETRIES)));
        errors = JobMetrics.threadSafeCounter(m, JobMetrics.SAGEMAKER_ERRORS);
        customAttributes = String.format(Locale.ROOT, "min_score=%s", config.minScore());
    }


    @Override
    public void asyncInvoke(CameraFrame frame, ResultFuture<DetectedFrame> result) {
        InvokeEndpointRequest request = InvokeEndpointRequest.builder()
                .endpointName(config.sageMakerEndpointName())
                .contentType(frame.getMediaType().mime())
                .accept("application/json")
                .customAttributes(customAttributes)
                .body(SdkBytes.fromByteArrayUnsafe(frame.getImage()))
                .build();
        caller.call(() -> client.invokeEndpoint(request)).whenComplete((response, failure) -> {
            DetectedFrame out;
            if (failure != null) {
                if (closing) {
                    result.complete(Collections.emptyList());
                    return;
                }
                errors.inc();
                String reason = ServiceErrors.reason(failure);
                LOG.warn("InvokeEndpoint failed for {} ({}): {}", frame, reason,
                        ServiceErrors.unwrap(failure).getMessage());
                out = DetectedFrame.failed(frame, reason, String.valueOf(ServiceErrors.unwrap(failure).getMessage()));
            } else {
                try {
                    out = DetectedFrame.detected(frame,
                            ObjectDetectionResponse.faces(response.body().asByteArrayUnsafe(), config.minScore()));
                } catch (IllegalArgumentException e) {
                    errors.inc();
                    out = DetectedFrame.failed(frame, "BAD_MODEL_RESPONSE", e.getMessage());
                }
            }
            result.complete(Collections.singletonList(out));
        });
    }

    @Override
    public void timeout(CameraFrame frame, ResultFuture<DetectedFrame> result) {
        errors.inc();
        result.complete(Collections.singletonList(DetectedFrame.failed(frame, "TIMEOUT",
                "no detection within SageMaker.async.timeout.ms=" + config.sageMakerAsyncTimeoutMs())));
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
