package io.gatehouse.portal;

import io.gatehouse.access.Caller;
import io.gatehouse.api.JsonFields;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.RequestBodies;
import jakarta.servlet.http.HttpServletRequest;
import io.gatehouse.api.Representation;
import io.gatehouse.tenancy.OrgId;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/orgs/{org}/identity-providers/{alias}/test-sign-ins}: start a test sign-in, read its result. */
@RestController
class TestSignInsController {
    private final TestSignIns tests;

    TestSignInsController(TestSignIns tests) {
        this.tests = tests;
    }

    @PostMapping("/api/orgs/{org}/identity-providers/{alias}/test-sign-ins")
    ResponseEntity<Representation> start(Caller caller, @PathVariable String org, @PathVariable String alias,
                                         HttpServletRequest request) {
        // no options yet: a body, if sent, must be an empty object (an unknown field is refused, not ignored)
        JsonFields f = JsonFields.of(RequestBodies.optionalJsonObject(request));
        f.refuseUnknownFields();
        f.throwIfInvalid();
        TestSignIns.Started started = tests.start(caller, orgId(org), alias);
        ObjectNode body = TestSignInJson.JSON.createObjectNode();
        body.put("id", started.test().id());
        // the link carries a secret: shown here once, kept as its hash
        body.put("url", started.url());
        body.put("expires_at", started.test().expiresAt().toString());
        body.put("status", started.test().result().status().wireName());
        String self = self(org, alias, started.test().id());
        return ResponseEntity.created(URI.create(self)).body(Representation.of(body, "test_sign_in", self));
    }

    @GetMapping("/api/orgs/{org}/identity-providers/{alias}/test-sign-ins/{id}")
    Representation get(Caller caller, @PathVariable String org, @PathVariable String alias, @PathVariable String id) {
        TestSignIn test = tests.get(caller, orgId(org), alias, id);
        return Representation.of(tests.view(test), "test_sign_in", self(org, alias, id));
    }

    private static String self(String org, String alias, String id) {
        return "/api/orgs/" + org + "/identity-providers/" + alias + "/test-sign-ins/" + id;
    }

    private static OrgId orgId(String org) {
        return OrgId.parse(org).orElseThrow(() -> ProblemException.notFound("Organization " + org));
    }
}
