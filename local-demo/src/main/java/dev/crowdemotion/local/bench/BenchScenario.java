package dev.crowdemotion.local.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One benchmark scenario: enrichment mode, offered load as a multiple of what the quota can
 * serve, and the stand-in's quota.
 *
 * <p>Spec syntax: {@code <mode>-<multiplier>x[@<quota>]}, e.g. {@code single-10x} or
 * {@code mosaic-3x@5}; the mode is {@code single} ({@code mosaic.max.faces = 1}: one DetectFaces
 * image per face) or {@code mosaic} ({@code mosaic.max.faces = K}); the quota defaults to
 * {@code --quota}. "What the quota can serve" is {@code quota} faces/s in single mode and
 * {@code quota * K} faces/s in mosaic mode (every call a full mosaic of K faces), so
 * {@code mosaic-1x@5} with K = 16 offers 80 faces/s.
 *
 * @param name the spec as given
 * @param mosaic whether faces are batched into mosaics
 * @param multiplier offered load / servable load
 * @param quotaTps the stand-in's DetectFaces quota and the job's {@code max.tps}, calls/s
 * @param facesPerImage 1 (single) or K (mosaic)
 */
record BenchScenario(String name, boolean mosaic, double multiplier, double quotaTps, int facesPerImage) {
    private static final Pattern SPEC = Pattern.compile("(single|mosaic)-(\\d+(?:\\.\\d+)?)x(?:@(\\d+(?:\\.\\d+)?))?");

    /** Parses a spec (see the class comment). */
    static BenchScenario parse(String spec, double defaultQuota, int mosaicK) {
        Matcher m = SPEC.matcher(spec.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("scenario '" + spec + "': expected <single|mosaic>-<N>x[@<quota>], e.g. mosaic-3x@5");
        }
        boolean mosaic = m.group(1).equals("mosaic");
        double multiplier = Double.parseDouble(m.group(2));
        double quota = m.group(3) == null ? defaultQuota : Double.parseDouble(m.group(3));
        if (!(multiplier > 0) || !(quota > 0)) {
            throw new IllegalArgumentException("scenario '" + spec + "': multiplier and quota must be > 0");
        }
        return new BenchScenario(spec.trim(), mosaic, multiplier, quota, mosaic ? mosaicK : 1);
    }

    /** Faces per second the quota can serve: quota x faces per image. */
    double servableFacesPerSecond() {
        return quotaTps * facesPerImage;
    }

    /** Faces per second the source offers. */
    double offeredFacesPerSecond() {
        return multiplier * servableFacesPerSecond();
    }
}
