package io.gatehouse.api;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A response body in its neutral JSON form plus what the other negotiated forms need: its HAL
 * links and the XML root element name; collections add the field holding the items (CSV rows).
 */
public sealed interface Representation {
    JsonNode body();

    String xmlRoot();

    Map<String, String> links();

    static Single of(JsonNode body, String xmlRoot, String selfHref) {
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", selfHref);
        return new Single(body, xmlRoot, links);
    }

    /** One resource. */
    record Single(JsonNode body, String xmlRoot, Map<String, String> links) implements Representation {
    }

    /** A page of resources under {@code itemsField}; {@code itemSelf} is a link template with "{id}". */
    record Collection(JsonNode body, String xmlRoot, Map<String, String> links, String itemsField,
                      String itemSelf, String itemIdField) implements Representation {
    }
}
