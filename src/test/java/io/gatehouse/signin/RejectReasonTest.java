package io.gatehouse.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reason-code catalog: stable, well-formed codes, each explained, and spelled nowhere else. */
class RejectReasonTest {
    /**
     * Every code published before the catalog existed: events, an IdP's error_url, applications and
     * docs depend on these exact strings, so none may be renamed or dropped.
     */
    private static final Set<String> PUBLISHED = Set.of(
            "saml.assertion_count", "saml.attribute_repeated", "saml.audience_mismatch",
            "saml.authn_statement_count", "saml.authn_statement_missing", "saml.canonicalization_with_comments",
            "saml.certificate_expired", "saml.certificate_untrusted", "saml.decryption_failed",
            "saml.destination_mismatch", "saml.destination_missing", "saml.duplicate_id", "saml.email_not_exact",
            "saml.expired", "saml.in_response_to_mismatch", "saml.internal_error", "saml.issued_before_request",
            "saml.issued_in_future", "saml.issued_too_long_ago", "saml.issuer_format_refused",
            "saml.issuer_mismatch", "saml.logout_malformed", "saml.malformed", "saml.name_id_not_exact",
            "saml.name_id_qualifier_mismatch", "saml.not_yet_valid", "saml.recipient_mismatch", "saml.replayed",
            "saml.response_missing", "saml.signature_algorithm_refused", "saml.signature_invalid",
            "saml.signature_missing", "saml.status_not_success", "saml.subject_missing", "saml.too_large",
            "saml.unsolicited_refused",
            "oidc.access_denied", "oidc.at_hash_mismatch", "oidc.audience_mismatch", "oidc.azp_mismatch",
            "oidc.code_missing", "oidc.expired", "oidc.hosted_domain_mismatch", "oidc.id_token_alg_refused",
            "oidc.id_token_key_unknown", "oidc.id_token_malformed", "oidc.id_token_missing",
            "oidc.id_token_signature_invalid", "oidc.id_token_too_large", "oidc.idp_error", "oidc.iss_mismatch",
            "oidc.iss_missing", "oidc.issued_before_sign_in", "oidc.jwks_unavailable", "oidc.nonce_mismatch",
            "oidc.not_yet_valid", "oidc.state_mismatch", "oidc.state_unknown", "oidc.subject_missing",
            "oidc.tenant_mismatch", "oidc.token_request_failed", "oidc.userinfo_failed",
            "oidc.userinfo_subject_mismatch",
            "signin.application_unknown", "signin.attempt_mismatch", "signin.attempt_unknown",
            "signin.organization_not_allowed",
            "provisioning.email_domain_claimed_elsewhere", "provisioning.email_domain_not_allowed",
            "provisioning.subject_invalid", "provisioning.user_unknown",
            "provider.secret_unavailable");
    private static final Pattern CODE = Pattern.compile("^[a-z]+\\.[a-z_]+$");
    private static final Pattern QUOTED_CODE = Pattern.compile("\"([a-z]+\\.[a-z_]+)\"");

    @Test
    void codesAreUniqueAndWellFormed() {
        List<String> codes = Arrays.stream(RejectReason.values()).map(RejectReason::code).toList();
        assertThat(codes).doesNotHaveDuplicates().allMatch(c -> CODE.matcher(c).matches(), "matches " + CODE);
        assertThat(codes).allMatch(c -> Set.of("saml", "oidc", "signin", "provisioning", "provider")
                .contains(c.substring(0, c.indexOf('.'))), "is in a known family");
        // the constant is its code in upper case: one can be found from the other
        assertThat(RejectReason.values()).allSatisfy(r -> assertThat(r.name())
                .isEqualTo(r.code().toUpperCase(Locale.ROOT).replace('.', '_')));
    }

    @Test
    void everyReasonIsExplained() {
        assertThat(RejectReason.values()).allSatisfy(r -> {
            assertThat(r.title()).as(r.code()).isNotBlank().doesNotEndWith(".");
            assertThat(r.hint()).as(r.code()).isNotBlank().endsWith(".");
            // each cited document by its name, then the section: "SAML 2.0 Profiles 4.1.4.3; RFC 9207"
            r.spec().ifPresent(spec -> assertThat(spec.split("; ")).as(r.code()).allMatch(part -> part.matches(
                    "(SAML 2\\.0 (Core|Profiles|Bindings)|OpenID Connect Core 1\\.0) \\d[\\d., ]*|RFC \\d+( \\d[\\d.]*)?")));
        });
    }

    @Test
    void publishedCodesStayAsTheyWere() {
        Set<String> codes = Arrays.stream(RejectReason.values()).map(RejectReason::code).collect(Collectors.toSet());
        assertThat(codes).containsAll(PUBLISHED);
    }

    /**
     * A reason code is written once, in the catalog: main code names the constant, and tests compare
     * with {@code RejectReason.X.code()} rather than a string that would not follow a rename.
     */
    @Test
    void noCodeIsSpelledOutsideTheCatalog() throws IOException {
        Map<String, RejectReason> byCode = Arrays.stream(RejectReason.values())
                .collect(Collectors.toMap(RejectReason::code, Function.identity()));
        Path catalog = Path.of("src/main/java/io/gatehouse/signin/RejectReason.java");
        Path self = Path.of("src/test/java/io/gatehouse/signin/RejectReasonTest.java");
        assertThat(catalog).exists();
        List<String> spelled;
        try (Stream<Path> main = Files.walk(Path.of("src/main/java"));
             Stream<Path> tests = Files.walk(Path.of("src/test/java"))) {
            spelled = Stream.concat(main, tests).filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.equals(catalog) && !p.equals(self))
                    .flatMap(p -> quotedCodes(p).stream().filter(byCode::containsKey).map(c -> p + ": \"" + c + "\""))
                    .toList();
        }
        assertThat(spelled).isEmpty();
        // the twin: the scan does find a quoted code (here, in this very file)
        assertThat(quotedCodes(self)).contains(RejectReason.SAML_AUDIENCE_MISMATCH.code());
    }

    private static List<String> quotedCodes(Path source) {
        try {
            Matcher m = QUOTED_CODE.matcher(Files.readString(source));
            return m.results().map(r -> r.group(1)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
