package io.gatehouse.portal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values a registry refusal carries only inside its English message (a certificate's expiry, an
 * HTTP status, the issuer a discovery document names, a claimed domain), read in this one place so
 * that a change of wording breaks {@code SetupFixesTest} and not a customer's page. Each reader is
 * empty when the wording is not found: the fix is then given without the value.
 */
final class RefusalWording {
    // IdentityProviderReader ("expired on 2026-03-03T12:00:00Z") and MetadataSourceResolver
    // ("the signing certificate CN=x expired on ..."), SamlMetadataParser ("the metadata expired on ... (validUntil)")
    private static final Pattern EXPIRED_ON = Pattern.compile("expired on (\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z)");
    // SafeFetcher: "the server answered HTTP 404"
    private static final Pattern HTTP_STATUS = Pattern.compile("answered HTTP (\\d{3})\\b");
    // OidcDiscoveryClient: "the discovery document names issuer X, not Y"
    private static final Pattern NAMED_ISSUER = Pattern.compile("names issuer (\\S+), not ");
    // IdentityProviders: "acme.com is already claimed by another identity provider"
    private static final Pattern CLAIMED_DOMAIN = Pattern.compile("^(\\S+) is already claimed by another");

    private RefusalWording() {
    }

    static Optional<Instant> expiredOn(String message) {
        return group(EXPIRED_ON, message).flatMap(s -> {
            try {
                return Optional.of(Instant.parse(s));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }

    static Optional<String> httpStatus(String message) {
        return group(HTTP_STATUS, message);
    }

    static Optional<String> namedIssuer(String message) {
        return group(NAMED_ISSUER, message);
    }

    static Optional<String> claimedDomain(String message) {
        return group(CLAIMED_DOMAIN, message);
    }

    /** SamlMetadataParser's no_idp_descriptor for a service provider's metadata (an SPSSODescriptor). */
    static boolean serviceProviderMetadata(String message) {
        return message.contains("SPSSODescriptor");
    }

    private static Optional<String> group(Pattern pattern, String message) {
        Matcher m = pattern.matcher(message == null ? "" : message);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
