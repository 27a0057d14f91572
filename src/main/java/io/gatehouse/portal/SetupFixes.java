package io.gatehouse.portal;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.pages.Text;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns the registry's refusals into plain words with a fix, per portal field. The registry's codes
 * are the contract ({@code IdentityProviderReader}, {@code MetadataSourceResolver},
 * {@code SamlMetadataParser}, {@code SafeFetcher}, {@code OidcDiscoveryClient}, {@code IdentityProviders});
 * a code this class does not know keeps the registry's own English sentence, so nothing is lost.
 */
public final class SetupFixes {
    public static final String FORM = "";
    public static final String DISPLAY_NAME = "display_name";
    public static final String METADATA_FILE = "metadata_file";
    public static final String METADATA_URL = "metadata_url";
    public static final String ISSUER = "issuer";
    public static final String CLIENT_ID = "client_id";
    public static final String CLIENT_SECRET = "client_secret";
    public static final String DOMAINS = "domains";

    private SetupFixes() {
    }

    public static List<FieldProblem> explain(ProblemException refusal, Locale locale) {
        List<FieldProblem> out = new ArrayList<>();
        if (refusal.errors().isEmpty()) {
            out.add(new FieldProblem(FORM, whole(refusal)));
            return out;
        }
        for (FieldError error : refusal.errors()) {
            String field = portalField(error.field());
            FieldProblem problem = new FieldProblem(field, explain(field, error, locale)
                    .orElseGet(() -> unknown(error)));
            if (!out.contains(problem)) {
                out.add(problem);
            }
        }
        return out;
    }

    /** The portal field a registry field path belongs to; {@code ""} for the rest. */
    static String portalField(String registryField) {
        return switch (registryField) {
            case "display_name" -> DISPLAY_NAME;
            case "saml.metadata_xml" -> METADATA_FILE;
            case "saml.metadata_url" -> METADATA_URL;
            case "oidc.issuer" -> ISSUER;
            case "oidc.client_id" -> CLIENT_ID;
            case "oidc.client_secret" -> CLIENT_SECRET;
            default -> registryField.equals("domains") || registryField.startsWith("domains[") ? DOMAINS : FORM;
        };
    }

    private static Optional<Text> explain(String field, FieldError e, Locale locale) {
        return switch (field) {
            case DISPLAY_NAME -> displayName(e.code());
            case METADATA_FILE, METADATA_URL -> metadata(field, e, locale);
            case ISSUER -> issuer(e);
            case CLIENT_ID -> clientId(e.code());
            case CLIENT_SECRET -> clientSecret(e.code());
            case DOMAINS -> domains(e);
            default -> form(e);
        };
    }

    private static Optional<Text> displayName(String code) {
        return switch (code) {
            case "required", "too_long", "invalid_characters" -> fix("display_name." + code);
            default -> Optional.empty();
        };
    }

    private static Optional<Text> metadata(String field, FieldError e, Locale locale) {
        String code = e.code();
        boolean file = field.equals(METADATA_FILE);
        return switch (code) {
            case "source_required", "multiple_sources" -> fix("metadata." + code);
            case "required" -> file ? fix("metadata.empty") : fix("metadata_url.invalid_url");
            case "too_long" -> file ? fix("metadata.too_large") : fix("metadata_url.too_long");
            case "metadata.too_large", "fetch.too_large" -> fix("metadata.too_large");
            case "metadata.malformed" -> fix(field + ".not_xml");
            // behind a URL, a DOCTYPE is nearly always an HTML page (a sign-in page) where the metadata should be
            case "metadata.doctype_not_allowed" -> file ? fix(code) : fix("metadata_url.not_xml");
            case "metadata.not_saml_metadata" -> fix(field + ".not_saml_metadata");
            case "metadata.no_idp_descriptor" -> RefusalWording.serviceProviderMetadata(e.message())
                    ? fix("metadata.service_provider_metadata") : fix("metadata.no_idp_descriptor");
            case "metadata.ambiguous_entity", "metadata.no_entity_id",
                 "metadata.no_sso_service", "metadata.invalid_certificate", "metadata.no_signing_certificate" ->
                    fix(code);
            case "metadata.entity_id_too_long", "metadata.invalid_valid_until", "metadata.invalid_cache_duration" ->
                    fix("metadata.damaged", e.message());
            case "metadata.expired", "certificate_expired" -> RefusalWording.expiredOn(e.message())
                    .flatMap(on -> fix(code.equals("certificate_expired") ? "metadata.certificate_expired"
                            : "metadata.expired", date(on, locale)));
            case "invalid_url", "fetch.invalid_url" -> fix("metadata_url.invalid_url");
            case "https_required", "fetch.scheme_not_allowed" -> fix("metadata_url.https_required");
            case "private_address", "fetch.address_not_allowed" -> fix("metadata_url.private_address");
            case "fetch.host_not_found", "fetch.connect_failed", "fetch.tls_failed", "fetch.timeout",
                 "fetch.too_many_redirects" -> fix("metadata_url." + code.substring("fetch.".length()));
            case "fetch.http_error" -> RefusalWording.httpStatus(e.message())
                    .map(status -> Text.of("fix.metadata_url.http_status", status))
                    .or(() -> fix("metadata_url.http_error"));
            default -> Optional.empty();
        };
    }

