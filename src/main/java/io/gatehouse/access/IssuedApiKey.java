package io.gatehouse.access;

import io.gatehouse.crypto.Secret;

/** A freshly created key: the only moment its plaintext exists outside the caller's hands. */
public record IssuedApiKey(ApiKey key, Secret plaintext) {
}
