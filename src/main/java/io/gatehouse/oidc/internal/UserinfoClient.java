package io.gatehouse.oidc.internal;

import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.gatehouse.metadata.FetchException;
import io.gatehouse.metadata.FetchedDocument;
import io.gatehouse.metadata.SafeFetcher;
import io.gatehouse.signin.RejectReason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the user's profile with the access token, through the safe fetcher (never redirected). */
public final class UserinfoClient {
    private final SafeFetcher fetcher;

    public UserinfoClient(SafeFetcher fetcher) {
        this.fetcher = fetcher;
    }

    /** The userinfo answer's claims (plain JSON; signed or encrypted answers are not supported). */
    public Outcome<Map<String, Object>> claims(URI endpoint, String accessToken) {
        Outcome<String> body = get(endpoint, accessToken);
        if (body instanceof Outcome.Refused<String> r) {
            return r.as();
        }
        try {
            return Outcome.passed(JSONObjectUtils.parse(((Outcome.Passed<String>) body).value()));
        } catch (java.text.ParseException e) {
            return Outcome.refused(RejectReason.OIDC_USERINFO_FAILED, "the userinfo answer from " + endpoint
                    + " is not a JSON object (signed or encrypted userinfo is not supported)");
        }
    }

    /**
     * The primary verified address of an OAuth 2.0-only provider that keeps email addresses apart
     * (GitHub's {@code /user/emails}); empty when there is none or it cannot be read.
     */
    public Optional<String> primaryVerifiedEmail(URI emailsEndpoint, String accessToken) {
        if (!(get(emailsEndpoint, accessToken) instanceof Outcome.Passed<String> body)) {
            return Optional.empty();
        }
        try {
            List<Object> entries = JSONArrayUtils.parse(body.value());
            return entries.stream().filter(e -> e instanceof Map<?, ?>).map(e -> (Map<?, ?>) e)
                    .filter(e -> Boolean.TRUE.equals(e.get("primary")) && Boolean.TRUE.equals(e.get("verified")))
                    .map(e -> e.get("email")).filter(e -> e instanceof String).map(e -> (String) e).findFirst();
        } catch (java.text.ParseException e) {
            return Optional.empty();
        }
    }

    private Outcome<String> get(URI endpoint, String accessToken) {
        FetchedDocument doc;
        try {
            doc = fetcher.get(endpoint, "application/json", Map.of("Authorization", "Bearer " + accessToken));
        } catch (FetchException e) {
            return Outcome.refused(RejectReason.OIDC_USERINFO_FAILED, endpoint + " could not be reached: "
                    + e.reason().code() + " (" + e.getMessage() + ")");
        }
        if (doc.status() != 200) {
            return Outcome.refused(RejectReason.OIDC_USERINFO_FAILED, endpoint + " answered HTTP " + doc.status());
        }
        return Outcome.passed(new String(doc.body(), StandardCharsets.UTF_8));
    }
}
