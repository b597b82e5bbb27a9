package dev.crowdemotion.local.cloudwatch;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses an AWS Query request: {@code application/x-www-form-urlencoded} key=value pairs. */
final class QueryForm {
    private QueryForm() {}

    /**
     * The parameters of a form body or URI query, in order; a repeated key keeps its last value.
     *
     * @throws IllegalArgumentException on a malformed percent-encoding
     */
    static Map<String, String> parse(String form) {
        Map<String, String> params = new LinkedHashMap<>();
        if (form == null || form.isEmpty()) {
            return params;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }
}
