package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardedTableTest {
    @Test
    void aChangeMakesANewTableAndLeavesTheOldOneAsItWas() {
        Map<String, Integer> entries = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            entries.put("company" + i + ".com", i);
        }
        ShardedTable<String, Integer> before = ShardedTable.of(entries);
        for (int i = 0; i < 10_000; i++) {
            assertThat(before.get("company" + i + ".com")).isEqualTo(i);
        }
        assertThat(before.get("unknown.com")).isNull();

        // removals apply before the new entries, so a key both removed and put (a domain moving from
        // one org to another in the same refresh) ends up with its new value
        ShardedTable<String, Integer> after = before.with(Map.of("company1.com", -1, "new.com", 42),
                List.of("company1.com", "company2.com"));
        assertThat(after.get("company1.com")).isEqualTo(-1);
        assertThat(after.get("company2.com")).isNull();
        assertThat(after.get("new.com")).isEqualTo(42);
        assertThat(after.get("company3.com")).isEqualTo(3);

        assertThat(before.get("company1.com")).isEqualTo(1);
        assertThat(before.get("company2.com")).isEqualTo(2);
        assertThat(before.get("new.com")).isNull();
        assertThat(ShardedTable.<String, Integer>empty().get("company1.com")).isNull();
    }
}
