package dev.crowdemotion.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RgbPixelsTest {

    private static BufferedImage random(int w, int h, int type, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = rnd.nextInt(0x1000000);
                if (type == BufferedImage.TYPE_BYTE_GRAY) {
                    int g = v & 0xFF;
                    img.getRaster().setSample(x, y, 0, g);
                } else {
                    img.setRGB(x, y, 0xFF000000 | v);
                }
            }
        }
        return img;
    }

    private static BufferedImage copy(BufferedImage src, int type) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), type);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                out.setRGB(x, y, src.getRGB(x, y));
            }
        }
        return out;
    }

    /** Area average computed pixel by pixel in double precision. */
    private static float[] naiveArea(BufferedImage img, double rx, double ry, double rw, double rh, int dw, int dh) {
        float[] out = new float[dw * dh * 3];
        double sx = rw / dw;
        double sy = rh / dh;
        for (int j = 0; j < dh; j++) {
            for (int i = 0; i < dw; i++) {
                double x0 = rx + i * sx;
                double y0 = ry + j * sy;
                double[] acc = new double[3];
                for (int y = (int) Math.floor(y0); y < Math.ceil(y0 + sy); y++) {
                    double cy = Math.min(y0 + sy, y + 1) - Math.max(y0, y);
                    for (int x = (int) Math.floor(x0); x < Math.ceil(x0 + sx); x++) {
                        double cx = Math.min(x0 + sx, x + 1) - Math.max(x0, x);
                        if (cx <= 0 || cy <= 0) {
                            continue;
                        }
                        int p = img.getRGB(x, y);
                        acc[0] += cx * cy * ((p >> 16) & 0xFF);
                        acc[1] += cx * cy * ((p >> 8) & 0xFF);
                        acc[2] += cx * cy * (p & 0xFF);
                    }
                }
                for (int c = 0; c < 3; c++) {
                    out[(j * dw + i) * 3 + c] = (float) (acc[c] / (sx * sy));
                }
            }
        }
        return out;
    }

    @Test
    void areaAveragingMatchesANaiveImplementationForEveryImageLayout() {
        BufferedImage ref = random(97, 61, BufferedImage.TYPE_INT_RGB, 1);
        float[] expected = naiveArea(ref, 3.5, 2.25, 80.5, 51.75, 23, 17);
        BufferedImage padded = new BufferedImage(120, 90, BufferedImage.TYPE_3BYTE_BGR);
        padded.createGraphics().drawImage(ref, 11, 7, null);
        BufferedImage[] layouts = {
            ref,
            copy(ref, BufferedImage.TYPE_INT_ARGB),
            copy(ref, BufferedImage.TYPE_3BYTE_BGR),
            copy(ref, BufferedImage.TYPE_4BYTE_ABGR), // getRGB fallback
            padded.getSubimage(11, 7, 97, 61), // sub-image view: offsets into a larger raster
        };
        for (BufferedImage img : layouts) {
            float[] out = new float[23 * 17 * 3];
            RgbPixels.of(img).resample(3.5f, 2.25f, 80.5f, 51.75f, 23, 17, out, 23, 0, 0);
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).as("type %d, sample %d", img.getType(), i).isCloseTo(expected[i], offset(0.01f));
            }
        }
    }

    @Test
    void greyImagesUseTheStoredValue() {
        BufferedImage grey = random(40, 30, BufferedImage.TYPE_BYTE_GRAY, 2);
        float[] out = new float[40 * 30 * 3];
        RgbPixels.of(grey).resample(0, 0, 40, 30, 40, 30, out, 40, 0, 0);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                int g = grey.getRaster().getSample(x, y, 0);
                for (int c = 0; c < 3; c++) {
                    assertThat(out[(y * 40 + x) * 3 + c]).isCloseTo(g, offset(1e-3f));
                }
            }
        }
    }

    @Test
    void enlargingInterpolatesLinearlyAndWritesAtTheOffset() {
        // horizontal ramp: red = 10 * x; bilinear enlargement of a linear ramp stays linear
        BufferedImage ramp = new BufferedImage(10, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 10; x++) {
                ramp.setRGB(x, y, (10 * x) << 16);
            }
        }
        int ow = 50;
        float[] out = new float[ow * 20 * 3];
        RgbPixels.of(ramp).resample(0, 0, 10, 4, 40, 16, out, ow, 5, 2);
        for (int i = 4; i < 36; i++) { // away from the clamped borders
            float srcX = (i + 0.5f) * 10 / 40f - 0.5f;
            assertThat(out[((2 + 8) * ow + 5 + i) * 3]).isCloseTo(10 * srcX, offset(1e-3f));
        }
        assertThat(out[0]).isZero(); // outside the written rectangle
        assertThat(out[(2 * ow + 4) * 3]).isZero();
    }
}
