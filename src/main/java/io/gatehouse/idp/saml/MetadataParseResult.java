package io.gatehouse.idp.saml;

import java.util.List;

/** The outcome of parsing IdP metadata. */
public sealed interface MetadataParseResult {
    /** Usable metadata. */
    record Parsed(IdpMetadata metadata) implements MetadataParseResult {
    }

    /** Refused, with every problem found. */
    record Rejected(List<MetadataProblem> problems) implements MetadataParseResult {
        public Rejected {
            problems = List.copyOf(problems);
        }
    }

    /** One problem: a stable code and a sentence for the admin. */
    record MetadataProblem(String code, String message) {
    }
}
