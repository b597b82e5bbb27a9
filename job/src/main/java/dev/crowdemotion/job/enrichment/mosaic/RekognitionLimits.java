package dev.crowdemotion.job.enrichment.mosaic;

/**
 * The fixed limits of Amazon Rekognition {@code DetectFaces} that a {@link Mosaic} must respect,
 * with their sources. They are set quotas ("cannot be changed"), not the adjustable TPS quotas.
 *
 * <p>Sources:
 * <ul>
 *   <li>[limits] Amazon Rekognition Developer Guide, "Guidelines and quotas in Amazon
 *       Rekognition", section "Set quotas", <i>Amazon Rekognition Image</i>:
 *       https://docs.aws.amazon.com/rekognition/latest/dg/limits.html</li>
 *   <li>[api] Amazon Rekognition API Reference, "DetectFaces":
 *       https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DetectFaces.html</li>
 * </ul>
 */
public final class RekognitionLimits {
    private RekognitionLimits() {}

    /**
     * Largest image passed as raw bytes in the request ({@code Image.Bytes}), in bytes: [limits]
     * says "5 MB" for the raw (not base64) bytes. Taken as 5,000,000 bytes, the smaller reading
     * of "MB", so that the limit holds whether the service means 10^6 or 2^20 bytes per MB (the
     * local stand-in enforces 5 x 2^20).
     */
    public static final int MAX_IMAGE_BYTES = 5_000_000;

    /** Smallest image width and height, in pixels: [limits] "minimum image dimensions is 80 pixels for both height and width". */
    public static final int MIN_IMAGE_SIDE_PX = 80;

    /** Most faces one DetectFaces call returns: [api] "DetectFaces detects the 100 largest faces in the image". */
    public static final int MAX_FACES_PER_IMAGE = 100;

    /**
     * Smallest detectable face side, in pixels, in an image of at most
     * {@value #REFERENCE_WIDTH_PX} x {@value #REFERENCE_HEIGHT_PX} px: [limits] "a face must be no
     * smaller than 40x40 pixels in an image with 1920X1080 pixels" (about 2 % of the width, 3.7 %
     * of the height).
     */
    public static final int MIN_FACE_SIDE_PX = 40;
    /** Width of the reference image of {@link #MIN_FACE_SIDE_PX}, pixels. */
    public static final int REFERENCE_WIDTH_PX = 1920;
    /** Height of the reference image of {@link #MIN_FACE_SIDE_PX}, pixels. */
    public static final int REFERENCE_HEIGHT_PX = 1080;

    /**
     * Smallest detectable face side in pixels in an image of {@code width x height} pixels:
     * {@link #MIN_FACE_SIDE_PX} up to 1920 x 1080, and "proportionally" larger beyond ([limits]:
     * "Images with dimensions higher than 1920X1080 pixels will need a larger minimum face size
     * proportionally"). The guide does not say which dimension scales, so this takes the larger
     * of the two ratios, {@code 40 * max(1, width / 1920, height / 1080)} (conservative: a square
     * 1,500 px mosaic needs 56 px faces).
     */
    public static double minFaceSidePx(int width, int height) {
        double ratio = Math.max(1.0, Math.max((double) width / REFERENCE_WIDTH_PX, (double) height / REFERENCE_HEIGHT_PX));
        return MIN_FACE_SIDE_PX * ratio;
    }
}
