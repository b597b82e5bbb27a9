package dev.crowdemotion.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImagesTest {

    private static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).as(format).isTrue();
        return out.toByteArray();
    }

    private static double meanAbsDiff(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) {
                    sum += Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    @Test
    void decodesJpegAndPngToThreeByteBgr() throws Exception {
        BufferedImage jpg = Images.decode(TestData.bytes("images/grace_hopper_512x512.jpg")); // progressive JPEG
        assertThat(jpg.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        assertThat(jpg.getWidth()).isEqualTo(512);
        BufferedImage png = Images.decode(TestData.bytes("images/chelsea.png"));
        assertThat(png.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        assertThat(png.getWidth()).isEqualTo(451);
        assertThat(png.getHeight()).isEqualTo(300);
    }

    @Test
    void greyPngKeepsItsValues() throws Exception {
        byte[] bytes = TestData.bytes("images/camera.png");
        BufferedImage raw = ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        assertThat(raw.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage rgb = Images.decode(bytes);
        assertThat(rgb.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        for (int[] p : new int[][] {{0, 0}, {100, 200}, {300, 50}, {511, 511}}) {
            int g = raw.getRaster().getSample(p[0], p[1], 0);
            assertThat(rgb.getRGB(p[0], p[1]) & 0xFFFFFF).isEqualTo((g << 16) | (g << 8) | g);
        }
    }

    @Test
    void pngWithAlphaIsCompositedOntoWhite() throws Exception {
        BufferedImage argb = new BufferedImage(4, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00000000); // fully transparent
        argb.setRGB(1, 0, 0xFFFF0000); // opaque red
        BufferedImage out = Images.decode(encode(argb, "png"));
        assertThat(out.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(out.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
    }

    @Test
    void rejectsEmptyGarbageAndOtherFormats() throws Exception {
        assertThatThrownBy(() -> Images.decode(null)).isInstanceOf(ImageDecodeException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Images.decode(new byte[0])).isInstanceOf(ImageDecodeException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Images.decode("hello, not an image".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isInstanceOf(ImageDecodeException.class).hasMessageContaining("not a JPEG or PNG");
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (String format : new String[] {"gif", "bmp"}) {
            byte[] other = encode(img, format);
            assertThat(ImageIO.read(new java.io.ByteArrayInputStream(other))).isNotNull();
            assertThatThrownBy(() -> Images.decode(other)).as(format)
                    .isInstanceOf(ImageDecodeException.class).hasMessageContaining("not a JPEG or PNG");
        }
        // right magic bytes, garbage after them
        byte[] fakeJpeg = new byte[200];
        fakeJpeg[0] = (byte) 0xFF;
        fakeJpeg[1] = (byte) 0xD8;
        fakeJpeg[2] = (byte) 0xFF;
        Arrays.fill(fakeJpeg, 3, 200, (byte) 0x41);
        assertThatThrownBy(() -> Images.decode(fakeJpeg)).isInstanceOf(ImageDecodeException.class);
        // a PNG with an intact chunk chain but garbage inside its compressed image data
        byte[] corruptPng = TestData.bytes("images/chelsea.png");
        int idat = indexOf(corruptPng, new byte[] {'I', 'D', 'A', 'T'});
        int len = ((corruptPng[idat - 4] & 0xFF) << 24) | ((corruptPng[idat - 3] & 0xFF) << 16)
                | ((corruptPng[idat - 2] & 0xFF) << 8) | (corruptPng[idat - 1] & 0xFF);
        assertThat(len).isGreaterThan(1000);
        for (int i = idat + 4 + 2; i < idat + 4 + len; i++) {
            corruptPng[i] ^= 0x5A;
        }
        assertThatThrownBy(() -> Images.decode(corruptPng)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("corrupt png");
    }

    @Test
    void rejectsTruncatedJpegs() throws Exception {
        for (String f : new String[] {"images/rocket.jpg", "images/grace_hopper_512x512.jpg", "faces-voc/2008_002470.jpg"}) {
            byte[] full = TestData.bytes(f);
            assertThat(Images.decode(full)).isNotNull();
            // ImageIO itself returns an image (grey-filled) for a JPEG cut in half
            byte[] half = Arrays.copyOf(full, full.length / 2);
            for (byte[] cut : new byte[][] {half, Arrays.copyOf(full, full.length - 2), Arrays.copyOf(full, 300),
                Arrays.copyOf(full, 3)}) {
                assertThatThrownBy(() -> Images.decode(cut)).as("%s cut to %d bytes", f, cut.length)
                        .isInstanceOf(ImageDecodeException.class).hasMessageContaining("truncated");
            }
        }
        // bytes after the end-of-image marker are tolerated (some cameras append metadata)
        byte[] full = TestData.bytes("images/rocket.jpg");
        byte[] trailing = Arrays.copyOf(full, full.length + 10);
        assertThat(Images.decode(trailing).getWidth()).isEqualTo(640);
    }

    @Test
    void rejectsTruncatedPngs() {
        byte[] full = TestData.bytes("images/coffee.png");
        for (int len : new int[] {full.length - 12, full.length / 2, 40, 8}) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> Images.decode(cut)).as("cut to %d bytes", len)
                    .isInstanceOf(ImageDecodeException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void cropGrowsByTheMarginAndClampsToTheImage() {
        BufferedImage img = new BufferedImage(100, 80, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage c = Images.crop(img, new FaceBox(40, 30, 20, 10, 1), 0.25f);
        assertThat(c.getWidth()).isEqualTo(30); // 35..65
        assertThat(c.getHeight()).isEqualTo(16); // 27.5..42.5 rounded outwards to 27..43
        BufferedImage corner = Images.crop(img, new FaceBox(-10, -5, 30, 30, 1), 0.5f);
        assertThat(corner.getWidth()).isEqualTo(35); // -25..35 clamped to 0..35
        assertThat(corner.getHeight()).isEqualTo(40); // -20..40 clamped to 0..40
        BufferedImage whole = Images.crop(img, new FaceBox(0, 0, 100, 80, 1), 1f);
        assertThat(whole.getWidth()).isEqualTo(100);
        assertThat(whole.getHeight()).isEqualTo(80);
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_BYTE_GRAY,
            BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_INDEXED}) {
            BufferedImage src = new BufferedImage(50, 40, type);
            assertThat(Images.crop(src, new FaceBox(10, 10, 20, 20, 1), 0.1f).getType()).as("type %d", type).isEqualTo(type);
        }
        assertThatThrownBy(() -> Images.crop(img, new FaceBox(200, 200, 10, 10, 1), 0.1f))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Images.crop(img, new FaceBox(10, 10, 10, 10, 1), -0.1f))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cropCopiesThePixels() {
        BufferedImage img = TestData.image("images/astronaut.png");
        FaceBox box = new FaceBox(172, 74, 104, 104, 1);
        BufferedImage c = Images.crop(img, box, 0.25f);
        assertThat(c.getType()).isEqualTo(img.getType());
        int x0 = (int) Math.floor(172 - 26f);
        int y0 = (int) Math.floor(74 - 26f);
        assertThat(c.getRGB(10, 20)).isEqualTo(img.getRGB(x0 + 10, y0 + 20));
        int before = img.getRGB(x0 + 10, y0 + 20);
        Graphics2D g = c.createGraphics();
        g.setColor(Color.MAGENTA);
        g.fillRect(0, 0, c.getWidth(), c.getHeight());
        g.dispose();
        assertThat(img.getRGB(x0 + 10, y0 + 20)).isEqualTo(before); // independent raster
    }

    @Test
    void jpegRoundTripAndQuality() throws Exception {
        BufferedImage img = TestData.image("images/astronaut.png");
        byte[] hi = Images.encodeJpeg(img, 0.95f);
        byte[] lo = Images.encodeJpeg(img, 0.3f);
        assertThat(hi[0] & 0xFF).isEqualTo(0xFF);
        assertThat(hi[1] & 0xFF).isEqualTo(0xD8);
        assertThat(lo.length).isLessThan(hi.length);
        BufferedImage back = Images.decode(hi);
        assertThat(back.getWidth()).isEqualTo(512);
        assertThat(back.getHeight()).isEqualTo(512);
        assertThat(meanAbsDiff(img, back)).isLessThan(3.0);
        assertThat(meanAbsDiff(img, Images.decode(lo))).isGreaterThan(meanAbsDiff(img, back));
        // baseline, not progressive: SOF0 (FF C0) present, SOF2 (FF C2) absent
        assertThat(indexOf(hi, (byte) 0xFF, (byte) 0xC0)).isPositive();
        assertThat(indexOf(hi, (byte) 0xFF, (byte) 0xC2)).isNegative();
        // images with alpha encode too (alpha dropped onto white)
        BufferedImage argb = new BufferedImage(20, 20, BufferedImage.TYPE_INT_ARGB);
        assertThat(Images.decode(Images.encodeJpeg(argb, 0.9f)).getRGB(5, 5) & 0xFFFFFF).isGreaterThan(0xF0F0F0);
        assertThatThrownBy(() -> Images.encodeJpeg(img, 0f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Images.encodeJpeg(img, 1.1f)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int indexOf(byte[] b, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= b.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int indexOf(byte[] b, byte x, byte y) {
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == x && b[i + 1] == y) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void scaleToMinSideUpscalesSmallCropsOnly() {
        BufferedImage small = new BufferedImage(40, 60, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage s = Images.scaleToMinSide(small, 96);
        assertThat(s.getWidth()).isEqualTo(96);
        assertThat(s.getHeight()).isEqualTo(144);
        BufferedImage wide = Images.scaleToMinSide(new BufferedImage(90, 30, BufferedImage.TYPE_BYTE_GRAY), 80);
        assertThat(wide.getHeight()).isEqualTo(80);
        assertThat(wide.getWidth()).isEqualTo(240);
        assertThat(wide.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage big = new BufferedImage(100, 120, BufferedImage.TYPE_3BYTE_BGR);
        assertThat(Images.scaleToMinSide(big, 96)).isSameAs(big);
        // content is scaled, not just padded: a half-red half-blue crop stays so
        BufferedImage two = new BufferedImage(20, 20, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = two.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 10, 20);
        g.setColor(Color.BLUE);
        g.fillRect(10, 0, 10, 20);
        g.dispose();
        BufferedImage up = Images.scaleToMinSide(two, 100);
        assertThat(up.getRGB(10, 50) & 0xFFFFFF).isEqualTo(0xFF0000);
        assertThat(up.getRGB(90, 50) & 0xFFFFFF).isEqualTo(0x0000FF);
        assertThatThrownBy(() -> Images.scaleToMinSide(two, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
