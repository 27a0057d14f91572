package io.gatehouse.api;

import java.util.Locale;
import java.util.Set;

/**
 * A request made safe for logs: credential parameters of the query keep their name but lose their
 * value, and a path segment that is a link's secret is replaced.
 */
public final class RedactedQuery {
    /** How the secrets carried in a URL's path begin (setup links: {@code /setup/gsl_...}). */
    public static final String PATH_SECRET_PREFIX = "gsl_";
    private static final Set<String> SECRET_PARAMETERS =
            Set.of("api_key", "apikey", "access_token", "client_secret", "code", "id_token", "samlresponse", "samlrequest",
                    "token");

    private RedactedQuery() {
    }

    /** Returns "" for no query, else "?" followed by the redacted query. */
    public static String of(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("?");
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            String pair = pairs[i];
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (eq >= 0 && SECRET_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
                out.append(name).append("=[redacted]");
            } else {
                out.append(pair);
            }
        }
        return out.toString();
    }

    /** The path with every segment that is a secret replaced by {@code [redacted]}. */
    public static String path(String path) {
        if (path == null || !path.contains(PATH_SECRET_PREFIX)) {
            return path;
        }
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].startsWith(PATH_SECRET_PREFIX)) {
                segments[i] = "[redacted]";
            }
        }
        return String.join("/", segments);
    }
}
