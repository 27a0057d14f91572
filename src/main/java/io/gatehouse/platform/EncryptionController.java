package io.gatehouse.platform;

import io.gatehouse.access.Caller;
import io.gatehouse.api.Representation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/platform/encryption}: what each master key still protects, so that an operator
 * knows when an old key may leave GATEHOUSE_MASTER_KEY, and what is lost when one left too early.
 */
@RestController
class EncryptionController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final MasterKeyRotation rotation;

    EncryptionController(MasterKeyRotation rotation) {
        this.rotation = rotation;
    }

    @GetMapping("/api/platform/encryption")
    Representation encryption(Caller caller) {
        caller.requirePlatform();
        MasterKeyRotation.Report report = rotation.report();
        ObjectNode body = JSON.createObjectNode();
        body.put("primary_key_id", report.primaryKeyId());
        ObjectNode records = body.putObject("records");
        report.records().forEach(records::put);
        body.putArray("missing_key_ids").addAll(report.missingKeyIds().stream()
                .map(JSON.getNodeFactory()::stringNode).toList());
        return Representation.of(body, "encryption", "/api/platform/encryption");
    }
}
