package io.gatehouse.portal;

import io.gatehouse.access.Caller;
import io.gatehouse.access.Permission;
import io.gatehouse.api.ProblemException;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.audit.EventCategory;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.crypto.Sha256;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.ProviderView;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.saml.NameIdFormats;
import io.gatehouse.pages.Text;
import io.gatehouse.portal.TestSignIn.Interpreted;
import io.gatehouse.portal.TestSignIn.Observed;
import io.gatehouse.portal.TestSignIn.Received;
import io.gatehouse.portal.TestSignIn.Result;
import io.gatehouse.portal.TestSignIn.Warning;
import io.gatehouse.provisioning.ProvisioningPreview;
import io.gatehouse.provisioning.User;
import io.gatehouse.provisioning.UserProvisioning;
import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.signin.SignInAttempt;
import io.gatehouse.signin.SignInFailure;
import io.gatehouse.signin.TestSignInCompletion;
import io.gatehouse.tenancy.OrgId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

/**
 * Test sign-ins: an admin (API key or setup link) starts one and gets a link; opened in a browser,
 * it signs in at the identity provider (draft, inactive or active alike), and the answer is recorded
 * here with what arrived, what Gatehouse made of it and what to watch out for. A test never
 * provisions a user, opens no session and answers no application. One that succeeds proves the
 * configuration it ran against, which is what activation asks for.
 */
@Service
public class TestSignIns implements TestSignInCompletion {
    /** How long the link may be opened: time to open it; the sign-in at the IdP then has its own lifetime. */
    public static final Duration LINK_LIFETIME = Duration.ofMinutes(15);
    /** An IdP clock this far from Gatehouse's is worth a warning well before it breaks sign-ins (OIDC has no skew setting). */
    static final Duration CLOCK_WARNING = Duration.ofSeconds(30);
    private final TestSignInPage page;
    private final TestSignInStore store;
    private final IdentityProviders registry;
    private final ProviderDirectory directory;
    private final UserProvisioning provisioning;
    private final AuditLog audit;
    private final Clock clock;

    TestSignIns(TestSignInStore store, IdentityProviders registry, ProviderDirectory directory,
                UserProvisioning provisioning, AuditLog audit, Clock clock, TestSignInPage page) {
        this.page = page;
        this.store = store;
        this.registry = registry;
        this.directory = directory;
        this.provisioning = provisioning;
        this.audit = audit;
        this.clock = clock;
    }

    /** A test just started: the record, and the link to open in a browser (its secret is shown only here). */
    public record Started(TestSignIn test, String url) {
        @Override
        public String toString() {
            return "Started[" + test.id() + "]";
        }
    }

    /** Starts a test sign-in of the provider, as {@code caller}. */
    public Started start(Caller caller, OrgId org, String alias) {
        caller.require(org, alias, Permission.MANAGE_IDENTITY_PROVIDERS);
        IdentityProvider idp = registry.get(caller, org, alias);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String id = "tsi_" + HexFormat.of().formatHex(RandomTokens.bytes(16));
        String secret = RandomTokens.urlSafe(32);
        TestSignIn test = new TestSignIn(id, org, idp.id(), idp.alias(), idp.lifecycle().revision(), caller.actor(), now,
                now.plus(LINK_LIFETIME), new Result.Pending());
        store.insert(test, Sha256.hex(secret));
        ObjectNode details = TestSignInJson.JSON.createObjectNode().put("test_sign_in", id)
                .put("configuration_revision", test.configurationRevision()).put("status", idp.status().wireName());
        audit.configurationChanged(org, "identity_provider.test_sign_in_started", caller.actor(), alias, details);
        String url = registry.baseUrl() + TestSignInLinkController.path(org, alias) + "?token="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return new Started(test, url);
    }

    /** The test, as {@code caller} may read it; another provider's or org's is 404. */
    public TestSignIn get(Caller caller, OrgId org, String alias, String id) {
        IdentityProvider idp = registry.get(caller, org, alias);
        return store.find(id).filter(t -> t.idpId().equals(idp.id()))
                .orElseThrow(() -> ProblemException.notFound("Test sign-in " + id));
    }

    /** The API's view of a test, as of now. */
    public ObjectNode view(TestSignIn test) {
        return TestSignInJson.view(test, clock.instant());
    }

    /**
     * The provider and test a link opens: the link's secret must be a pending test's, of this very
     * provider, and not expired. Looked up by the secret's hash (which tells nothing of the secret).
     */
    Optional<Opened> open(String org, String alias, String secret, Instant now) {
        if (secret == null || secret.isEmpty() || secret.length() > 100) {
            return Optional.empty();
        }
        return store.findByLink(Sha256.hex(secret))
                .filter(t -> t.result() instanceof Result.Pending && now.isBefore(t.expiresAt()))
                .flatMap(t -> directory.find(org, alias).filter(p -> p.idp().id().equals(t.idpId()))
                        .map(p -> new Opened(t, p)));
    }

