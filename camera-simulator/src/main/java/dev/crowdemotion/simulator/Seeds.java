package dev.crowdemotion.simulator;

import java.nio.charset.StandardCharsets;

/** Stable seed derivation, so generated frames depend only on their inputs (not on call order or JVM). */
public final class Seeds {
    private Seeds() {}

    /** A well-mixed 64-bit seed from a base seed and any number of parts (strings or numbers). */
    public static long mix(long seed, Object... parts) {
        long h = splitmix(seed ^ 0x9E3779B97F4A7C15L);
        for (Object p : parts) {
            long v;
            if (p instanceof Number) {
                v = ((Number) p).longValue();
            } else {
                v = fnv(String.valueOf(p));
            }
            h = splitmix(h ^ splitmix(v + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static long splitmix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
