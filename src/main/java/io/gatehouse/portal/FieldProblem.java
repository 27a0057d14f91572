package io.gatehouse.portal;

import io.gatehouse.pages.Text;

/** A refusal of the setup form, as the portal shows it next to the field it concerns ({@code ""}: the form). */
public record FieldProblem(String field, Text message) {
}
