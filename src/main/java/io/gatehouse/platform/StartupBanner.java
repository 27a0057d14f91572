package io.gatehouse.platform;

import io.gatehouse.access.PlatformAdminKey;
import io.gatehouse.config.GatehouseProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells the person who started Gatehouse where it is and how to use it. */
@Component
class StartupBanner {
    private final GatehouseProperties properties;
    private final PlatformAdminKey adminKey;

    StartupBanner(GatehouseProperties properties, PlatformAdminKey adminKey) {
        this.properties = properties;
        this.adminKey = adminKey;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready() {
        StringBuilder b = new StringBuilder("\n  Gatehouse is ready at ").append(properties.baseUrl()).append('\n');
        b.append("  Database: ").append(properties.usesEmbeddedDatabase()
                ? "embedded H2 in " + properties.dataDir().toAbsolutePath() : "PostgreSQL").append('\n');
        if (adminKey.generated()) {
            // printed on the console for the person starting it, deliberately not through the log
            b.append("  Platform admin key: ").append(adminKey.forBanner().orElseThrow())
                    .append("   (stored in ").append(properties.dataDir().resolve("admin.key")).append(")\n");
        } else if (adminKey.forBanner().isPresent()) {
            b.append("  Platform admin key: the value of GATEHOUSE_ADMIN_KEY\n");
        } else {
            b.append("  No platform admin key: set GATEHOUSE_ADMIN_KEY to manage organizations\n");
        }
        if (properties.demo()) {
            b.append("  Demo mode: open ").append(properties.baseUrl()).append("/demo and sign in through the built-in")
                    .append(" SAML and OIDC demo identity providers (users alice and bob, password demo)\n");
        }
        b.append("  Try: curl -H \"Authorization: Bearer <admin key>\" ").append(properties.baseUrl()).append("/api/orgs\n");
        System.out.println(b);
    }
}
