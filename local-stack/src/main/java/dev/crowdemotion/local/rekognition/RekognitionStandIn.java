package dev.crowdemotion.local.rekognition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.EmotionClassifier;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.FerExpression;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Amazon Rekognition's {@code DetectFaces}, speaking the real wire protocol
 * (AWS JSON 1.1: {@code POST /}, {@code X-Amz-Target: RekognitionService.DetectFaces}) so the
 * real SDK's {@code RekognitionClient}/{@code RekognitionAsyncClient} can be pointed at it with
 * {@code endpointOverride(standIn.endpoint())}.
 *
 * <p>Analysis is real, not canned: faces come from BlazeFace ({@link BlazeFaceDetector}) and
 * emotions from the FER2013 mini-Xception classifier ({@link EmotionClassifier}). Responses use
 * Rekognition's {@code FaceDetail} shape: {@code BoundingBox} as ratios of the image (clamped to
 * the image, whereas the real service may return values slightly outside [0, 1] for faces cut by
 * the border), {@code Confidence} 0-100, and {@code Emotions} (sorted by confidence, descending)
 * only when {@code Attributes} contains {@code ALL} or {@code EMOTIONS}. FER2013 has no
 * CONFUSED/UNKNOWN classes; neutral is reported as CALM. Landmarks, Pose, Quality and the other
 * ALL attributes are not produced.
 *
 * <p>Requests the real service rejects are rejected with its error types (HTTP 400, body
 * {@code {"__type", "Code", "Message", "Logref"}} like the service's, header {@code x-amzn-ErrorType}),
 * which the SDK maps to its typed exceptions: see {@link #detectFaces(JsonNode)}.
 *
 * <p>Listens on 127.0.0.1 only; requests are served by a fixed pool of worker threads (default:
 * one per available processor). Signatures are not checked.
 */
public final class RekognitionStandIn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RekognitionStandIn.class);

    /** X-Amz-Target of DetectFaces. */
    public static final String DETECT_FACES_TARGET = "RekognitionService.DetectFaces";
    /** Rekognition's limit on image bytes passed in the request: 5 MB. */
    public static final int MAX_IMAGE_BYTES = 5 * 1024 * 1024;
    /** Rekognition's minimum image width and height, pixels. */
    public static final int MIN_IMAGE_DIMENSION = 80;

    private static final String JSON_11 = "application/x-amz-json-1.1";
    /** Bodies beyond this are not read (a 5 MB image is ~7 MB of base64 plus JSON). */
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    private static final Set<String> ATTRIBUTES = Set.of("DEFAULT", "ALL", "AGE_RANGE", "BEARD", "EMOTIONS",
            "EYE_DIRECTION", "EYEGLASSES", "EYES_OPEN", "GENDER", "MOUTH_OPEN", "MUSTACHE", "FACE_OCCLUDED",
            "SMILE", "SUNGLASSES");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Second detection pass: longer side of the scaled image, and side of the padded canvas. */
    private static final int PADDED_INNER_SIDE = 128;
    private static final int PADDED_CANVAS_SIDE = 384;
    private static final float PADDED_MIN_SCORE = 0.7f;

    /** Start options. */
    public static final class Options {
        private int port;
        private int workerThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private float faceCropMargin = 0.15f;

        public static Options defaults() {
            return new Options();
        }

        /** Port on 127.0.0.1; 0 (default) picks a free one. */
        public Options port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
            return this;
        }

        /** Worker threads serving requests (default: available processors). */
        public Options workerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads " + threads);
            }
            this.workerThreads = threads;
            return this;
        }

        /** Margin (fraction of the face box per side) of the crop given to the emotion classifier. */
        public Options faceCropMargin(float margin) {
            if (margin < 0 || margin > 1) {
                throw new IllegalArgumentException("margin " + margin);
            }
            this.faceCropMargin = margin;
            return this;
        }
    }

    /** A snapshot of the request counters. */
    public record Counters(long requests, long detectFacesOk, long errors, long facesReturned,
            Map<String, Long> errorsByType) {
        public Counters {
            errorsByType = Map.copyOf(errorsByType);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final BlazeFaceDetector detector;
    private final EmotionClassifier classifier;
    private final float faceCropMargin;
    private final URI endpoint;
    private final LongAdder requests = new LongAdder();
    private final LongAdder detectFacesOk = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder facesReturned = new LongAdder();
    private final Map<String, LongAdder> errorsByType = new ConcurrentHashMap<>();
    private final AtomicLong analysisNanos = new AtomicLong();
    private volatile boolean closed;

    private RekognitionStandIn(HttpServer server, ExecutorService executor, BlazeFaceDetector detector,
            EmotionClassifier classifier, float faceCropMargin) {
        this.server = server;
        this.executor = executor;
        this.detector = detector;
        this.classifier = classifier;
        this.faceCropMargin = faceCropMargin;
        this.endpoint = LocalAws.loopbackEndpoint(server.getAddress().getPort());
    }

    /** Loads the models and starts serving on a free port of 127.0.0.1. */
    public static RekognitionStandIn start() {
        return start(Options.defaults());
    }

    /** Loads the models and starts serving on 127.0.0.1. */
    public static RekognitionStandIn start(Options options) {
        long t0 = System.nanoTime();
        BlazeFaceDetector detector = BlazeFaceDetector.loadDefault();
        EmotionClassifier classifier;
        try {
            classifier = EmotionClassifier.loadDefault();
        } catch (RuntimeException e) {
            detector.close();
            throw e;
        }
        // TCP_NODELAY on the JDK server's sockets: without it, Nagle's algorithm against the client's
        // delayed ACKs adds ~40 ms to every response. Read once, when the first HttpServer is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(LocalAws.LOOPBACK_HOST), options.port), 64);
        } catch (IOException e) {
            detector.close();
            classifier.close();
            throw new IllegalStateException("cannot bind " + LocalAws.LOOPBACK_HOST + ":" + options.port, e);
        }
        ThreadPoolExecutor executor = new ThreadPoolExecutor(options.workerThreads, options.workerThreads,
                0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), daemonThreads("rekognition-stand-in"));
        RekognitionStandIn standIn = new RekognitionStandIn(server, executor, detector, classifier, options.faceCropMargin);
        server.createContext("/", standIn::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("Rekognition stand-in ready at {} in {} ms ({} worker threads)", standIn.endpoint,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), options.workerThreads);
        return standIn;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests received (any operation, any outcome). */
    public long requestCount() {
        return requests.sum();
    }

    /** Requests answered with an error. */
    public long errorCount() {
        return errors.sum();
    }

    /** A snapshot of all counters. */
    public Counters counters() {
        Map<String, Long> byType = new java.util.TreeMap<>();
        errorsByType.forEach((k, v) -> byType.put(k, v.sum()));
        return new Counters(requests.sum(), detectFacesOk.sum(), errors.sum(), facesReturned.sum(), byType);
    }

    /** Mean time spent decoding and analysing per successful DetectFaces, milliseconds (0 if none). */
    public double meanAnalysisMillis() {
        long ok = detectFacesOk.sum();
        return ok == 0 ? 0 : analysisNanos.get() / 1e6 / ok;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        detector.close();
        classifier.close();
    }

    // ---------------------------------------------------------------------------------------------
    // HTTP

    private void handle(HttpExchange exchange) throws IOException {
        requests.increment();
        try {
            Response response;
            try {
                response = route(exchange);
            } catch (RekognitionError e) {
                response = error(e.type, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("DetectFaces failed", e);
                response = new Response(500, "InternalServerError", errorBody("InternalServerError", String.valueOf(e)));
            }
            if (response.errorType != null) {
                errors.increment();
                errorsByType.computeIfAbsent(response.errorType, k -> new LongAdder()).increment();
                exchange.getResponseHeaders().set("x-amzn-ErrorType", response.errorType);
            }
            byte[] body = response.body;
            exchange.getResponseHeaders().set("Content-Type", JSON_11);
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(response.status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            exchange.close();
        }
    }

    private Response route(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!"POST".equals(exchange.getRequestMethod()) || target == null) {
            drain(exchange.getRequestBody());
            return new Response(400, "UnknownOperationException",
                    errorBody("com.amazon.coral.service#UnknownOperationException", null));
        }
        if (!DETECT_FACES_TARGET.equals(target)) {
            drain(exchange.getRequestBody());
            return new Response(400, "UnknownOperationException",
                    errorBody("com.amazon.coral.service#UnknownOperationException",
                            "Operation " + target + " is not supported by the local Rekognition stand-in"));
        }
        byte[] body = readBody(exchange.getRequestBody());
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return new Response(400, "SerializationException", errorBody("SerializationException", "Malformed JSON"));
        }
        if (request == null || !request.isObject()) {
            return new Response(400, "SerializationException", errorBody("SerializationException", "Expected a JSON object"));
        }
        byte[] json = JSON.writeValueAsBytes(detectFaces(request));
        return new Response(200, null, json);
    }

    // ---------------------------------------------------------------------------------------------
    // DetectFaces

    /**
     * DetectFaces on a parsed request. Errors, as the real service answers them:
     * <ul>
     *   <li>no {@code Image}, or neither {@code Image.Bytes} nor {@code Image.S3Object}:
     *       InvalidParameterException;
     *   <li>{@code Image.S3Object}: InvalidS3ObjectException (no S3 here);
     *   <li>more than 5 MB of image bytes: ImageTooLargeException;
     *   <li>bytes that are not a decodable JPEG or PNG: InvalidImageFormatException
     *       ("Request has invalid image format");
     *   <li>width or height under 80 px: InvalidParameterException ("Request has invalid parameters").
     *       The 80 px minimum is documented in the Rekognition Developer Guide, "Guidelines and quotas
     *       in Amazon Rekognition" (docs.aws.amazon.com/rekognition/latest/dg/limits.html: "The minimum
     *       image dimensions is 80 pixels for both height and width"); the service answers such images
     *       with InvalidParameterException "Request has Invalid Parameters", as reported in
     *       boto/botocore issue #1366 for a too-small image;
     *   <li>an unknown {@code Attributes} value: InvalidParameterException.
     * </ul>
     */
    ObjectNode detectFaces(JsonNode request) {
        boolean emotions = wantsEmotions(request.get("Attributes"));
        JsonNode image = request.get("Image");
        if (image == null || !image.isObject()) {
            throw new RekognitionError("InvalidParameterException", "Request has invalid parameters: Image is required");
        }
        JsonNode bytesNode = image.get("Bytes");
        if (bytesNode == null || bytesNode.isNull()) {
            if (image.hasNonNull("S3Object")) {
                throw new RekognitionError("InvalidS3ObjectException",
                        "Unable to get object metadata from S3: the local Rekognition stand-in takes Image.Bytes only");
            }
            throw new RekognitionError("InvalidParameterException", "Request has invalid parameters: Image.Bytes or Image.S3Object is required");
        }
        if (!bytesNode.isTextual()) {
            throw new RekognitionError("SerializationException", "Image.Bytes must be a base64 string");
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(bytesNode.asText());
        } catch (IllegalArgumentException e) {
            throw new RekognitionError("SerializationException", "Image.Bytes is not valid base64");
        }
        if (bytes.length > MAX_IMAGE_BYTES) {
            throw new RekognitionError("ImageTooLargeException",
                    "Image size is too large: " + bytes.length + " bytes, the limit is " + MAX_IMAGE_BYTES);
        }
        if (!isJpeg(bytes) && !isPng(bytes)) {
            throw new RekognitionError("InvalidImageFormatException", "Request has invalid image format");
        }
        long t0 = System.nanoTime();
        BufferedImage img;
        try {
            img = Images.decode(bytes);
        } catch (ImageDecodeException e) {
            throw new RekognitionError("InvalidImageFormatException", "Request has invalid image format");
        }
        if (img.getWidth() < MIN_IMAGE_DIMENSION || img.getHeight() < MIN_IMAGE_DIMENSION) {
            throw new RekognitionError("InvalidParameterException", "Request has invalid parameters");
        }

        List<FaceBox> faces = findFaces(img);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode details = response.putArray("FaceDetails");
        for (FaceBox face : faces) {
            ObjectNode detail = details.addObject();
            float left = clamp01(face.x() / img.getWidth());
            float top = clamp01(face.y() / img.getHeight());
            float right = clamp01((face.x() + face.width()) / img.getWidth());
            float bottom = clamp01((face.y() + face.height()) / img.getHeight());
            ObjectNode box = detail.putObject("BoundingBox");
            box.put("Width", right - left);
            box.put("Height", bottom - top);
            box.put("Left", left);
            box.put("Top", top);
            if (emotions) {
                float[] probs = classifier.classify(Images.crop(img, face, faceCropMargin));
                List<FerExpression> order = new ArrayList<>(EnumSet.allOf(FerExpression.class));
                order.sort(Comparator.comparingDouble((FerExpression e) -> probs[e.ordinal()]).reversed());
                ArrayNode list = detail.putArray("Emotions");
                for (FerExpression e : order) {
                    ObjectNode em = list.addObject();
                    em.put("Type", e.rekognitionType());
                    em.put("Confidence", clamp(probs[e.ordinal()] * 100f, 0f, 100f));
                }
            }
            detail.put("Confidence", clamp(face.score() * 100f, 0f, 100f));
        }
        analysisNanos.addAndGet(System.nanoTime() - t0);
        detectFacesOk.increment();
        facesReturned.add(faces.size());
        return response;
    }

    /**
     * Faces in {@code img}, boxes in its pixels. BlazeFace's full-range model is made for faces at a
     * distance and can miss a face that fills the image (like the face crops the job sends: one
     * face with ~25 % margin). When the first pass finds nothing, the image, scaled to
     * {@value #PADDED_INNER_SIDE} px on its longer side, is placed in the middle of a grey
     * {@value #PADDED_CANVAS_SIDE} px canvas (so a close-up face becomes a mid-sized one) and
     * searched again, keeping detections scoring at least {@value #PADDED_MIN_SCORE} (a little
     * stricter than the detector's default, as this pass runs only on images where the first found
     * nothing); boxes are mapped back to {@code img}'s pixels. Measured on the repository's test
     * images: crops of the face box itself (no margin) or of its inner 60-90 %, which the first pass
     * misses, are found at scores 0.70-0.88; the face-free images and crops of them gain none (the
     * closest, a crop of the Hubble deep field, scored 0.69).
     */
    List<FaceBox> findFaces(BufferedImage img) {
        List<FaceBox> faces = detector.detect(img);
        if (!faces.isEmpty()) {
            return faces;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        float scale = (float) PADDED_INNER_SIDE / Math.max(w, h);
        int sw = Math.max(1, Math.round(w * scale));
        int sh = Math.max(1, Math.round(h * scale));
        int offX = (PADDED_CANVAS_SIDE - sw) / 2;
        int offY = (PADDED_CANVAS_SIDE - sh) / 2;
        BufferedImage canvas = new BufferedImage(PADDED_CANVAS_SIDE, PADDED_CANVAS_SIDE, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(new Color(128, 128, 128));
            g.fillRect(0, 0, PADDED_CANVAS_SIDE, PADDED_CANVAS_SIDE);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, offX, offY, sw, sh, null);
        } finally {
            g.dispose();
        }
        List<FaceBox> out = new ArrayList<>();
        for (FaceBox f : detector.detect(canvas)) {
            if (f.score() < PADDED_MIN_SCORE) {
                continue;
            }
            float x0 = Math.max(0, (f.x() - offX) / scale);
            float y0 = Math.max(0, (f.y() - offY) / scale);
            float x1 = Math.min(w, (f.x() + f.width() - offX) / scale);
            float y1 = Math.min(h, (f.y() + f.height() - offY) / scale);
            if (x1 - x0 >= 1 && y1 - y0 >= 1) {
                out.add(new FaceBox(x0, y0, x1 - x0, y1 - y0, f.score()));
            }
        }
        return out;
    }

    private static boolean wantsEmotions(JsonNode attributes) {
        if (attributes == null || attributes.isNull()) {
            return false;
        }
        if (!attributes.isArray()) {
            throw new RekognitionError("SerializationException", "Attributes must be a list");
        }
        boolean emotions = false;
        for (JsonNode a : attributes) {
            String name = a.asText("");
            if (!ATTRIBUTES.contains(name)) {
                throw new RekognitionError("InvalidParameterException",
                        "Request has invalid parameters: unknown attribute " + name);
            }
            emotions |= name.equals("ALL") || name.equals("EMOTIONS");
        }
        return emotions;
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    private static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF;
    }

    private static boolean isPng(byte[] b) {
        return b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A;
    }

    private static float clamp01(float v) {
        return clamp(v, 0f, 1f);
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        byte[] buf = new byte[64 * 1024];
        int n;
        long total = 0;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > MAX_BODY_BYTES) {
                drain(in);
                throw new RekognitionError("ImageTooLargeException", "Request body exceeds " + MAX_BODY_BYTES + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (in.read(buf) > 0) {
            // discard
        }
    }

    private static Response error(String type, String message) {
        return new Response(400, type, errorBody(type, message));
    }

    private static byte[] errorBody(String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        String code = type.substring(type.indexOf('#') + 1);
        body.put("Code", code);
        body.put("Logref", UUID.randomUUID().toString());
        if (message != null) {
            body.put("Message", message);
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return ("{\"__type\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private record Response(int status, String errorType, byte[] body) {}

    /** A Rekognition error type (e.g. InvalidParameterException) with its message. */
    static final class RekognitionError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String type;

        RekognitionError(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RekognitionStandIn[%s]", endpoint);
    }
}