    /** A test link that opens: the test, and its provider as the sign-in runtime reads it. */
    record Opened(TestSignIn test, ProviderView provider) {
    }

    @Override
    public ResponseEntity<String> succeeded(IdentityProvider idp, BrokeredIdentity identity, SignInAttempt attempt,
                                            Instant at) {
        // the stores keep microseconds: the instant shown must be the one stored
        Instant now = at.truncatedTo(ChronoUnit.MICROS);
        Optional<TestSignIn> test = attempt.testSignIn().flatMap(store::find);
        if (test.isEmpty()) {
            return page.gone();
        }
        ProvisioningPreview preview = provisioning.preview(idp, identity, now);
        Observed observed = observed(identity, preview);
        List<Warning> warnings = warnings(idp, identity, preview, now);
        Optional<SignInFailure> refused = preview.refusal()
                .filter(r -> r.reason() != RejectReason.PROVISIONING_USER_UNKNOWN)
                .map(io.gatehouse.provisioning.ProvisioningResult.Refused::failure);
        Result result = refused.<Result>map(f -> new Result.Failed(now, f, Optional.of(observed), warnings))
                .orElseGet(() -> new Result.Succeeded(now, observed, warnings));
        return finish(test.get(), idp, result, Optional.of(identity.subject()));
    }

