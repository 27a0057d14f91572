package io.gatehouse.oidc.internal;

import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON claim values as strings, the way every protocol hands raw attributes on. */
public final class ClaimValues {
    private ClaimValues() {
    }

    /** A string as is, a number or boolean printed, an array element by element, an object as JSON. */
    public static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(v -> out.add(single(v)));
        } else if (value != null) {
            out.add(single(value));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String single(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> s;
            case Map<?, ?> m -> JSONObjectUtils.toJSONString((Map<String, ?>) m);
            case List<?> l -> JSONArrayUtils.toJSONString(l);
            default -> String.valueOf(value);
        };
    }
}
