package io.gatehouse.idp.saml;

import java.util.Optional;

/** One SAML endpoint of an identity provider: binding and location. */
public record SamlEndpoint(SamlBinding binding, String location, Optional<String> responseLocation) {
}
