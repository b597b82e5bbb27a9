package dev.crowdemotion.vision;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.util.Arrays;

/**
 * Package-private: read-only RGB view of a {@link BufferedImage}, and an area-averaging /
 * bilinear resampler from it into float RGB buffers. Exists so that the model inputs are built
 * without Java2D per-pixel colour-model calls (which cost tens of ms per megapixel), without
 * boxing, and without copying the frame for the common types: {@code TYPE_INT_RGB},
 * {@code TYPE_INT_ARGB} (alpha ignored), {@code TYPE_3BYTE_BGR} and {@code TYPE_BYTE_GRAY}
 * (stored value used for R, G and B) are read in place, never written. Other types are converted
 * once with {@link BufferedImage#getRGB(int, int, int, int, int[], int, int)}.
 */
final class RgbPixels {
    /** Packed 0x(AA)RRGGBB pixels, or null if {@link #bytes} is used. */
    private final int[] ints;
    /** Interleaved byte samples, or null if {@link #ints} is used. */
    private final byte[] bytes;
    final int width;
    final int height;
    /** Array index of pixel (0, 0). */
    private final int offset;
    /** Array elements between vertically adjacent pixels. */
    private final int stride;
    /** Array elements between horizontally adjacent pixels. */
    private final int pixelStride;
    /** Offsets of the R, G and B samples within a pixel (bytes only). */
    private final int offR;
    private final int offG;
    private final int offB;

    private RgbPixels(int[] ints, byte[] bytes, int width, int height, int offset, int stride, int pixelStride,
                      int offR, int offG, int offB) {
        this.ints = ints;
        this.bytes = bytes;
        this.width = width;
        this.height = height;
        this.offset = offset;
        this.stride = stride;
        this.pixelStride = pixelStride;
        this.offR = offR;
        this.offG = offG;
        this.offB = offB;
    }

