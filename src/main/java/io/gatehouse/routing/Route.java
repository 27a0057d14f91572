package io.gatehouse.routing;

import io.gatehouse.idp.IdpAlias;
import io.gatehouse.tenancy.OrgId;

/** Where a sign-in goes: one active identity provider of one org. */
public record Route(OrgId org, IdpAlias alias, String displayName) {
}
