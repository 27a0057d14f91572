package io.gatehouse.access;

/** What an operation needs from its caller. */
public enum Permission {
    READ,
    MANAGE_IDENTITY_PROVIDERS,
    MANAGE_ORG,
    PLATFORM
}
