package io.gatehouse.metadata;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** A document fetched from an identity provider: where it finally came from, its type, body and freshness. */
public record FetchedDocument(URI finalUri, int status, String contentType, byte[] body, Optional<Duration> maxAge) {
}
