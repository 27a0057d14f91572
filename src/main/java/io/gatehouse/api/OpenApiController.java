package io.gatehouse.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the OpenAPI document at {@code /api/openapi.json}. It is written by hand against the API
 * contract (a test holds it to the controllers), which describes the strict request rules more
 * exactly than generation from the tree-reading controllers could.
 */
@RestController
class OpenApiController {
    private final byte[] document;

    OpenApiController() {
        try (InputStream in = OpenApiController.class.getResourceAsStream("/openapi/gatehouse.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi/gatehouse.json is missing from the class path");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping("/api/openapi.json")
    ResponseEntity<byte[]> openApi() {
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_TYPE, "application/json").body(document);
    }
}
