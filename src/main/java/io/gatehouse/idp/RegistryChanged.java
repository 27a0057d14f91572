package io.gatehouse.idp;

import io.gatehouse.tenancy.OrgId;

/** Published on this node after a committed change to an org's identity providers (routing listens). */
public record RegistryChanged(OrgId org) {
}
