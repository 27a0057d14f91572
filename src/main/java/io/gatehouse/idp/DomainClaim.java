package io.gatehouse.idp;

import io.gatehouse.tenancy.OrgId;

/** An org's claim on an email domain, made by listing it on one of its identity providers (enabled or not). */
public record DomainClaim(EmailDomain domain, OrgId org, boolean enabled) {
}
