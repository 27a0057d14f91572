package io.gatehouse.saml;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.SamlProvider;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.idp.saml.SamlBinding;
import io.gatehouse.idp.saml.SamlEndpoint;
import io.gatehouse.idp.saml.SpKeys;
import io.gatehouse.saml.internal.LogoutXml;
import io.gatehouse.saml.internal.SamlBindings;
import io.gatehouse.signin.SignOutStarter;
import io.gatehouse.signin.SsoSessions;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.w3c.dom.Document;

/**
 * SP-initiated single logout: a LogoutRequest for the session's NameID and SessionIndex, always
 * signed with the IdP's SP key, sent by the binding of the IdP's logout endpoint.
 */
@Component
class SamlSignOut implements SignOutStarter<SamlProvider> {
    private final ProviderDirectory directory;
    private final SpKeys spKeys;
    private final SsoSessions sessions;
    private final PostForm postForm;

    SamlSignOut(ProviderDirectory directory, SpKeys spKeys, SsoSessions sessions, PostForm postForm) {
        this.postForm = postForm;
        this.directory = directory;
        this.spKeys = spKeys;
        this.sessions = sessions;
    }

    @Override
    public Optional<ResponseEntity<String>> signOut(SamlProvider provider, SsoSessions.SsoSession session, Instant now) {
        IdentityProvider idp = provider.idp();
        SamlSettings saml = provider.saml();
        Optional<SamlEndpoint> slo = saml.resolved().slo();
        if (slo.isEmpty()) {
            return Optional.empty();
        }
        String id = RandomTokens.samlId();
        SpEndpoints sp = directory.endpoints(idp);
        Document request = LogoutXml.request(id, now, slo.get().location(), sp.entityId(), session.subject(),
                session.nameIdFormat(), session.sessionIndex());
        spKeys.ensure(idp.id(), now);
        Optional<KeyAndCertificate> signer = spKeys.active(idp.id(), SpKeys.Use.SIGNING);
        sessions.endWithLogoutRequest(session.id(), id, now);
        return Optional.of(send(slo.get(), "SAMLRequest", request, signer, saml, Optional.empty()));
    }

    /**
     * Sends a logout message by the endpoint's binding (also used to answer the IdP's own LogoutRequest,
     * with the RelayState it came with: under HTTP-Redirect the signature covers it).
     */
    ResponseEntity<String> send(SamlEndpoint endpoint, String parameter, Document message,
                                Optional<KeyAndCertificate> signer, SamlSettings saml, Optional<String> relayState) {
        String location = parameter.equals("SAMLResponse") ? endpoint.responseLocation().orElse(endpoint.location())
                : endpoint.location();
        if (endpoint.binding() == SamlBinding.HTTP_POST) {
            return postForm.of(location, parameter, SamlBindings.postValue(message, signer,
                    saml.options().signatureAlgorithm()), relayState);
        }
        String query = SamlBindings.redirectQuery(parameter, message, relayState.orElse(null), signer,
                saml.options().signatureAlgorithm());
        return ResponseEntity.status(HttpStatus.FOUND)
                .header(HttpHeaders.LOCATION, location + (location.contains("?") ? "&" : "?") + query)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

}
