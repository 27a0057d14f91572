package io.gatehouse.compat;

import io.gatehouse.api.FieldError;
import java.util.List;
import java.util.Map;

/**
 * How native field paths are called in a seed's request, so that a validation error made by the
 * native rules names the field the seed's client actually sent.
 */
record SeedFieldNames(Map<String, String> nativeToSeed) {
    SeedFieldNames {
        nativeToSeed = Map.copyOf(nativeToSeed);
    }

    String of(String nativePath) {
        String best = null;
        for (String prefix : nativeToSeed.keySet()) {
            boolean covers = nativePath.equals(prefix) || nativePath.startsWith(prefix + ".")
                    || nativePath.startsWith(prefix + "[");
            if (covers && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? nativePath : nativeToSeed.get(best) + nativePath.substring(best.length());
    }

    List<FieldError> translate(List<FieldError> errors) {
        return errors.stream().map(e -> new FieldError(of(e.field()), e.code(), e.message())).toList();
    }
}
