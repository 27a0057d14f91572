package io.gatehouse.demo;

import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.saml.IdpResponseWriter;
import io.gatehouse.saml.IncomingAuthnRequest;
import io.gatehouse.saml.PostForm;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo SAML identity provider at {@code /demo/idp/saml}: takes Gatehouse's AuthnRequest by
 * HTTP-Redirect, shows a login form for the demo users, and posts a signed Response to the ACS.
 * It answers only Gatehouse's demo SP, and only in demo mode.
 */
@RestController
class DemoSamlIdentityProvider {
    private final DemoSetup demo;
    private final Clock clock;
    private final DemoPages pages;
    private final PostForm postForm;

    DemoSamlIdentityProvider(DemoSetup demo, Clock clock, DemoPages pages, PostForm postForm) {
        this.pages = pages;
        this.postForm = postForm;
        this.demo = demo;
        this.clock = clock;
    }

    @GetMapping("/demo/idp/saml/sso")
    ResponseEntity<String> sso(@RequestParam(name = "SAMLRequest", required = false) String samlRequest,
                               @RequestParam(name = "RelayState", required = false) String relayState) {
        if (!demo.enabled() || demo.state().isEmpty()) {
            return DemoPages.notFound();
        }
        Optional<IncomingAuthnRequest> request = IncomingAuthnRequest.fromRedirect(samlRequest);
        SpEndpoints sp = sp();
        if (request.isEmpty() || !request.get().acsUrl().map(sp.acsUrl()::equals).orElse(true)) {
            return pages.notARequest();
        }
        return form(request.get().id(), relayState, false);
    }

    @PostMapping("/demo/idp/saml/login")
    ResponseEntity<String> login(@RequestParam(name = "request_id", required = false) String requestId,
                                 @RequestParam(name = "relay_state", required = false) String relayState,
                                 @RequestParam(required = false) String username,
                                 @RequestParam(required = false) String password) {
        if (!demo.enabled() || demo.state().isEmpty() || requestId == null || !requestId.matches("^[A-Za-z_][\\w.-]{0,127}$")) {
            return DemoPages.notFound();
        }
        Optional<DemoUser> user = DemoUser.authenticate(username, password);
        if (user.isEmpty()) {
            return form(requestId, relayState, true);
        }
        SpEndpoints sp = sp();
        DemoUser u = user.get();
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        attributes.put("email", List.of(u.email(DemoSetup.SAML_DOMAIN)));
        attributes.put("firstName", List.of(u.givenName()));
        attributes.put("lastName", List.of(u.familyName()));
        attributes.put("groups", u.groups());
        String response = IdpResponseWriter.signedResponse(new IdpResponseWriter.Assertion(
                demo.baseUrl() + "/demo/idp/saml", sp.entityId(), sp.acsUrl(), Optional.of(requestId),
                u.email(DemoSetup.SAML_DOMAIN), "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", attributes,
                clock.instant()), demo.state().get().samlKey());
        return postForm.of(sp.acsUrl(), "SAMLResponse", response, Optional.ofNullable(relayState));
    }

    private ResponseEntity<String> form(String requestId, String relayState, boolean wrongPassword) {
        Map<String, String> hidden = new LinkedHashMap<>();
        hidden.put("request_id", requestId);
        if (relayState != null) {
            hidden.put("relay_state", relayState);
        }
        return pages.loginForm("demo.login.title.saml", "/demo/idp/saml/login", hidden, DemoSetup.SAML_DOMAIN,
                wrongPassword);
    }

    private SpEndpoints sp() {
        return SpEndpoints.of(demo.baseUrl(), DemoSetup.ORG, DemoSetup.alias(DemoSetup.SAML_ALIAS));
    }
}