    @Override
    public ResponseEntity<String> failed(IdentityProvider idp, SignInFailure failure, SignInAttempt attempt,
                                         Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MICROS);
        Optional<TestSignIn> test = attempt.testSignIn().flatMap(store::find);
        if (test.isEmpty()) {
            return page.gone();
        }
        return finish(test.get(), idp, new Result.Failed(now, failure, Optional.empty(), List.of()), Optional.empty());
    }

    private ResponseEntity<String> finish(TestSignIn test, IdentityProvider idp, Result result,
                                          Optional<String> subject) {
        Instant at = switch (result) {
            case Result.Succeeded s -> s.finishedAt();
            case Result.Failed f -> f.finishedAt();
            case Result.Pending p -> throw new IllegalArgumentException("a finished result");
        };
        String reason = result instanceof Result.Failed f ? f.failure().code() : null;
        String stored = switch (result) {
            case Result.Succeeded s -> TestSignInJson.stored(Optional.of(s.observed()), s.warnings(), "");
            case Result.Failed f -> TestSignInJson.stored(f.observed(), f.warnings(), f.failure().detail());
            case Result.Pending p -> throw new IllegalArgumentException("a finished result");
        };
        if (!store.finish(test.id(), result, reason, stored, at)) {
            // another answer finished it first: that one counts, and is what the browser sees
            TestSignIn first = store.find(test.id()).orElse(test);
            return page.of(first, first.result());
        }
        if (result instanceof Result.Succeeded) {
            registry.testSucceeded(idp, test.configurationRevision(), at);
        }
        ObjectNode details = TestSignInJson.JSON.createObjectNode().put("test_sign_in", test.id())
                .put("protocol", idp.protocol().wireName());
        subject.ifPresent(s -> details.put("subject", s));
        if (result instanceof Result.Failed f) {
            details.put("reason", f.failure().code());
            details.put("explanation", f.failure().title());
            if (!f.failure().detail().isEmpty()) {
                details.put("detail", f.failure().detail());
            }
        }
        audit.record(Optional.of(test.org()), EventCategory.SIGN_IN, result instanceof Result.Succeeded
                ? "test_sign_in.succeeded" : "test_sign_in.failed", "idp:" + test.alias().value(),
                test.alias().value(), details);
        return page.of(test, result);
    }

    private static Observed observed(BrokeredIdentity identity, ProvisioningPreview preview) {
        Received received = new Received(identity.subject(), identity.nameIdFormat(), identity.emailVerified(),
                identity.rawAttributes(), identity.issuedAt());
        Optional<User> user = preview.user();
        Interpreted interpreted = user.map(u -> new Interpreted(u.email(), u.emailVerified(), u.givenName(),
                        u.familyName(), u.name(), u.username(), u.groups(), u.groupsOverage(), u.role(), u.team(),
                        u.custom(), preview.known() ? Optional.of(u.id()) : Optional.empty()))
                .orElseGet(() -> new Interpreted(preview.profile().email(), false, preview.profile().givenName(),
                        preview.profile().familyName(), preview.profile().name(), preview.profile().username(),
                        preview.profile().groups(), preview.profile().groupsOverage(), preview.profile().role(),
                        preview.profile().team(), preview.profile().custom(), Optional.empty()));
        return new Observed(received, interpreted);
    }

    /**
     * What works today but will hurt: each with a stable code, what to do in English (the API's), and
     * the same in the bundles' words with its values apart (the pages').
     */
    static List<Warning> warnings(IdentityProvider idp, BrokeredIdentity identity, ProvisioningPreview preview,
                                  Instant now) {
        List<Warning> out = new ArrayList<>();
        if (preview.profile().email().isEmpty()) {
            out.add(new Warning("email_missing", "The identity provider sent no email address. Applications match"
                    + " users by email: release the email attribute (or claim), or send the NameID in the"
                    + " emailAddress format.", Text.of("warning.email_missing")));
        } else if (preview.user().isPresent() && !preview.user().get().emailVerified()) {
            String email = preview.profile().email().get();
            out.add(identity.emailVerified().filter(v -> !v).isPresent()
                    ? new Warning("email_unverified", "The identity provider says the email address " + email
                            + " is not verified, so applications receive email_verified=false.",
                            Text.of("warning.email_unverified.idp", email))
                    : new Warning("email_unverified", "Gatehouse does not vouch for " + email + " (its domain is"
                            + " not one of this identity provider's domains), so applications receive"
                            + " email_verified=false. Add the domain to the identity provider.",
                            Text.of("warning.email_unverified.domain", email)));
        }
        preview.refusal().filter(r -> r.reason() == RejectReason.PROVISIONING_USER_UNKNOWN).ifPresent(r -> out.add(
                new Warning("user_unknown", "This user is not known to the organization yet, and the identity"
                        + " provider admits existing users only (provisioning mode existing_only): their real"
                        + " sign-in would be refused until the user is created.", Text.of("warning.user_unknown"))));
        if (preview.profile().groupsOverage()) {
            out.add(new Warning("groups_overage", "The identity provider had more groups than it would send, so the"
                    + " groups are incomplete; filter the groups it releases to the ones applications need.",
                    Text.of("warning.groups_overage")));
        }
        identity.issuedAt().ifPresent(issued -> {
            Duration offset = Duration.between(issued, now);
            Duration skew = idp.settings() instanceof SamlSettings saml
                    ? Duration.ofSeconds(saml.options().clockSkewSeconds()).dividedBy(2) : CLOCK_WARNING;
            if (offset.abs().compareTo(skew) > 0) {
                String seconds = Long.toString(offset.abs().toSeconds());
                out.add(new Warning("clock_offset", "The identity provider's clock is about "
                        + seconds + " seconds " + (offset.isNegative() ? "ahead of" : "behind")
                        + " Gatehouse's; sign-ins fail once that passes the allowed clock skew. Check the time"
                        + " synchronization (NTP) of the identity provider.",
                        Text.of(offset.isNegative() ? "warning.clock_offset.ahead" : "warning.clock_offset.behind",
                                seconds)));
            }
        });
        if (idp.settings() instanceof SamlSettings saml) {
            if (identity.nameIdFormat().filter(NameIdFormats.TRANSIENT::equals).isPresent()) {
                out.add(new Warning("name_id_transient", "The NameID is transient: it changes with every sign-in, so"
                        + " every sign-in would look like a new user. Send a persistent NameID or the email.",
                        Text.of("warning.name_id_transient")));
            }
            sha1(saml).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<Warning> sha1(SamlSettings saml) {
        if (saml.options().allowSha1()) {
            return Optional.of(new Warning("sha1_in_use", "SHA-1 signatures are accepted (allow_sha1): SHA-1 is"
                    + " broken; have the identity provider sign with RSA-SHA256 and turn allow_sha1 off.",
                    Text.of("warning.sha1_in_use.allow_sha1")));
        }
        return switch (saml.resolved().trust()) {
            case SamlSettings.CertificateTrust.Fingerprint f -> f.algorithm() == FingerprintAlgorithm.SHA1
                    ? Optional.of(new Warning("sha1_in_use", "The certificate is pinned by a SHA-1 fingerprint; pin"
                            + " it by its SHA-256 fingerprint.", Text.of("warning.sha1_in_use.fingerprint")))
                    : Optional.empty();
            case SamlSettings.CertificateTrust.Pinned p -> p.certificatesPem().stream()
                    .map(TestSignIns::sha1Algorithm).flatMap(Optional::stream).findFirst()
                    .map(algorithm -> new Warning("sha1_in_use", "The identity provider's certificate is signed"
                            + " with SHA-1; issue one signed with SHA-256.",
                            Text.of("warning.sha1_in_use.certificate", algorithm)));
        };
    }

    /** The certificate's signature algorithm (such as SHA1withRSA), when it is a SHA-1 one. */
    private static Optional<String> sha1Algorithm(String pem) {
        try {
            String algorithm = Certificates.parse(pem).getSigAlgName();
            return algorithm.toUpperCase(Locale.ROOT).contains("SHA1") ? Optional.of(algorithm) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
