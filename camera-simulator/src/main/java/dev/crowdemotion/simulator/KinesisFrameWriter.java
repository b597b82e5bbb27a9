package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.FrameFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Writes frames to a Kinesis stream with PutRecords: frames are encoded with {@link FrameCodec}
 * (partition key = camera id), batched at most {@value #MAX_RECORDS_PER_CALL} records and
 * {@value #MAX_BYTES_PER_CALL} bytes (data plus partition keys) per call, and records that fail
 * with a retryable per-record ErrorCode ({@code ProvisionedThroughputExceededException},
 * {@code InternalFailure}, {@code KMSThrottlingException}) or with a retryable call error
 * (throttling, 5xx, I/O) are retried with {@link RetryPolicy exponential backoff and jitter},
 * up to the policy's attempts. What still fails is reported in the {@link WriteResult}; a
 * non-retryable call error (stream not found, access denied, ...) fails the rest of the write and
 * is reported as {@link WriteResult#fatalError()}.
 *
 * <p>Retried records may land after later records of the same camera. Uses the given client
 * (not closed here). Thread-safe if the client is; calls are made one at a time per write.
 */
public final class KinesisFrameWriter implements FrameSink {
    private static final Logger LOG = LoggerFactory.getLogger(KinesisFrameWriter.class);
    /** PutRecords limit: records per call. */
    public static final int MAX_RECORDS_PER_CALL = 500;
    /** PutRecords limit: data plus partition keys per call, bytes (5 MiB). */
    public static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;

    /** Waits between attempts; replaceable in tests. */
    public interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    private final KinesisClient client;
    private final StreamRef stream;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final Random random;

    public KinesisFrameWriter(KinesisClient client, StreamRef stream) {
        this(client, stream, RetryPolicy.defaults(), Thread::sleep, new Random());
    }

    public KinesisFrameWriter(KinesisClient client, StreamRef stream, RetryPolicy policy, Sleeper sleeper, Random random) {
        this.client = client;
        this.stream = stream;
        this.policy = policy;
        this.sleeper = sleeper;
        this.random = random;
    }

    /** A frame ready to send. */
    static final class Entry {
        final CameraFrame frame;
        final PutRecordsRequestEntry request;
        final long size;
        String lastCode;
        String lastMessage;

        Entry(CameraFrame frame, byte[] data) {
            this.frame = frame;
            this.request = PutRecordsRequestEntry.builder().partitionKey(frame.getCameraId())
                    .data(SdkBytes.fromByteArrayUnsafe(data)).build();
            this.size = data.length + (long) frame.getCameraId().getBytes(StandardCharsets.UTF_8).length;
        }
    }

    @Override
    public WriteResult write(List<CameraFrame> frames) {
        List<WriteResult.Failure> failures = new ArrayList<>();
        List<Entry> pending = new ArrayList<>(frames.size());
        for (CameraFrame f : frames) {
            try {
                pending.add(new Entry(f, FrameCodec.encode(f)));
            } catch (FrameFormatException e) {
                failures.add(new WriteResult.Failure(f, e.reason().name(), e.getMessage()));
            }
        }
        int sent = 0, calls = 0, retries = 0;
        long bytes = 0;
        String fatal = null;
        for (int attempt = 1; !pending.isEmpty() && fatal == null; attempt++) {
            if (attempt > 1) {
                if (attempt > policy.maxAttempts()) break;
                retries += pending.size();
                long delay = policy.delayMs(attempt, random);
                if (LOG.isDebugEnabled()) {
                    LOG.debug("Retrying {} record(s) in {} ms (attempt {}/{}): {}", pending.size(), delay, attempt,
                            policy.maxAttempts(), codes(pending));
                }
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    for (Entry en : pending) en.lastCode = "Interrupted";
                    break;
                }
            }
            List<Entry> retry = new ArrayList<>();
            List<List<Entry>> batches = batches(pending, en -> en.size, MAX_RECORDS_PER_CALL, MAX_BYTES_PER_CALL);
            for (int bi = 0; bi < batches.size(); bi++) {
                List<Entry> batch = batches.get(bi);
                if (fatal != null) {
                    fail(batch, "Aborted", fatal, failures);
                    continue;
                }
                List<PutRecordsRequestEntry> reqs = new ArrayList<>(batch.size());
                for (Entry en : batch) reqs.add(en.request);
                calls++;
                PutRecordsResponse resp;
                try {
                    resp = client.putRecords(stream.applyTo(PutRecordsRequest.builder()).records(reqs).build());
                } catch (SdkException e) {
                    String code = errorCode(e);
                    if (isRetryable(e)) {
                        for (Entry en : batch) {
                            en.lastCode = code;
                            en.lastMessage = e.getMessage();
                        }
                        retry.addAll(batch);
                        LOG.debug("PutRecords of {} record(s) failed ({}), will retry", batch.size(), code);
                    } else {
                        fatal = code + ": " + e.getMessage();
                        LOG.error("PutRecords to {} failed: {}", stream, fatal);
                        fail(batch, code, e.getMessage(), failures);
                    }
                    continue;
                }
                List<PutRecordsResultEntry> results = resp.records();
                for (int i = 0; i < batch.size(); i++) {
                    Entry en = batch.get(i);
                    PutRecordsResultEntry r = i < results.size() ? results.get(i) : null;
                    if (r != null && r.errorCode() == null) {
                        sent++;
                        bytes += en.size;
                    } else {
                        en.lastCode = r == null ? "MissingResult" : r.errorCode();
                        en.lastMessage = r == null ? "no result entry for the record" : r.errorMessage();
                        if (isRetryableCode(en.lastCode)) {
                            retry.add(en);
                        } else {
                            fail(List.of(en), en.lastCode, en.lastMessage, failures);
                        }
                    }
                }
            }
            pending = retry;
        }
        for (Entry en : pending) {
            failures.add(fatal != null ? new WriteResult.Failure(en.frame, "Aborted", fatal)
                    : new WriteResult.Failure(en.frame, en.lastCode,
                            "gave up after " + policy.maxAttempts() + " attempt(s): " + en.lastMessage));
        }
        if (!failures.isEmpty()) {
            LOG.warn("{} of {} frame(s) could not be written to {}: {}", failures.size(), frames.size(), stream,
                    failureCodes(failures));
        }
        return new WriteResult(sent, bytes, calls, retries, failures, fatal);
    }

    /**
     * Splits items, in order, into batches of at most {@code maxRecords} items and
     * {@code maxBytes} total size (an item larger than {@code maxBytes} goes alone).
     */
    public static <T> List<List<T>> batches(List<T> items, ToLongFunction<T> size, int maxRecords, long maxBytes) {
        List<List<T>> out = new ArrayList<>();
        List<T> cur = new ArrayList<>();
        long curBytes = 0;
        for (T item : items) {
            long s = size.applyAsLong(item);
            if (!cur.isEmpty() && (cur.size() >= maxRecords || curBytes + s > maxBytes)) {
                out.add(cur);
                cur = new ArrayList<>();
                curBytes = 0;
            }
            cur.add(item);
            curBytes += s;
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    /** Per-record ErrorCodes worth retrying: throttling and internal failures (not KMS configuration errors). */
    public static boolean isRetryableCode(String code) {
        if (code == null) return true;
        return !code.startsWith("KMS") || code.equals("KMSThrottlingException");
    }

    static boolean isRetryable(SdkException e) {
        if (e instanceof AwsServiceException) {
            AwsServiceException a = (AwsServiceException) e;
            String code = errorCode(e);
            return a.isThrottlingException() || a.statusCode() >= 500
                    || "ProvisionedThroughputExceededException".equals(code) || "LimitExceededException".equals(code);
        }
        if (e instanceof SdkClientException) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            // configuration problems do not heal by waiting
            return !(m.contains("credentials") || m.contains("region"));
        }
        return e.retryable();
    }

    static String errorCode(SdkException e) {
        if (e instanceof AwsServiceException && ((AwsServiceException) e).awsErrorDetails() != null
                && ((AwsServiceException) e).awsErrorDetails().errorCode() != null) {
            return ((AwsServiceException) e).awsErrorDetails().errorCode();
        }
        return e.getClass().getSimpleName();
    }

    private static void fail(List<Entry> entries, String code, String message, List<WriteResult.Failure> failures) {
        for (Entry en : entries) failures.add(new WriteResult.Failure(en.frame, code, message));
    }

    private static TreeMap<String, Integer> codes(List<Entry> entries) {
        TreeMap<String, Integer> m = new TreeMap<>();
        for (Entry en : entries) m.merge(String.valueOf(en.lastCode), 1, Integer::sum);
        return m;
    }

    private static TreeMap<String, Integer> failureCodes(List<WriteResult.Failure> failures) {
        TreeMap<String, Integer> m = new TreeMap<>();
        for (WriteResult.Failure f : failures) m.merge(String.valueOf(f.errorCode()), 1, Integer::sum);
        return m;
    }
}
