package io.gatehouse.testkit;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Realistic IdP metadata documents in the styles of the products customers bring, with real certificates. */
public final class TestIdpMetadata {
    private TestIdpMetadata() {
    }

    private static String keyDescriptor(String use, X509Certificate cert) {
        return """
                <md:KeyDescriptor%s><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
                <ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                """.formatted(use == null ? "" : " use=\"" + use + "\"", TestCertificates.base64(cert));
    }

    /** Okta: one signing key, Redirect and POST SSO, email and unspecified NameID formats. */
    public static String okta(String entityId, X509Certificate signing) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%1$s">
                  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    %2$s
                    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
                    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
                    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://acme.okta.com/app/acme_gatehouse/exk1/sso/saml"/>
                    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://acme.okta.com/app/acme_gatehouse/exk1/sso/saml"/>
                    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://acme.okta.com/app/acme_gatehouse/exk1/slo/saml"/>
                  </md:IDPSSODescriptor>
                </md:EntityDescriptor>
                """.formatted(entityId, keyDescriptor("signing", signing));
    }

    /** Microsoft Entra ID: a WS-Federation RoleDescriptor before the IdP descriptor, keys without use, validUntil. */
    public static String entra(String tenant, List<X509Certificate> signing, Optional<Instant> validUntil) {
        StringBuilder keys = new StringBuilder();
        signing.forEach(c -> keys.append(keyDescriptor("signing", c)));
        return """
                <?xml version="1.0" encoding="utf-8"?>
                <EntityDescriptor ID="_e1" entityID="https://sts.windows.net/%1$s/" %3$s xmlns="urn:oasis:names:tc:SAML:2.0:metadata">
                  <RoleDescriptor xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706" xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706">
                    <fed:PassiveRequestorEndpoint><EndpointReference xmlns="http://www.w3.org/2005/08/addressing"><Address>https://login.microsoftonline.com/%1$s/wsfed</Address></EndpointReference></fed:PassiveRequestorEndpoint>
                  </RoleDescriptor>
                  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    %2$s
                    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/%1$s/saml2"/>
                    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/%1$s/saml2"/>
                    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://login.microsoftonline.com/%1$s/saml2"/>
                  </IDPSSODescriptor>
                </EntityDescriptor>
                """.formatted(tenant, keys.toString().replace("md:", ""),
                validUntil.map(v -> "validUntil=\"" + v + "\"").orElse(""));
    }

    /** ADFS: signing and encryption keys, artifact and SOAP endpoints, several NameID formats. */
    public static String adfs(String host, X509Certificate signing, X509Certificate encryption) {
        return """
                <EntityDescriptor ID="_adfs" entityID="http://%1$s/adfs/services/trust" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">
                  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    %2$s
                    %3$s
                    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://%1$s/adfs/ls/"/>
                    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://%1$s/adfs/ls/"/>
                    <ArtifactResolutionService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://%1$s/adfs/services/trust/artifactresolution" index="0"/>
                    <NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>
                    <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat>
                    <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</NameIDFormat>
                    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://%1$s/adfs/ls/"/>
                    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://%1$s/adfs/ls/"/>
                  </IDPSSODescriptor>
                </EntityDescriptor>
                """.formatted(host, keyDescriptor("encryption", encryption).replace("md:", ""),
                keyDescriptor("signing", signing).replace("md:", ""));
    }

    /** Keycloak: a realm's IdP descriptor, key without use, POST/Redirect/Artifact, inside EntitiesDescriptor. */
    public static String keycloak(String realmUrl, X509Certificate signing) {
        return """
                <md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" Name="urn:keycloak">
                  <md:EntityDescriptor entityID="%1$s">
                    <md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                      %2$s
                      <md:ArtifactResolutionService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="%1$s/protocol/saml/resolve" index="0"/>
                      <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%1$s/protocol/saml"/>
                      <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="%1$s/protocol/saml"/>
                      <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
                      <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%1$s/protocol/saml"/>
                      <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="%1$s/protocol/saml"/>
                      <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="%1$s/protocol/saml"/>
                    </md:IDPSSODescriptor>
                  </md:EntityDescriptor>
                </md:EntitiesDescriptor>
                """.formatted(realmUrl, keyDescriptor(null, signing));
    }

    /** Google Workspace: Redirect SSO only, no SLO, email NameID. */
    public static String google(String idpId, X509Certificate signing) {
        return """
                <?xml version="1.0" encoding="UTF-8" standalone="no"?>
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://accounts.google.com/o/saml2?idpid=%1$s" validUntil="2031-05-12T10:20:30.000Z">
                  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    %2$s
                    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
                    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://accounts.google.com/o/saml2/idp?idpid=%1$s"/>
                    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://accounts.google.com/o/saml2/idp?idpid=%1$s"/>
                  </md:IDPSSODescriptor>
                </md:EntityDescriptor>
                """.formatted(idpId, keyDescriptor(null, signing));
    }
}
