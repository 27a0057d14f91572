package io.gatehouse.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.GatehouseInitializers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/** Demo mode's domains are verified (by hand, method manual): its sign-ins by email keep working. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ContextConfiguration(initializers = GatehouseInitializers.DemoOnH2.class)
class DemoDomainsTest {
    @LocalServerPort
    int port;

    @Test
    void theDemoDomainsAreVerified() {
        ApiClient.Reply r = new ApiClient(port).get("/api/orgs/demo/domains", GatehouseInitializers.ADMIN_KEY);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> states = new ArrayList<>();
        r.json().get("items").forEach(d -> states.add(d.get("domain").asString() + " " + d.get("status").asString()
                + " " + d.get("method").asString()));
        assertThat(states).containsExactlyInAnyOrder("saml-demo.example.com verified manual",
                "oidc-demo.example.com verified manual");
    }
}
