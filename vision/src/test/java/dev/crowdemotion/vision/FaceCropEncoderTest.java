package dev.crowdemotion.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** {@link FaceCropEncoder} on a real photo, with fixed boxes (no detector needed). */
class FaceCropEncoderTest {
    private static final BufferedImage GRACE = TestData.image("images/grace_hopper_512x512.jpg");
    /** The job's defaults ({@code ConfigKeys} Detection group): margin 0.25, min side 96 px, quality 0.9. */
    private static final FaceCropEncoder DEFAULTS = new FaceCropEncoder(0.25f, 96, 0.9f);

    @Test
    void cropIsTheBoxGrownByTheMarginRoundedOutwards() throws Exception {
        // about where Grace Hopper's face is, with fractional coordinates as BlazeFace returns them
        FaceBox box = new FaceBox(170.3f, 120.6f, 140.2f, 160.7f, 0.93f);
        byte[] jpeg = DEFAULTS.encode(GRACE, box);
        assertThat(jpeg).startsWith((byte) 0xFF, (byte) 0xD8, (byte) 0xFF);
        BufferedImage crop = Images.decode(jpeg);
        // x: floor(170.3 - 35.05) = 135 .. ceil(170.3 + 140.2 + 35.05) = 346; y: 80 .. ceil(321.475) = 322
        assertThat(crop.getWidth()).isEqualTo(346 - 135);
        assertThat(crop.getHeight()).isEqualTo(322 - 80);
        assertThat(crop.getWidth()).isEqualTo(expectedSide(box.x(), box.width(), 0.25f, 512));
        assertThat(crop.getHeight()).isEqualTo(expectedSide(box.y(), box.height(), 0.25f, 512));

        // no margin: exactly the box rounded outwards
        BufferedImage bare = Images.decode(new FaceCropEncoder(0, 96, 0.9f).encode(GRACE, box));
        assertThat(bare.getWidth()).isEqualTo(311 - 170);
        assertThat(bare.getHeight()).isEqualTo(282 - 120);

        // clamped at the frame's edge
        FaceBox corner = new FaceBox(-20.5f, 430.25f, 120f, 100f, 0.7f);
        BufferedImage clamped = Images.decode(DEFAULTS.encode(GRACE, corner));
        assertThat(clamped.getWidth()).isEqualTo(expectedSide(corner.x(), corner.width(), 0.25f, 512)).isEqualTo(130);
        assertThat(clamped.getHeight()).isEqualTo(512 - 405);
    }

    @Test
    void smallCropsAreEnlargedToTheMinimumSide() throws Exception {
        FaceBox small = new FaceBox(200.4f, 150.7f, 30.2f, 41.9f, 0.8f);
        int w = expectedSide(small.x(), small.width(), 0.25f, 512);   // 47
        int h = expectedSide(small.y(), small.height(), 0.25f, 512);  // 64
        assertThat(Math.min(w, h)).isLessThan(96);
        BufferedImage crop = Images.decode(DEFAULTS.encode(GRACE, small));
        assertThat(crop.getWidth()).isEqualTo(96);
        assertThat(crop.getHeight()).isEqualTo((int) Math.round((double) h * 96 / w));
        // a larger minimum side, the other way round (wide box)
        FaceBox wide = new FaceBox(100f, 100f, 60f, 20f, 0.8f);
        BufferedImage wideCrop = Images.decode(new FaceCropEncoder(0.25f, 120, 0.9f).encode(GRACE, wide));
        assertThat(wideCrop.getHeight()).isEqualTo(120);
        assertThat(wideCrop.getWidth()).isEqualTo((int) Math.round(90.0 * 120 / 30));
    }

    @Test
    void sameInputGivesTheSameBytes() {
        FaceBox box = new FaceBox(170.3f, 120.6f, 140.2f, 160.7f, 0.93f);
        byte[] a = DEFAULTS.encode(GRACE, box);
        byte[] b = new FaceCropEncoder(0.25f, 96, 0.9f).encode(TestData.image("images/grace_hopper_512x512.jpg"), box);
        assertThat(b).isEqualTo(a);
        FaceBox small = new FaceBox(200.4f, 150.7f, 30.2f, 41.9f, 0.8f);
        assertThat(DEFAULTS.encode(GRACE, small)).isEqualTo(DEFAULTS.encode(GRACE, small));
        // the settings matter
        assertThat(new FaceCropEncoder(0.25f, 96, 0.5f).encode(GRACE, box)).isNotEqualTo(a);
        assertThat(new FaceCropEncoder(0.3f, 96, 0.9f).encode(GRACE, box)).isNotEqualTo(a);
        assertThat(DEFAULTS.margin()).isEqualTo(0.25f);
        assertThat(DEFAULTS.minSidePx()).isEqualTo(96);
        assertThat(DEFAULTS.jpegQuality()).isEqualTo(0.9f);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new FaceCropEncoder(-0.1f, 96, 0.9f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("margin");
        assertThatThrownBy(() -> new FaceCropEncoder(Float.NaN, 96, 0.9f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FaceCropEncoder(Float.POSITIVE_INFINITY, 96, 0.9f))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FaceCropEncoder(0.25f, 0, 0.9f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minSidePx");
        assertThatThrownBy(() -> new FaceCropEncoder(0.25f, 96, 0f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jpegQuality");
        assertThatThrownBy(() -> new FaceCropEncoder(0.25f, 96, 1.01f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FaceCropEncoder(0.25f, 96, Float.NaN)).isInstanceOf(IllegalArgumentException.class);
        // a box that does not overlap the frame, even with its margin
        assertThatThrownBy(() -> DEFAULTS.encode(GRACE, new FaceBox(600f, 10f, 50f, 50f, 0.9f)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not overlap");
        assertThatThrownBy(() -> DEFAULTS.encode(GRACE, new FaceBox(-100f, 10f, 50f, 50f, 0.9f)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEFAULTS.encode(GRACE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DEFAULTS.encode(null, new FaceBox(1, 1, 5, 5, 1))).isInstanceOf(NullPointerException.class);
    }

    /** Side of the grown box along one axis, rounded outwards and clamped to {@code [0, limit]}. */
    private static int expectedSide(float start, float size, float margin, int limit) {
        double m = (double) margin * size;
        int lo = (int) Math.max(0, Math.floor(start - m));
        int hi = (int) Math.min(limit, Math.ceil((double) start + size + m));
        return hi - lo;
    }
}
