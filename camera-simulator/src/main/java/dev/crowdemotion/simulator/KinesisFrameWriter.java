package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.FrameFormatException;
import dev.crowdemotion.vision.ImageDecodeException;
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
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Writes frames to a Kinesis stream with PutRecords: each frame is turned into its records by a
 * {@link RecordEncoder} (by default {@link RecordEncoder#fullFrame()}: the frame itself, encoded
 * with {@link FrameCodec}; {@link EdgeCamera}: one {@code "face"} record per detected face), all
 * with the camera id as partition key and the records of one frame consecutive and in order;
 * records are batched at most {@value #MAX_RECORDS_PER_CALL} records and
 * {@value #MAX_BYTES_PER_CALL} bytes (data plus partition keys) per call, and records that fail
 * with a retryable per-record ErrorCode ({@code ProvisionedThroughputExceededException},
 * {@code InternalFailure}, {@code KMSThrottlingException}) or with a retryable call error
 * (throttling, 5xx, I/O) are retried with {@link RetryPolicy exponential backoff and jitter},
 * up to the policy's attempts. What still fails is reported in the {@link WriteResult}; a
 * non-retryable call error (stream not found, access denied, ...) fails the rest of the write and
 * is reported as {@link WriteResult#fatalError()}. A frame counts as sent when all its records
 * were accepted; a frame with a record that finally failed is reported once, with the first
 * failure. Record, face and byte counts are those of the records Kinesis accepted.
 *
 * <p>The frames of one write are encoded in parallel (the common fork-join pool), which matters
 * for an {@link EdgeCamera} that runs face detection. Retried records may land after later records
 * of the same camera (and PutRecords itself does not promise order within a call). Uses the given client
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
    private final RecordEncoder encoder;

    /** Full frames, {@link RetryPolicy#defaults()}. */
    public KinesisFrameWriter(KinesisClient client, StreamRef stream) {
        this(client, stream, RetryPolicy.defaults(), Thread::sleep, new Random());
    }

    /** Full frames ({@link RecordEncoder#fullFrame()}). */
    public KinesisFrameWriter(KinesisClient client, StreamRef stream, RetryPolicy policy, Sleeper sleeper, Random random) {
        this(client, stream, policy, sleeper, random, RecordEncoder.fullFrame());
    }

    /**
     * @param client the Kinesis client, not closed here
     * @param stream the target stream
     * @param policy attempts and backoff
     * @param sleeper waits between attempts
     * @param random jitter
     * @param encoder what records a frame becomes (full frame, or {@link EdgeCamera})
     */
    public KinesisFrameWriter(KinesisClient client, StreamRef stream, RetryPolicy policy, Sleeper sleeper, Random random,
                              RecordEncoder encoder) {
        this.client = client;
        this.stream = stream;
        this.policy = policy;
        this.sleeper = sleeper;
        this.random = random;
        this.encoder = Objects.requireNonNull(encoder, "encoder");
    }

    /** A record ready to send. */
    static final class Entry {
        final CameraFrame frame;
        final EncodedRecord.Kind kind;
        final PutRecordsRequestEntry request;
        /** Data plus partition key, bytes: what Kinesis counts against its limits. */
        final long size;
        String lastCode;
        String lastMessage;

        Entry(CameraFrame frame, EncodedRecord record) {
            this.frame = frame;
            this.kind = record.kind();
            this.request = PutRecordsRequestEntry.builder().partitionKey(frame.getCameraId())
                    .data(SdkBytes.fromByteArrayUnsafe(record.data())).build();
            this.size = recordBytes(record.data(), frame.getCameraId());
        }
    }

    /**
     * The size Kinesis counts for a record (its 1 MiB record limit, the 5 MiB PutRecords limit,
     * shard throughput and billing): data length plus the UTF-8 length of the partition key, bytes.
     */
    public static long recordBytes(byte[] data, String partitionKey) {
        return data.length + (long) partitionKey.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The records of one frame, or why there are none. */
    private static final class Encoded {
        final CameraFrame frame;
        final List<EncodedRecord> records;
        final WriteResult.Failure failure;

        Encoded(CameraFrame frame, List<EncodedRecord> records, WriteResult.Failure failure) {
            this.frame = frame;
            this.records = records;
            this.failure = failure;
        }
    }

    private Encoded encode(CameraFrame f) {
        try {
            List<EncodedRecord> records = encoder.encode(f);
            if (records.isEmpty()) {
                return new Encoded(f, null, new WriteResult.Failure(f, "NO_RECORDS", encoder + " made no record"));
            }
            return new Encoded(f, records, null);
        } catch (FrameFormatException e) {
            return new Encoded(f, null, new WriteResult.Failure(f, e.reason().name(), e.getMessage()));
        } catch (ImageDecodeException e) {
            return new Encoded(f, null, new WriteResult.Failure(f, "IMAGE_UNDECODABLE", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Encoding frame {}#{} failed", f.getCameraId(), f.getSequenceNumber(), e);
            return new Encoded(f, null, new WriteResult.Failure(f, e.getClass().getSimpleName(), e.getMessage()));
        }
    }

    @Override
    public WriteResult write(List<CameraFrame> frames) {
        List<WriteResult.Failure> failures = new ArrayList<>();
        List<Entry> pending = new ArrayList<>(frames.size());
        List<Encoded> encoded = (frames.size() > 1 ? frames.parallelStream() : frames.stream())
                .map(this::encode).collect(Collectors.toList());
        for (Encoded e : encoded) {
            if (e.failure != null) {
                failures.add(e.failure);
            } else {
                for (EncodedRecord r : e.records) pending.add(new Entry(e.frame, r));
            }
        }
        int sent = 0, calls = 0, retries = 0, faces = 0, faceRecords = 0;
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
                        if (en.kind != EncodedRecord.Kind.FRAME) faceRecords++;
                        if (en.kind == EncodedRecord.Kind.FACE) faces++;
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
        failures = oncePerFrame(failures);
        if (!failures.isEmpty()) {
            LOG.warn("{} of {} frame(s) could not be written to {}: {}", failures.size(), frames.size(), stream,
                    failureCodes(failures));
        }
        return new WriteResult(sent, faceRecords, faces, bytes, calls, retries, failures, fatal);
    }

    /** The first failure of each frame, in order (a frame of several records may fail several times). */
    private static List<WriteResult.Failure> oncePerFrame(List<WriteResult.Failure> failures) {
        Set<CameraFrame> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<WriteResult.Failure> out = new ArrayList<>(failures.size());
        for (WriteResult.Failure f : failures) {
            if (seen.add(f.frame())) out.add(f);
        }
        return out;
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
