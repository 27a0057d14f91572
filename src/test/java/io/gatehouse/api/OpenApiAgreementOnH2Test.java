package io.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.OnH2;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/** The served OpenAPI document names every operation the application serves, and every error code. */
@OnH2
class OpenApiAgreementOnH2Test extends ApiTest {
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyServedOperationIsDocumented() {
        ApiClientReply reply = new ApiClientReply(api.get("/api/openapi.json", null));
        assertThat(reply.status).isEqualTo(200);
        JsonNode doc = reply.json;
        assertThat(doc.get("openapi").asString()).startsWith("3.1");
        List<String> missing = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (!handler.getBeanType().getPackageName().startsWith("io.gatehouse")) {
                return;
            }
            for (String path : info.getPatternValues()) {
                for (var method : info.getMethodsCondition().getMethods()) {
                    if (doc.path("paths").path(path).path(method.name().toLowerCase()).isMissingNode()) {
                        missing.add(method + " " + path);
                    }
                }
            }
        });
        assertThat(missing).isEmpty();
    }

    @Test
    void everyErrorCodeIsDocumented() {
        String text = api.get("/api/openapi.json", null).text();
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(text).as(code.name()).contains("\"" + code.code() + "\"");
        }
    }

    /** The reply's parts this test reads. */
    private static final class ApiClientReply {
        final int status;
        final JsonNode json;

        ApiClientReply(io.gatehouse.testkit.ApiClient.Reply reply) {
            this.status = reply.status();
            this.json = reply.json();
        }
    }
}
