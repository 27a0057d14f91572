package io.gatehouse.idp.saml;

import java.util.Arrays;
import java.util.Optional;

/** SAML 2.0 protocol bindings. */
public enum SamlBinding {
    HTTP_REDIRECT("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", "redirect"),
    HTTP_POST("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", "post"),
    HTTP_ARTIFACT("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact", "artifact"),
    SOAP("urn:oasis:names:tc:SAML:2.0:bindings:SOAP", "soap"),
    PAOS("urn:oasis:names:tc:SAML:2.0:bindings:PAOS", "paos"),
    OTHER("", "other");

    private final String urn;
    private final String apiName;

    SamlBinding(String urn, String apiName) {
        this.urn = urn;
        this.apiName = apiName;
    }

    public String urn() {
        return urn;
    }

    public String apiName() {
        return apiName;
    }

    public static SamlBinding fromUrn(String urn) {
        return Arrays.stream(values()).filter(b -> b.urn.equals(urn)).findFirst().orElse(OTHER);
    }

    public static Optional<SamlBinding> fromApiName(String name) {
        return Arrays.stream(values()).filter(b -> b != OTHER && b.apiName.equals(name)).findFirst();
    }
}
