package dev.crowdemotion.vision;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Image decoding, cropping, scaling and JPEG encoding with the JDK's ImageIO and Java2D. All
 * coordinates and sizes are in pixels, origin top-left. Stateless and thread-safe; no method
 * touches the disk (ImageIO's file cache is bypassed) or global ImageIO settings.
 */
public final class Images {
    /**
     * Largest image {@link #decode} accepts, in pixels (width x height): 50 megapixels, far above
     * any camera frame, so that a hostile header cannot make the decoder allocate gigabytes.
     */
    public static final long MAX_PIXELS = 50_000_000L;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private Images() {}

    /**
     * Decodes JPEG or PNG bytes to a {@code TYPE_3BYTE_BGR} image (grey and palette images are
     * expanded to RGB, alpha is composited onto white, 16-bit samples are reduced to 8 bits).
     *
     * <p>The format is recognised from the leading magic bytes ({@code FF D8 FF} for JPEG, the
     * 8-byte PNG signature), not trusted from metadata. Because ImageIO silently returns a
     * partly grey image for a JPEG cut short, completeness is checked first: a JPEG must contain
     * an end-of-image marker {@code FF D9} after its first start-of-scan segment (in entropy-coded
     * data an {@code FF} byte is always followed by {@code 00} or a restart marker, so this pair
     * cannot occur by chance) and decoding must not report a premature end of data; a PNG's chunk
     * chain must be intact up to its {@code IEND} chunk. Bytes after the end marker are ignored.
     *
     * @throws ImageDecodeException if the bytes are null or empty, another format (GIF, BMP,
     *     WebP, ...), truncated, corrupt, larger than {@link #MAX_PIXELS}, or a JPEG colour model
     *     ImageIO cannot read (CMYK); the message says which
     */
    public static BufferedImage decode(byte[] bytes) throws ImageDecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException("empty image: no bytes");
        }
        String format;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            format = "jpeg";
            checkJpegComplete(bytes);
        } else if (startsWith(bytes, PNG_SIGNATURE)) {
            format = "png";
            checkPngComplete(bytes);
        } else {
            throw new ImageDecodeException("not a JPEG or PNG image: " + bytes.length + " bytes starting with "
                    + hex(bytes, 8));
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new ImageDecodeException("no ImageIO reader for " + format);
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        BufferedImage image;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            if (w < 1 || h < 1 || (long) w * h > MAX_PIXELS) {
                throw new ImageDecodeException(format + " image of " + w + "x" + h
                        + " pixels is empty or larger than " + MAX_PIXELS + " pixels");
            }
            image = reader.read(0);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // IIOException for corrupt data, and ImageIO's plug-ins also throw
            // IllegalArgumentException / IndexOutOfBounds / etc. on malformed input.
            throw new ImageDecodeException("corrupt " + format + " image (" + bytes.length + " bytes): " + e, e);
        } finally {
            reader.dispose();
        }
        for (String w : warnings) {
            String lw = w.toLowerCase(Locale.ROOT);
            if (lw.contains("premature end") || lw.contains("truncat")) {
                throw new ImageDecodeException("truncated " + format + " image (" + bytes.length + " bytes): " + w);
            }
        }
        if (image == null) {
            throw new ImageDecodeException("ImageIO returned no " + format + " image");
        }
        return toRgb(image);
    }

    /**
     * Returns {@code image} itself if it is {@code TYPE_3BYTE_BGR}, otherwise a
     * {@code TYPE_3BYTE_BGR} copy (grey expanded to R = G = B = stored value, alpha composited
     * onto white).
     */
    public static BufferedImage toRgb(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            // Java2D treats TYPE_BYTE_GRAY as linear grey and would brighten it on conversion;
            // the stored values are what the camera encoded, so copy them as they are.
            byte[] dst = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
            Raster src = image.getRaster();
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                src.getSamples(0, y, w, 1, 0, row);
                int o = y * w * 3;
                for (int x = 0; x < w; x++) {
                    byte g = (byte) row[x];
                    dst[o++] = g;
                    dst[o++] = g;
                    dst[o++] = g;
                }
            }
            return out;
        }
        Graphics2D g = out.createGraphics();
        try {
            if (image.getColorModel().hasAlpha()) {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, w, h);
            }
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Crops {@code box} grown by {@code margin} (fraction of the box size added on every side, e.g.
     * 0.25), clamped to the image. Returns a new image (not a view sharing the raster).
     *
     * <p>The grown box is rounded outwards to whole pixels: x from {@code floor(box.x - margin *
     * box.width)} to {@code ceil(box.x + box.width + margin * box.width)}, likewise for y, then
     * clamped to {@code [0, width] x [0, height]}. The result has the same colour model (so
     * the same type) as {@code image}.
     *
     * @throws IllegalArgumentException if {@code margin} is negative or not finite, or the grown
     *     box does not overlap the image by at least one pixel
     */
    public static BufferedImage crop(BufferedImage image, FaceBox box, float margin) {
        Objects.requireNonNull(image, "image");
        float[] r = cropRegion(image.getWidth(), image.getHeight(), box, margin);
        int x = (int) r[0];
        int y = (int) r[1];
        int w = (int) r[2];
        int h = (int) r[3];
        BufferedImage sub = image.getSubimage(x, y, w, h);
        ColorModel cm = image.getColorModel();
        // same sample model (band order) as the source, so that e.g. TYPE_3BYTE_BGR stays that type
        WritableRaster raster = image.getRaster().createCompatibleWritableRaster(w, h);
        sub.copyData(raster);
        return new BufferedImage(cm, raster, cm.isAlphaPremultiplied(), null);
    }

    /**
     * The crop rectangle of {@link #crop} as {@code {x, y, width, height}}, whole pixels (as floats).
     */
    static float[] cropRegion(int imageWidth, int imageHeight, FaceBox box, float margin) {
        Objects.requireNonNull(box, "box");
        if (!(margin >= 0) || Float.isInfinite(margin)) {
            throw new IllegalArgumentException("margin must be a finite fraction >= 0, got " + margin);
        }
        double mx = (double) margin * box.width();
        double my = (double) margin * box.height();
        int x0 = (int) Math.max(0, Math.floor(box.x() - mx));
        int y0 = (int) Math.max(0, Math.floor(box.y() - my));
        int x1 = (int) Math.min(imageWidth, Math.ceil((double) box.x() + box.width() + mx));
        int y1 = (int) Math.min(imageHeight, Math.ceil((double) box.y() + box.height() + my));
        if (x1 - x0 < 1 || y1 - y0 < 1) {
            throw new IllegalArgumentException(box + " grown by " + margin + " does not overlap the "
                    + imageWidth + "x" + imageHeight + " image");
        }
        return new float[] {x0, y0, x1 - x0, y1 - y0};
    }

    /**
     * Enlarges {@code image} so that its shorter side is {@code minSide} pixels, keeping the aspect
     * ratio (the longer side is rounded to whole pixels), with bicubic interpolation. Images whose
     * shorter side is already at least {@code minSide} are returned as they are (same instance).
     * Use it before sending small face crops to Amazon Rekognition, which rejects images under
     * 80 px in either dimension.
     *
     * @return {@code image} itself, or a new {@code TYPE_3BYTE_BGR} image ({@code TYPE_INT_ARGB}
     *     if {@code image} has alpha)
     * @throws IllegalArgumentException if {@code minSide < 1}
     */
    public static BufferedImage scaleToMinSide(BufferedImage image, int minSide) {
        Objects.requireNonNull(image, "image");
        if (minSide < 1) {
            throw new IllegalArgumentException("minSide must be >= 1, got " + minSide);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        if (Math.min(w, h) >= minSide) {
            return image;
        }
        int nw;
        int nh;
        if (w <= h) {
            nw = minSide;
            nh = Math.max(minSide, (int) Math.round((double) h * minSide / w));
        } else {
            nh = minSide;
            nw = Math.max(minSide, (int) Math.round((double) w * minSide / h));
        }
        boolean alpha = image.getColorModel().hasAlpha();
        BufferedImage src = alpha ? image : toRgb(image);
        return draw(src, nw, nh, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_3BYTE_BGR,
                RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    }

    /**
     * Resizes to exactly {@code width x height} pixels with bilinear interpolation, as a new
     * {@code TYPE_3BYTE_BGR} image (alpha is dropped).
     */
    public static BufferedImage resize(BufferedImage image, int width, int height) {
        return draw(image, width, height, BufferedImage.TYPE_3BYTE_BGR, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    }

    /** Draws {@code src} scaled to {@code width x height} into a new image of {@code type}. */
    private static BufferedImage draw(BufferedImage src, int width, int height, int type, Object interpolation) {
        BufferedImage out = new BufferedImage(width, height, type);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Encodes as baseline (non-progressive) JPEG at {@code quality} in (0, 1], set explicitly on
     * the ImageIO JPEG writer (1 = best; ImageIO's default would be 0.75). Images with alpha are
     * composited onto white first (JPEG has no alpha); grey images stay grey.
     *
     * @throws IllegalArgumentException if {@code quality} is not in (0, 1]
     */
    public static byte[] encodeJpeg(BufferedImage image, float quality) {
        Objects.requireNonNull(image, "image");
        if (!(quality > 0 && quality <= 1)) {
            throw new IllegalArgumentException("quality must be in (0, 1], got " + quality);
        }
        int type = image.getType();
        BufferedImage src = (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_INT_RGB
                || type == BufferedImage.TYPE_BYTE_GRAY) ? image : toRgb(image);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no ImageIO JPEG writer");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, src.getWidth() * src.getHeight() / 4));
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            p.setProgressiveMode(ImageWriteParam.MODE_DISABLED);
            writer.setOutput(out);
            writer.write(null, new IIOImage(src, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    // ---------------------------------------------------------------------------------------

    private static void checkJpegComplete(byte[] b) throws ImageDecodeException {
        int n = b.length;
        int i = 2; // after SOI
        int sos = -1;
        while (i < n) {
            if ((b[i] & 0xFF) != 0xFF) {
                throw new ImageDecodeException("corrupt JPEG: expected a marker at offset " + i + " of " + n);
            }
            while (i < n && (b[i] & 0xFF) == 0xFF) {
                i++; // marker and fill bytes
            }
            if (i >= n) {
                break;
            }
            int m = b[i++] & 0xFF;
            if (m == 0xDA) {
                sos = i;
                break;
            }
            if (m == 0xD9) {
                throw new ImageDecodeException("corrupt JPEG: end-of-image marker before any image data");
            }
            if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
                continue; // markers without a length
            }
            if (i + 2 > n) {
                break;
            }
            int len = ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
            if (len < 2) {
                throw new ImageDecodeException("corrupt JPEG: segment length " + len + " at offset " + i);
            }
            i += len;
        }
        if (sos < 0) {
            throw new ImageDecodeException("truncated JPEG (" + n + " bytes): ends before the image data");
        }
        for (int k = n - 2; k >= sos; k--) {
            if ((b[k] & 0xFF) == 0xFF && (b[k + 1] & 0xFF) == 0xD9) {
                return;
            }
        }
        throw new ImageDecodeException("truncated JPEG (" + n + " bytes): no end-of-image marker FF D9");
    }

    private static void checkPngComplete(byte[] b) throws ImageDecodeException {
        long i = PNG_SIGNATURE.length;
        int n = b.length;
        while (i + 8 <= n) {
            int p = (int) i;
            long len = ((long) (b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
            String type = new String(b, p + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long end = i + 12 + len; // length, type, data, CRC
            if (len > Integer.MAX_VALUE || end > n) {
                throw new ImageDecodeException("truncated PNG (" + n + " bytes): chunk " + printable(type)
                        + " at offset " + i + " needs " + (12 + len) + " bytes");
            }
            if ("IEND".equals(type)) {
                return;
            }
            i = end;
        }
        throw new ImageDecodeException("truncated PNG (" + n + " bytes): no IEND chunk");
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hex(byte[] b, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, max); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format(Locale.ROOT, "%02X", b[i] & 0xFF));
        }
        return sb.toString();
    }
}