    private static Optional<Text> issuer(FieldError e) {
        String code = e.code();
        return switch (code) {
            case "required", "too_long", "invalid_issuer" -> fix("issuer." + code);
            case "invalid_url", "discovery.invalid_issuer", "discovery.fetch_invalid_url" -> fix("issuer.invalid_url");
            case "https_required", "discovery.fetch_scheme_not_allowed" -> fix("issuer.https_required");
            case "private_address", "discovery.fetch_address_not_allowed" -> fix("issuer.private_address");
            case "discovery.fetch_host_not_found", "discovery.fetch_connect_failed", "discovery.fetch_tls_failed",
                 "discovery.fetch_timeout", "discovery.fetch_too_many_redirects", "discovery.fetch_too_large" ->
                    fix("issuer." + code.substring("discovery.fetch_".length()));
            case "discovery.fetch_http_error" -> RefusalWording.httpStatus(e.message())
                    .map(status -> Text.of("fix.issuer.http_status", status))
                    .or(() -> fix("issuer.http_error"));
            case "discovery.invalid_document", "discovery.missing_endpoint", "discovery.code_flow_unsupported" ->
                    fix("issuer." + code.substring("discovery.".length()));
            case "discovery.issuer_mismatch" -> RefusalWording.namedIssuer(e.message())
                    .flatMap(named -> fix("issuer.issuer_mismatch", named));
            default -> Optional.empty();
        };
    }

    private static Optional<Text> clientId(String code) {
        return switch (code) {
            case "required", "too_long" -> fix("client_id." + code);
            default -> Optional.empty();
        };
    }

    private static Optional<Text> clientSecret(String code) {
        return switch (code) {
            case "required", "too_long", "secret_required", "secret_unavailable" -> fix("client_secret." + code);
            default -> Optional.empty();
        };
    }

    private static Optional<Text> domains(FieldError e) {
        String code = e.code();
        return switch (code) {
            case "too_many", "too_long", "invalid_domain", "wildcard_domain", "public_suffix", "invalid_idna",
                 "consumer_domain", "duplicate" -> fix("domains." + code);
            // a concurrent claim names no domain ("a domain is already claimed")
            case "domain_taken" -> RefusalWording.claimedDomain(e.message())
                    .map(domain -> Text.of("fix.domains.domain_taken", domain))
                    .or(() -> fix("domains.domain_taken_meanwhile"));
            default -> Optional.empty();
        };
    }

    private static Optional<Text> form(FieldError e) {
        return switch (e.code()) {
            case "alias_taken", "signature_required" -> fix("form." + e.code());
            case "unknown_field" -> fix("form.unknown_field", e.field());
            default -> Optional.empty();
        };
    }

    /** A refusal of the whole request, with no field named. */
    private static Text whole(ProblemException refusal) {
        ErrorCode code = refusal.errorCode();
        return switch (code) {
            case QUOTA_EXCEEDED, SSO_NOT_ENABLED, TEST_REQUIRED, CONFLICT, FORBIDDEN, NOT_FOUND ->
                    Text.of("fix.form." + code.code());
            default -> Text.of("fix.unknown", refusal.getMessage());
        };
    }

    /** A day as people write it: "3 March 2026", "3. März 2026" (in UTC, as the registry's instants are). */
    static String date(Instant instant, Locale locale) {
        boolean german = "de".equals(locale.getLanguage());
        return DateTimeFormatter.ofPattern(german ? "d. MMMM uuuu" : "d MMMM uuuu", german ? Locale.GERMAN : Locale.ENGLISH)
                .withZone(ZoneOffset.UTC).format(instant);
    }

    private static Optional<Text> fix(String key, String... args) {
        return Optional.of(Text.of("fix." + key, args));
    }

    static Text unknown(FieldError e) {
        return Text.of("fix.unknown", e.field().isEmpty() ? e.message() : e.field() + ": " + e.message());
    }
}
