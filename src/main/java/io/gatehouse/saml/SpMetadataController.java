package io.gatehouse.saml;

import io.gatehouse.access.Caller;
import io.gatehouse.access.Permission;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.Representation;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.OidcProvider;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.SamlProvider;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.idp.saml.NameIdFormats;
import io.gatehouse.idp.saml.SpKeys;
import io.gatehouse.tenancy.OrgId;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gatehouse's SAML service-provider metadata per identity provider (public, for the IdP admin to
 * import), and the admin API for the SP keys published in it.
 */
@RestController
class SpMetadataController {
    private static final String SAML_METADATA = "application/samlmetadata+xml";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ProviderDirectory directory;
    private final SpKeys keys;
    private final SpMetadataWriter writer = new SpMetadataWriter();
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    SpMetadataController(ProviderDirectory directory, SpKeys keys, AuditLog audit, TransactionTemplate tx,
                         Clock clock) {
        this.directory = directory;
        this.keys = keys;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    @GetMapping("/sso/{org}/{alias}/saml/metadata")
    ResponseEntity<String> publicMetadata(@PathVariable String org, @PathVariable String alias) {
        SamlProvider idp = directory.saml(org, alias)
                .orElseThrow(() -> ProblemException.notFound("SAML identity provider " + alias));
        return metadata(idp);
    }

    @GetMapping("/api/orgs/{org}/identity-providers/{alias}/sp-metadata")
    ResponseEntity<String> apiMetadata(Caller caller, @PathVariable String org, @PathVariable String alias) {
        return metadata(samlIdp(caller, org, alias, Permission.READ));
    }

    @GetMapping("/api/orgs/{org}/identity-providers/{alias}/sp-keys")
    Representation listKeys(Caller caller, @PathVariable String org, @PathVariable String alias) {
        IdentityProvider idp = samlIdp(caller, org, alias, Permission.READ).idp();
        keys.ensure(idp.id(), now());
        return keysRepresentation(idp);
    }

    /** Publishes the next signing and encryption keys in metadata, ahead of their use. */
    @PostMapping("/api/orgs/{org}/identity-providers/{alias}/sp-keys/next")
    Representation prepareNext(Caller caller, @PathVariable String org, @PathVariable String alias) {
        IdentityProvider idp = samlIdp(caller, org, alias, Permission.MANAGE_IDENTITY_PROVIDERS).idp();
        tx.executeWithoutResult(s -> {
            keys.prepareNext(idp.id(), now());
            audit.configurationChanged(idp.org(), "sp_keys.next_published", caller.actor(), alias,
                    JSON.createObjectNode());
        });
        return keysRepresentation(idp);
    }

    /** Switches to the published next keys; the old ones retire. */
    @PostMapping("/api/orgs/{org}/identity-providers/{alias}/sp-keys/next/activate")
    Representation activateNext(Caller caller, @PathVariable String org, @PathVariable String alias) {
        IdentityProvider idp = samlIdp(caller, org, alias, Permission.MANAGE_IDENTITY_PROVIDERS).idp();
        tx.executeWithoutResult(s -> {
            keys.activateNext(idp.id(), now());
            audit.configurationChanged(idp.org(), "sp_keys.rotated", caller.actor(), alias, JSON.createObjectNode());
        });
        return keysRepresentation(idp);
    }

    private SamlProvider samlIdp(Caller caller, String org, String alias, Permission permission) {
        OrgId orgId = OrgId.parse(org).orElseThrow(() -> ProblemException.notFound("Organization " + org));
        caller.require(orgId, permission);
        return switch (IdpAlias.parse(alias).flatMap(a -> directory.find(orgId, a))
                .orElseThrow(() -> ProblemException.notFound("Identity provider " + alias))) {
            case SamlProvider saml -> saml;
            case OidcProvider oidc -> throw ProblemException.notFound("SAML identity provider " + alias);
        };
    }

    /** In the database's precision, as the registry writes times. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private Representation keysRepresentation(IdentityProvider idp) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        for (SpKeys.SpKey k : keys.list(idp.id())) {
            items.addObject().put("id", k.id()).put("use", k.use().wireName()).put("status", k.status().wireName())
                    .put("subject", k.certificate().getSubjectX500Principal().getName())
                    .put("not_after", k.certificate().getNotAfter().toInstant().toString())
                    .put("fingerprint_sha256", FingerprintAlgorithm.SHA256.fingerprint(k.certificate()))
                    .put("created_at", k.createdAt().toString());
        }
        body.putNull("next_cursor");
        String base = "/api/orgs/" + idp.org().value() + "/identity-providers/" + idp.alias().value() + "/sp-keys";
        return new Representation.Collection(body, "sp_keys", java.util.Map.of("self", base), "items", null, "id");
    }

    private ResponseEntity<String> metadata(SamlProvider provider) {
        IdentityProvider idp = provider.idp();
        SamlSettings saml = provider.saml();
        SpEndpoints sp = directory.endpoints(idp);
        keys.ensure(idp.id(), now());
        List<SpKeys.SpKey> published = keys.list(idp.id()).stream()
                .filter(k -> k.status() != SpKeys.Status.RETIRED).toList();
        List<X509Certificate> signing = published.stream().filter(k -> k.use() == SpKeys.Use.SIGNING)
                .map(SpKeys.SpKey::certificate).toList();
        List<X509Certificate> encryption = published.stream().filter(k -> k.use() == SpKeys.Use.ENCRYPTION)
                .map(SpKeys.SpKey::certificate).toList();
        List<String> formats = saml.options().nameIdFormat().map(List::of)
                .orElse(List.of(NameIdFormats.EMAIL, NameIdFormats.PERSISTENT, NameIdFormats.UNSPECIFIED));
        String xml = writer.write(new SpMetadata(sp.entityId(), sp.acsUrl(), sp.sloUrl(), signing, encryption,
                saml.signsAuthnRequests(), saml.options().wantAssertionsSigned(), formats, Optional.empty()));
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, SAML_METADATA)
                .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + idp.alias().value() + "-sp-metadata.xml\"")
                .cacheControl(CacheControl.noCache())
                .body(xml);
    }
}
