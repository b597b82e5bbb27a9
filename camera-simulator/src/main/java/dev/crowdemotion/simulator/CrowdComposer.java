package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.Images;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Crowd mode: composes frames in which a stage camera sees many faces. Faces are found in the
 * given photos with BlazeFace, cut out with a margin, and pasted (scaled to a random face width in
 * [{@link Settings#faceMinPx}, {@link Settings#faceMaxPx}], randomly mirrored, brightness varied,
 * edges feathered) onto a backdrop: a face-free photo of the same folder, cropped to the frame, or
 * a generated festival-night backdrop. No face is covered by another pasted cut-out.
 *
 * <p>Each camera keeps its backdrop, and its crowd layout for {@link Settings#framesPerScene}
 * frames, with a few pixels of per-frame jitter, like a real camera on a slowly changing crowd.
 * Output depends only on (settings, photos, stage, camera, sequence): deterministic. Frames are
 * JPEG, fitted to the record limit. Thread-safe.
 */
public final class CrowdComposer implements FrameGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(CrowdComposer.class);
    /** Faces narrower than this in the source photos are not used (they would be blurry). */
    public static final int MIN_SOURCE_FACE_PX = 24;
    /** Largest upscaling of a source face. */
    public static final float MAX_UPSCALE = 2.5f;
    private static final int JITTER_PX = 3;
    private static final int PLACEMENT_TRIES = 80;

    /** Where backdrops come from. */
    public enum Backdrop {
        /** Face-free photos of the folder if there are any, else generated. */
        AUTO,
        /** Face-free photos of the folder; an error if there are none. */
        PHOTOS,
        /** Generated festival-night backdrops. */
        GENERATED
    }

    /** Composition settings; fluent setters, validated when a composer is made. */
    public static final class Settings {
        int width = 1280;
        int height = 720;
        int facesMin = 4;
        int facesMax = 12;
        int faceMinPx = 60;
        int faceMaxPx = 200;
        float jpegQuality = 0.8f;
        long seed = 0;
        Backdrop backdrop = Backdrop.AUTO;
        int framesPerScene = 10;
        float minSourceScore = 0.7f;
        float margin = 0.4f;

        public static Settings defaults() { return new Settings(); }

        /** Frame size, pixels. Default 1280x720. */
        public Settings size(int width, int height) { this.width = width; this.height = height; return this; }
        /** Faces per frame, drawn uniformly from [min, max]. Default 4..12. Fewer if they do not fit. */
        public Settings faces(int min, int max) { this.facesMin = min; this.facesMax = max; return this; }
        /** Face width range, pixels. Default 60..200. */
        public Settings faceSize(int minPx, int maxPx) { this.faceMinPx = minPx; this.faceMaxPx = maxPx; return this; }
        /** JPEG quality in (0, 1]. Default 0.8. */
        public Settings jpegQuality(float q) { this.jpegQuality = q; return this; }
        public Settings seed(long seed) { this.seed = seed; return this; }
        public Settings backdrop(Backdrop b) { this.backdrop = b; return this; }
        /** Frames a camera keeps the same crowd layout (then a new one). Default 10. */
        public Settings framesPerScene(int n) { this.framesPerScene = n; return this; }
        /** Minimum BlazeFace score for a source face. Default 0.7. */
        public Settings minSourceScore(float s) { this.minSourceScore = s; return this; }
        /** Margin cut around a source face, as a fraction of its size on every side. Default 0.4. */
        public Settings margin(float m) { this.margin = m; return this; }

        public int width() { return width; }
        public int height() { return height; }
        public int facesMin() { return facesMin; }
        public int facesMax() { return facesMax; }
        public int faceMinPx() { return faceMinPx; }
        public int faceMaxPx() { return faceMaxPx; }
        public float jpegQuality() { return jpegQuality; }
        public long seed() { return seed; }
        public Backdrop backdrop() { return backdrop; }
        public int framesPerScene() { return framesPerScene; }

        Settings copy() {
            Settings s = new Settings();
            s.width = width; s.height = height; s.facesMin = facesMin; s.facesMax = facesMax;
            s.faceMinPx = faceMinPx; s.faceMaxPx = faceMaxPx; s.jpegQuality = jpegQuality; s.seed = seed;
            s.backdrop = backdrop; s.framesPerScene = framesPerScene; s.minSourceScore = minSourceScore;
            s.margin = margin;
            return s;
        }

        void validate() {
            check(width >= 64 && width <= 4096 && height >= 64 && height <= 4096, "frame size must be 64..4096 px");
            check(facesMin >= 1 && facesMax >= facesMin, "faces: need 1 <= min <= max");
            check(facesMax <= 100, "faces: at most 100");
            check(faceMinPx >= 16 && faceMaxPx >= faceMinPx, "face size: need 16 <= min <= max");
            check(faceMaxPx * (1 + 2 * margin) <= Math.min(width, height),
                    "face size: max face (with margin) must fit in the frame");
            check(jpegQuality > 0 && jpegQuality <= 1, "JPEG quality must be in (0, 1]");
            check(framesPerScene >= 1, "framesPerScene must be >= 1");
            check(margin >= 0 && margin <= 1, "margin must be in [0, 1]");
            check(minSourceScore >= 0 && minSourceScore <= 1, "minSourceScore must be in [0, 1]");
        }

        private static void check(boolean ok, String message) {
            if (!ok) throw new IllegalArgumentException(message);
        }
    }

    /** A face cut from a source photo: the cut-out and where the face is in it. Immutable. */
    public static final class FaceSprite {
        private final BufferedImage image;
        private final float faceX;
        private final float faceY;
        private final float faceW;
        private final float faceH;
        private final String source;

        public FaceSprite(BufferedImage image, float faceX, float faceY, float faceW, float faceH, String source) {
            this.image = image;
            this.faceX = faceX;
            this.faceY = faceY;
            this.faceW = faceW;
            this.faceH = faceH;
            this.source = source;
        }

        public BufferedImage image() { return image; }
        /** The face box inside {@link #image()}. */
        public FaceBox face() { return new FaceBox(faceX, faceY, faceW, faceH, 1f); }
        /** Name of the photo it was cut from. */
        public String source() { return source; }
    }

    /** A composed frame before encoding: the image and the boxes of the faces pasted into it. */
    public static final class Composition {
        private final BufferedImage image;
        private final List<FaceBox> faces;

        Composition(BufferedImage image, List<FaceBox> faces) {
            this.image = image;
            this.faces = Collections.unmodifiableList(faces);
        }

        public BufferedImage image() { return image; }
        /** Pasted face boxes, frame pixels (score 1). */
        public List<FaceBox> faces() { return faces; }
    }

    private final Settings settings;
    private final List<FaceSprite> sprites;
    private final List<BufferedImage> backgrounds;
    private final Map<String, BufferedImage> backdropCache = new ConcurrentHashMap<>();

    /**
     * @param sprites the faces to paste (at least one)
     * @param backgrounds face-free backdrop photos (may be empty: generated backdrops are used)
     */
    public CrowdComposer(List<FaceSprite> sprites, List<BufferedImage> backgrounds, Settings settings) {
        this.settings = settings.copy();
        this.settings.validate();
        if (sprites.isEmpty()) {
            throw new IllegalArgumentException("no faces to compose crowds from");
        }
        this.sprites = List.copyOf(sprites);
        List<BufferedImage> bg = this.settings.backdrop == Backdrop.GENERATED ? List.of() : List.copyOf(backgrounds);
        if (this.settings.backdrop == Backdrop.PHOTOS && bg.isEmpty()) {
            throw new IllegalArgumentException("backdrop PHOTOS needs at least one photo without faces");
        }
        this.backgrounds = bg;
    }

    /** Loads a detector, reads the photos of {@code dir} and closes the detector again. */
    public static CrowdComposer fromDirectory(Path dir, Settings settings) throws IOException {
        try (BlazeFaceDetector detector = BlazeFaceDetector.loadDefault()) {
            return fromDirectory(dir, detector, settings);
        }
    }

    /**
     * Finds faces in the photos of {@code dir}: photos with faces give face cut-outs, photos in
     * which the detector finds nothing are backdrop candidates.
     *
     * @throws IOException if the folder cannot be read
     * @throws IllegalArgumentException if no usable face is found, or settings are invalid
     */
    public static CrowdComposer fromDirectory(Path dir, BlazeFaceDetector detector, Settings settings) throws IOException {
        try {
            return fromPhotos(Photos.load(dir), detector, settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dir + ": " + e.getMessage(), e);
        }
    }

    /** Like {@link #fromDirectory(Path, BlazeFaceDetector, Settings)} for photos already read. */
    public static CrowdComposer fromPhotos(List<Photos.Photo> photos, BlazeFaceDetector detector, Settings settings) {
        settings.validate();
        List<FaceSprite> sprites = new ArrayList<>();
        List<BufferedImage> backgrounds = new ArrayList<>();
        for (Photos.Photo p : photos) {
            List<FaceBox> boxes = detector.detect(p.image());
            int used = 0;
            for (FaceBox b : boxes) {
                if (b.score() >= settings.minSourceScore && Math.min(b.width(), b.height()) >= MIN_SOURCE_FACE_PX) {
                    sprites.add(cut(p.image(), b, settings.margin, p.name()));
                    used++;
                }
            }
            if (boxes.isEmpty()) {
                backgrounds.add(p.image());
            }
            LOG.debug("{}: {} face(s) detected, {} used{}", p.name(), boxes.size(), used,
                    boxes.isEmpty() ? " (backdrop)" : "");
        }
        if (sprites.isEmpty()) {
            throw new IllegalArgumentException("no faces (score >= " + settings.minSourceScore + ", >= "
                    + MIN_SOURCE_FACE_PX + " px) found in " + photos.size() + " photo(s)");
        }
        LOG.info("Crowd composer: {} face(s) from {} photo(s), {} backdrop photo(s)", sprites.size(),
                photos.size(), settings.backdrop == Backdrop.GENERATED ? 0 : backgrounds.size());
        return new CrowdComposer(sprites, backgrounds, settings);
    }

    /** Cuts {@code face} grown by {@code margin} (fraction of its size, every side), clamped to the image. */
    public static FaceSprite cut(BufferedImage image, FaceBox face, float margin, String source) {
        int x0 = clamp((int) Math.floor(face.x() - margin * face.width()), 0, image.getWidth() - 1);
        int y0 = clamp((int) Math.floor(face.y() - margin * face.height()), 0, image.getHeight() - 1);
        int x1 = clamp((int) Math.ceil(face.x() + (1 + margin) * face.width()), x0 + 1, image.getWidth());
        int y1 = clamp((int) Math.ceil(face.y() + (1 + margin) * face.height()), y0 + 1, image.getHeight());
        BufferedImage crop = new BufferedImage(x1 - x0, y1 - y0, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = crop.createGraphics();
        try {
            g.drawImage(image, -x0, -y0, null);
        } finally {
            g.dispose();
        }
        return new FaceSprite(crop, face.x() - x0, face.y() - y0, face.width(), face.height(), source);
    }

    public Settings settings() { return settings.copy(); }
    public List<FaceSprite> sprites() { return sprites; }
    public int backgroundCount() { return backgrounds.size(); }

    @Override
    public CameraFrame next(String cameraId, String stageId, long sequence, long captureTimeMs) {
        Composition c = compose(cameraId, stageId, sequence);
        FrameFitter.Encoded e = FrameFitter.encodeJpeg(c.image(), settings.jpegQuality, FrameFitter.MAX_IMAGE_BYTES,
                "crowd frame " + cameraId + "#" + sequence);
        return new CameraFrame(cameraId, stageId, captureTimeMs, sequence, e.mediaType(), e.bytes());
    }

    /** The frame before encoding, with the boxes of the pasted faces. */
    public Composition compose(String cameraId, String stageId, long sequence) {
        BufferedImage backdrop = backdropCache.computeIfAbsent(stageId + "\n" + cameraId,
                k -> makeBackdrop(new SplittableRandom(Seeds.mix(settings.seed, "backdrop", stageId, cameraId)),
                        new SplittableRandom(Seeds.mix(settings.seed, "stage-look", stageId))));
        long scene = sequence / settings.framesPerScene;
        List<Placement> layout = layout(new SplittableRandom(Seeds.mix(settings.seed, "layout", stageId, cameraId, scene)));
        SplittableRandom jitter = new SplittableRandom(Seeds.mix(settings.seed, "jitter", stageId, cameraId, sequence));

        BufferedImage canvas = new BufferedImage(settings.width, settings.height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        List<FaceBox> faces = new ArrayList<>();
        try {
            g.drawImage(backdrop, 0, 0, null);
            for (Placement p : layout) {
                int dx = jitter.nextInt(-JITTER_PX, JITTER_PX + 1);
                int dy = jitter.nextInt(-JITTER_PX, JITTER_PX + 1);
                g.drawImage(p.cutout, p.x + dx, p.y + dy, null);
                faces.add(new FaceBox(p.faceX + dx, p.faceY + dy, p.faceW, p.faceH, 1f));
            }
        } finally {
            g.dispose();
        }
        return new Composition(canvas, faces);
    }

    // ------------------------------------------------------------------ layout

    /** One pasted face: the prepared cut-out, its position, and the face box in frame pixels. */
    private static final class Placement {
        BufferedImage cutout;
        int x, y, w, h;
        float faceX, faceY, faceW, faceH;
    }

    private List<Placement> layout(SplittableRandom rng) {
        int n = rng.nextInt(settings.facesMin, settings.facesMax + 1);
        List<int[]> wanted = new ArrayList<>(); // {sprite index, face width}
        for (int i = 0; i < n; i++) {
            int si = rng.nextInt(sprites.size());
            FaceSprite s = sprites.get(si);
            int size = rng.nextInt(settings.faceMinPx, settings.faceMaxPx + 1);
            int maxSize = Math.max(settings.faceMinPx, Math.round(s.faceW * MAX_UPSCALE));
            wanted.add(new int[] {si, Math.min(size, maxSize)});
        }
        wanted.sort(Comparator.comparingInt((int[] a) -> -a[1]));
        List<Placement> placed = new ArrayList<>();
        for (int[] want : wanted) {
            FaceSprite s = sprites.get(want[0]);
            float size = want[1];
            Placement p = null;
            while (p == null) {
                p = tryPlace(s, size, placed, rng);
                if (p == null) {
                    if (size <= settings.faceMinPx) break;
                    size = Math.max(settings.faceMinPx, size * 0.85f);
                }
            }
            if (p != null) {
                p.cutout = prepare(s, p.w, p.h, rng.nextBoolean(), 0.85f + 0.3f * (float) rng.nextDouble());
                placed.add(p);
            }
        }
        // paint far (small) faces first
        placed.sort(Comparator.comparingDouble(p -> p.faceW));
        return placed;
    }

    private Placement tryPlace(FaceSprite s, float faceWidth, List<Placement> placed, SplittableRandom rng) {
        float scale = faceWidth / s.faceW;
        int w = Math.max(1, Math.round(s.image.getWidth() * scale));
        int h = Math.max(1, Math.round(s.image.getHeight() * scale));
        float fx = s.faceX * scale, fy = s.faceY * scale, fw = s.faceW * scale, fh = s.faceH * scale;
        int border = JITTER_PX + 2;
        // the face must stay inside the frame; the cut-out's margin may be clipped
        int minX = (int) Math.ceil(border - fx), maxX = (int) Math.floor(settings.width - border - fx - fw);
        int minY = (int) Math.ceil(border - fy), maxY = (int) Math.floor(settings.height - border - fy - fh);
        if (maxX < minX || maxY < minY) return null;
        for (int t = 0; t < PLACEMENT_TRIES; t++) {
            Placement p = new Placement();
            p.x = rng.nextInt(minX, maxX + 1);
            p.y = rng.nextInt(minY, maxY + 1);
            p.w = w;
            p.h = h;
            p.faceX = p.x + fx; p.faceY = p.y + fy; p.faceW = fw; p.faceH = fh;
            boolean free = true;
            for (Placement o : placed) {
                if (overlapsFace(p, o) || overlapsFace(o, p)) {
                    free = false;
                    break;
                }
            }
            if (free) return p;
        }
        return null;
    }

    /** Whether cut-out {@code a} would cover face {@code b} (grown by a buffer that absorbs jitter). */
    private static boolean overlapsFace(Placement a, Placement b) {
        float buf = 0.1f * Math.max(b.faceW, b.faceH) + 2 * JITTER_PX + 1;
        float bx0 = b.faceX - buf, by0 = b.faceY - buf, bx1 = b.faceX + b.faceW + buf, by1 = b.faceY + b.faceH + buf;
        return a.x < bx1 && a.x + a.w > bx0 && a.y < by1 && a.y + a.h > by0;
    }

    /** Scales, optionally mirrors, changes brightness and feathers the edges (ARGB). */
    private static BufferedImage prepare(FaceSprite s, int w, int h, boolean mirror, float gain) {
        BufferedImage scaled = Images.resize(s.image, w, h);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        float feather = Math.max(2f, 0.12f * Math.min(w, h));
        int[] row = new int[w];
        int[] dst = new int[w];
        for (int y = 0; y < h; y++) {
            scaled.getRGB(0, y, w, 1, row, 0, w);
            float dy = Math.min(y + 0.5f, h - y - 0.5f);
            for (int x = 0; x < w; x++) {
                int rgb = row[mirror ? w - 1 - x : x];
                int r = Math.min(255, Math.round(((rgb >> 16) & 0xFF) * gain));
                int g = Math.min(255, Math.round(((rgb >> 8) & 0xFF) * gain));
                int b = Math.min(255, Math.round((rgb & 0xFF) * gain));
                float d = Math.min(dy, Math.min(x + 0.5f, w - x - 0.5f));
                float t = Math.min(1f, d / feather);
                int a = Math.round(255 * t * t * (3 - 2 * t));
                dst[x] = (a << 24) | (r << 16) | (g << 8) | b;
            }
            out.setRGB(0, y, w, 1, dst, 0, w);
        }
        return out;
    }

    // ------------------------------------------------------------------ backdrops

    private BufferedImage makeBackdrop(SplittableRandom rng, SplittableRandom stageLook) {
        int w = settings.width, h = settings.height;
        BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            if (!backgrounds.isEmpty()) {
                BufferedImage bg = backgrounds.get(rng.nextInt(backgrounds.size()));
                double cover = Math.max((double) w / bg.getWidth(), (double) h / bg.getHeight());
                double zoom = cover * (1.0 + 0.3 * rng.nextDouble());
                int sw = (int) Math.ceil(bg.getWidth() * zoom), sh = (int) Math.ceil(bg.getHeight() * zoom);
                int ox = sw > w ? rng.nextInt(sw - w + 1) : 0;
                int oy = sh > h ? rng.nextInt(sh - h + 1) : 0;
                g.drawImage(bg, -ox, -oy, sw, sh, null);
            } else {
                paintFestival(g, w, h, rng, stageLook);
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }

    /** A night-time festival: sky gradient, lit stage, light beams, bokeh and a silhouetted crowd. */
    private static void paintFestival(Graphics2D g, int w, int h, SplittableRandom rng, SplittableRandom stageLook) {
        float hue = (float) stageLook.nextDouble();
        Color top = Color.getHSBColor(hue, 0.7f, 0.12f);
        Color bottom = Color.getHSBColor((hue + 0.08f) % 1f, 0.6f, 0.28f);
        g.setPaint(new GradientPaint(0, 0, top, 0, h, bottom));
        g.fillRect(0, 0, w, h);

        // stage: a lit band with a truss
        int stageTop = (int) (h * (0.05 + 0.05 * rng.nextDouble()));
        int stageBottom = (int) (h * (0.28 + 0.06 * rng.nextDouble()));
        int inset = (int) (w * (0.05 + 0.1 * rng.nextDouble()));
        Color stageColor = Color.getHSBColor((hue + 0.5f) % 1f, 0.35f, 0.75f);
        g.setPaint(new GradientPaint(0, stageTop, stageColor, 0, stageBottom, stageColor.darker().darker()));
        g.fillRect(inset, stageTop, w - 2 * inset, stageBottom - stageTop);
        g.setColor(new Color(40, 40, 45));
        g.fillRect(inset - 8, stageTop - 10, w - 2 * inset + 16, 10);
        g.fillRect(inset - 8, stageTop - 10, 10, stageBottom - stageTop + 10);
        g.fillRect(w - inset - 2, stageTop - 10, 10, stageBottom - stageTop + 10);

        // light beams
        int beams = 4 + rng.nextInt(4);
        for (int i = 0; i < beams; i++) {
            int x = inset + rng.nextInt(Math.max(1, w - 2 * inset));
            int spread = (int) (w * (0.05 + 0.1 * rng.nextDouble()));
            int tx = x + (int) ((rng.nextDouble() - 0.5) * w * 0.8);
            Color c = Color.getHSBColor((float) rng.nextDouble(), 0.8f, 1f);
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.12f + 0.15f * (float) rng.nextDouble()));
            g.setColor(c);
            g.fillPolygon(new Polygon(new int[] {x - 4, x + 4, tx + spread, tx - spread},
                    new int[] {stageTop, stageTop, h, h}, 4));
        }
        // bokeh
        int spots = 30 + rng.nextInt(30);
        for (int i = 0; i < spots; i++) {
            double r = 3 + 25 * rng.nextDouble();
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.08f + 0.2f * (float) rng.nextDouble()));
            g.setColor(Color.getHSBColor((float) rng.nextDouble(), 0.6f, 1f));
            g.fill(new Ellipse2D.Double(rng.nextDouble() * w, rng.nextDouble() * h * 0.7, 2 * r, 2 * r));
        }
        // silhouetted crowd: heads and shoulders, darker and larger towards the bottom
        g.setComposite(AlphaComposite.SrcOver);
        int people = 40 + rng.nextInt(40);
        for (int i = 0; i < people; i++) {
            double depth = rng.nextDouble();
            double y = h * (0.45 + 0.55 * depth);
            double size = 20 + 70 * depth;
            double x = rng.nextDouble() * w;
            int shade = (int) (10 + 30 * (1 - depth));
            g.setColor(new Color(shade, shade, shade + 5));
            g.fill(new Ellipse2D.Double(x - size * 0.9, y + size * 0.55, size * 1.8, size * 1.4));
            g.fill(new Ellipse2D.Double(x - size * 0.35, y, size * 0.7, size * 0.85));
        }
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
