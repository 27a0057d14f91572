package io.gatehouse.testkit;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.Protocol;
import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.tenancy.OrgId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Brokered identities as a sign-in would produce them, built field by field. */
public final class TestIdentities {
    private TestIdentities() {
    }

    /** An identity of the given provider, with nothing asserted but the subject. */
    public static Builder of(IdentityProvider idp, String subject) {
        return new Builder(idp.org(), idp.id(), idp.alias(), idp.protocol(), subject);
    }

    /** An identity of a provider that exists only in a unit test. */
    public static Builder oidc(String subject) {
        return new Builder(new OrgId("acme"), "idp-1", new IdpAlias("acme-oidc"), Protocol.OIDC, subject);
    }

    /** A SAML identity of a provider that exists only in a unit test. */
    public static Builder saml(String subject) {
        return new Builder(new OrgId("acme"), "idp-1", new IdpAlias("acme-saml"), Protocol.SAML, subject);
    }

    /** Fills a {@link BrokeredIdentity}. */
    public static final class Builder {
        private final OrgId org;
        private final String idpId;
        private final IdpAlias alias;
        private final Protocol protocol;
        private final String subject;
        private Optional<String> email = Optional.empty();
        private Optional<Boolean> emailVerified = Optional.empty();
        private Optional<String> givenName = Optional.empty();
        private Optional<String> familyName = Optional.empty();
        private Optional<String> name = Optional.empty();
        private List<String> groups = new ArrayList<>();
        private final Map<String, List<String>> raw = new LinkedHashMap<>();

        private Builder(OrgId org, String idpId, IdpAlias alias, Protocol protocol, String subject) {
            this.org = org;
            this.idpId = idpId;
            this.alias = alias;
            this.protocol = protocol;
            this.subject = subject;
        }

        public Builder email(String v) {
            email = Optional.of(v);
            return this;
        }

        public Builder emailVerified(boolean v) {
            emailVerified = Optional.of(v);
            return this;
        }

        public Builder givenName(String v) {
            givenName = Optional.of(v);
            return this;
        }

        public Builder familyName(String v) {
            familyName = Optional.of(v);
            return this;
        }

        public Builder name(String v) {
            name = Optional.of(v);
            return this;
        }

        public Builder groups(String... v) {
            groups = List.of(v);
            return this;
        }

        /** A raw attribute or claim, as asserted. */
        public Builder attribute(String attributeName, String... values) {
            raw.put(attributeName, List.of(values));
            return this;
        }

        public BrokeredIdentity build() {
            return new BrokeredIdentity(org, idpId, alias, protocol, subject, Optional.empty(), Optional.empty(), email,
                    emailVerified, givenName, familyName, name, groups, raw, Optional.empty());
        }
    }
}
