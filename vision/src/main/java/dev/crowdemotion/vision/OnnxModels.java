package dev.crowdemotion.vision;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Package-private: loads a vendored ONNX model from the classpath into a DJL {@link Model} on the
 * OnnxRuntime engine (CPU).
 *
 * <p>Before DJL's {@code Engine} class is first touched, this sets the system properties
 * {@code OPT_OUT_TRACKING=true} and {@code ai.djl.offline=true} unless they are already set:
 * DJL otherwise reports usage to an S3 endpoint when it finds itself on EC2 (which is where
 * Managed Flink runs) and may try to download engines or models. Nothing here needs the
 * network; set either property to {@code false} beforehand to keep DJL's default.
 */
final class OnnxModels {
    static final String ENGINE = "OnnxRuntime";

    static {
        if (System.getProperty("OPT_OUT_TRACKING") == null && System.getenv("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private OnnxModels() {}

    /** A loaded model and the ONNX Runtime session options it owns. */
    static final class Loaded implements AutoCloseable {
        final Model model;
        private final OrtSession.SessionOptions sessionOptions;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        Loaded(Model model, OrtSession.SessionOptions sessionOptions) {
            this.model = model;
            this.sessionOptions = sessionOptions;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try {
                model.close();
            } finally {
                sessionOptions.close();
            }
        }
    }

    /**
     * @param resource classpath resource, e.g. {@code /models/blazeface-back-256.onnx}
     * @param intraOpThreads ONNX Runtime threads used inside one inference (&gt;= 1)
     * @throws IllegalStateException if the resource is missing or the engine cannot load it
     */
    static Loaded load(String resource, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        }
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        Model model = null;
        try (InputStream in = OnnxModels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("model resource not found on the classpath: " + resource);
            }
            so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            Map<String, Object> options = new HashMap<>();
            options.put("sessionOptions", so);
            // DJL 0.34 applies intraOpNumThreads only when interOpNumThreads is given too.
            options.put("interOpNumThreads", "1");
            options.put("intraOpNumThreads", Integer.toString(intraOpThreads));
            String name = resource.substring(resource.lastIndexOf('/') + 1).replace(".onnx", "");
            model = Model.newInstance(name, Device.cpu(), ENGINE);
            model.load(in, options);
            return new Loaded(model, so);
        } catch (IOException | MalformedModelException | OrtException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            so.close();
            if (e instanceof IllegalStateException) {
                throw (IllegalStateException) e;
            }
            throw new IllegalStateException("cannot load ONNX model " + resource + ": " + e, e);
        }
    }
}
