package io.gatehouse.compat;

import io.gatehouse.access.Caller;
import io.gatehouse.access.Permission;
import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/** The organization a compatibility call acts on: the credential's own, since the seeds' paths name none. */
final class CredentialOrg {
    /** Lets the platform key act for one org, as the seeds' per-tenant tokens would. */
    static final String ORG_HEADER = "X-Gatehouse-Org";

    private CredentialOrg() {
    }

    /**
     * The org, once the credential is known to be allowed to manage its identity providers: the
     * seeds' creating calls check the role before they read the body, so that a viewer's request
     * is refused as such (403) whatever its body holds.
     */
    static OrgId managed(Caller caller, HttpServletRequest request) {
        OrgId org = of(caller, request);
        caller.require(org, Permission.MANAGE_IDENTITY_PROVIDERS);
        return org;
    }

    static OrgId of(Caller caller, HttpServletRequest request) {
        return switch (caller) {
            case Caller.OrgKey key -> key.org();
            // the portal's callers never reach these endpoints; were one to, it stays in its own org
            case Caller.SetupLink link -> link.org();
            case Caller.PlatformAdmin admin -> Optional.ofNullable(request.getHeader(ORG_HEADER)).flatMap(OrgId::parse)
                    .orElseThrow(() -> new ProblemException(ErrorCode.FORBIDDEN,
                            "Use an organization API key (or the platform key with an " + ORG_HEADER + " header)"));
        };
    }
}
