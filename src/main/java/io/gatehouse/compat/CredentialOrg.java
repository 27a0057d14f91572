package io.gatehouse.compat;

import io.gatehouse.access.Caller;
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

    static OrgId of(Caller caller, HttpServletRequest request) {
        return switch (caller) {
            case Caller.OrgKey key -> key.org();
            case Caller.PlatformAdmin admin -> Optional.ofNullable(request.getHeader(ORG_HEADER)).flatMap(OrgId::parse)
                    .orElseThrow(() -> new ProblemException(ErrorCode.FORBIDDEN,
                            "Use an organization API key (or the platform key with an " + ORG_HEADER + " header)"));
        };
    }
}
