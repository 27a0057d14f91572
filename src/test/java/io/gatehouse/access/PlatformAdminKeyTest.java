package io.gatehouse.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.GatehouseApplication;
import io.gatehouse.testkit.GatehouseInitializers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A platform-admin key too short to resist guessing stops Gatehouse from starting, and the refusal says why. */
class PlatformAdminKeyTest {

    private static ConfigurableApplicationContext start(Path dataDir, String adminKey) {
        return new SpringApplicationBuilder(GatehouseApplication.class).web(WebApplicationType.SERVLET)
                .properties("server.port=0", "gatehouse.admin-key=" + adminKey, "gatehouse.master-key=" + GatehouseInitializers.MASTER_KEY,
                        "gatehouse.data-dir=" + dataDir, "gatehouse.sp-key-pool-size=1")
                .run();
    }

    @Test
    void anAdminKeyShorterThan32CharactersStopsTheStartAndSaysWhy(@TempDir Path dataDir) {
        String shortKey = "k".repeat(PlatformAdminKey.MIN_LENGTH - 1);
        assertThatThrownBy(() -> start(dataDir, shortKey).close()).rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("GATEHOUSE_ADMIN_KEY is 31 characters long")
                .hasMessageContaining("at least " + PlatformAdminKey.MIN_LENGTH + " characters")
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void aShortKeyInTheDataFolderIsRefusedToo(@TempDir Path dataDir) throws Exception {
        Files.writeString(dataDir.resolve("admin.key"), "short-admin-key\n");
        assertThatThrownBy(() -> start(dataDir, "").close()).rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("admin.key is 15 characters long")
                .hasMessageNotContaining("short-admin-key");
    }

    @Test
    void anAdminKeyOf32CharactersStartsAndAuthenticates(@TempDir Path dataDir) {
        String key = "k".repeat(PlatformAdminKey.MIN_LENGTH);
        try (ConfigurableApplicationContext context = start(dataDir, key)) {
            ApiKeys keys = context.getBean(ApiKeys.class);
            assertThat(keys.authenticate(key)).containsInstanceOf(Caller.PlatformAdmin.class);
            assertThat(keys.authenticate(key + "x")).isEmpty();
        }
    }
}
