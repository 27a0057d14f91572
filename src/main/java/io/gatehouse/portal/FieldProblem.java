package io.gatehouse.portal;

import io.gatehouse.pages.Text;
import java.util.Objects;

/**
 * A refusal of the setup form, as the portal shows it next to the field it concerns.
 *
 * @param field   the portal form's field ({@code display_name}, {@code metadata_file}, {@code metadata_url},
 *                {@code issuer}, {@code client_id}, {@code client_secret}, {@code domains}), or {@code ""}
 *                for a problem of the whole form
 * @param message what is wrong and what to do, from the {@code fixes} bundles
 */
public record FieldProblem(String field, Text message) {
    public FieldProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}
