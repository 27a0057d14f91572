package io.gatehouse.portal;

import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.pages.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns the registry's refusals into plain words with a fix, per portal field. */
public final class SetupFixes {
    private SetupFixes() {
    }

    public static List<FieldProblem> explain(ProblemException refusal, Locale locale) {
        List<FieldProblem> out = new ArrayList<>();
        for (FieldError e : refusal.errors()) {
            out.add(new FieldProblem(field(e.field()), Text.of("fix.generic", e.message())));
        }
        if (out.isEmpty()) {
            out.add(new FieldProblem("", Text.of("fix.generic", refusal.getMessage())));
        }
        return out;
    }

    static String field(String path) {
        return switch (path.replaceAll("\\[\\d+]$", "")) {
            case "display_name" -> "display_name";
            case "saml", "saml.metadata_xml" -> "metadata_file";
            case "saml.metadata_url" -> "metadata_url";
            case "oidc.issuer" -> "issuer";
            case "oidc.client_id" -> "client_id";
            case "oidc.client_secret" -> "client_secret";
            case "domains" -> "domains";
            default -> "";
        };
    }
}
