package io.gatehouse.access;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What an organization's API key may do. */
public enum ApiKeyRole {
    /** Everything in the organization, including its keys. */
    ORG_ADMIN("org_admin"),
    /** Identity providers only: the "Manage Authentication Providers" permission. */
    IDP_MANAGER("idp_manager"),
    /** Read only. */
    VIEWER("viewer");

    private final String wireName;

    ApiKeyRole(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ApiKeyRole> fromWireName(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ApiKeyRole::wireName).toList();
    }

    boolean grants(Permission permission) {
        return switch (permission) {
            case READ -> true;
            case MANAGE_IDENTITY_PROVIDERS -> this == ORG_ADMIN || this == IDP_MANAGER;
            case MANAGE_ORG -> this == ORG_ADMIN;
            case PLATFORM -> false;
        };
    }
}