    static RgbPixels of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        DataBuffer db = raster.getDataBuffer();
        int tx = raster.getSampleModelTranslateX();
        int ty = raster.getSampleModelTranslateY();
        int type = image.getType();
        if ((type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB)
                && db instanceof DataBufferInt && db.getNumBanks() == 1
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel) {
            SinglePixelPackedSampleModel sm = (SinglePixelPackedSampleModel) raster.getSampleModel();
            int stride = sm.getScanlineStride();
            int off = db.getOffset() + (-ty) * stride + (-tx);
            return new RgbPixels(((DataBufferInt) db).getData(), null, w, h, off, stride, 1, 0, 0, 0);
        }
        if ((type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_BYTE_GRAY)
                && db instanceof DataBufferByte && db.getNumBanks() == 1
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel) {
            PixelInterleavedSampleModel sm = (PixelInterleavedSampleModel) raster.getSampleModel();
            int ps = sm.getPixelStride();
            int ss = sm.getScanlineStride();
            int[] bo = sm.getBandOffsets();
            int off = db.getOffset() + (-ty) * ss + (-tx) * ps;
            byte[] b = ((DataBufferByte) db).getData();
            if (type == BufferedImage.TYPE_3BYTE_BGR) {
                // bands are R, G, B (stored B, G, R: band offsets 2, 1, 0)
                return new RgbPixels(null, b, w, h, off, ss, ps, bo[0], bo[1], bo[2]);
            }
            // TYPE_BYTE_GRAY: the stored sample for R, G and B (Java2D's getRGB would apply a
            // linear-to-sRGB conversion and brighten the image)
            return new RgbPixels(null, b, w, h, off, ss, ps, bo[0], bo[0], bo[0]);
        }
        int[] out = new int[w * h];
        image.getRGB(0, 0, w, h, out, 0, w);
        return new RgbPixels(out, null, w, h, 0, w, 1, 0, 0, 0);
    }

    /**
     * Resamples the source rectangle {@code (rx, ry, rw, rh)} (pixels of this image, must lie
     * inside it) to {@code dw x dh} pixels, written as interleaved float R, G, B in 0..255 into
     * {@code out} starting at pixel {@code (ox, oy)} of an output image {@code outWidth} pixels wide.
     * Per axis: exact area averaging when shrinking, bilinear interpolation (pixel centres
     * aligned) when enlarging.
     */
    void resample(float rx, float ry, float rw, float rh, int dw, int dh,
                  float[] out, int outWidth, int ox, int oy) {
        Taps tx = Taps.of(rx, rw, dw, width);
        Taps ty = Taps.of(ry, rh, dh, height);
        float[] row = new float[dw * 3];
        for (int j = 0; j < dh; j++) {
            int dst = ((oy + j) * outWidth + ox) * 3;
            Arrays.fill(out, dst, dst + dw * 3, 0f);
            for (int t = ty.start[j], te = ty.start[j + 1]; t < te; t++) {
                float wy = ty.weight[t];
                horizontal(ty.index[t], tx, row);
                for (int i = 0; i < dw * 3; i++) {
                    out[dst + i] += wy * row[i];
                }
            }
        }
    }

    private void horizontal(int y, Taps tx, float[] row) {
        int base = offset + y * stride;
        int n = tx.start.length - 1;
        for (int i = 0; i < n; i++) {
            float r = 0;
            float g = 0;
            float b = 0;
            int te = tx.start[i + 1];
            if (ints != null) {
                for (int t = tx.start[i]; t < te; t++) {
                    int p = ints[base + tx.index[t] * pixelStride];
                    float w = tx.weight[t];
                    r += w * ((p >> 16) & 0xFF);
                    g += w * ((p >> 8) & 0xFF);
                    b += w * (p & 0xFF);
                }
            } else {
                for (int t = tx.start[i]; t < te; t++) {
                    int p = base + tx.index[t] * pixelStride;
                    float w = tx.weight[t];
                    r += w * (bytes[p + offR] & 0xFF);
                    g += w * (bytes[p + offG] & 0xFF);
                    b += w * (bytes[p + offB] & 0xFF);
                }
            }
            row[i * 3] = r;
            row[i * 3 + 1] = g;
            row[i * 3 + 2] = b;
        }
    }

    /** Filter taps of one axis: output i uses source indices index[start[i] .. start[i+1]). */
    static final class Taps {
        final int[] start;
        final int[] index;
        final float[] weight;

        private Taps(int[] start, int[] index, float[] weight) {
            this.start = start;
            this.index = index;
            this.weight = weight;
        }

        static Taps of(float from, float length, int n, int size) {
            float scale = length / n; // source pixels per output pixel
            int[] start = new int[n + 1];
            int cap = scale > 1 ? n * ((int) Math.ceil(scale) + 2) : n * 2;
            int[] index = new int[cap];
            float[] weight = new float[cap];
            int k = 0;
            for (int i = 0; i < n; i++) {
                start[i] = k;
                if (scale > 1) {
                    float s0 = from + i * scale;
                    float s1 = s0 + scale;
                    int first = (int) Math.floor(s0);
                    int last = (int) Math.ceil(s1) - 1;
                    float total = 0;
                    int k0 = k;
                    for (int p = first; p <= last; p++) {
                        float cover = Math.min(s1, p + 1) - Math.max(s0, p);
                        if (cover <= 0) {
                            continue;
                        }
                        index[k] = clamp(p, size);
                        weight[k] = cover;
                        total += cover;
                        k++;
                    }
                    for (int t = k0; t < k; t++) {
                        weight[t] /= total;
                    }
                } else {
                    float c = from + (i + 0.5f) * scale - 0.5f;
                    int p0 = (int) Math.floor(c);
                    float f = c - p0;
                    index[k] = clamp(p0, size);
                    weight[k++] = 1 - f;
                    index[k] = clamp(p0 + 1, size);
                    weight[k++] = f;
                }
            }
            start[n] = k;
            return new Taps(start, index, weight);
        }

        private static int clamp(int p, int size) {
            return p < 0 ? 0 : (p >= size ? size - 1 : p);
        }
    }
}
