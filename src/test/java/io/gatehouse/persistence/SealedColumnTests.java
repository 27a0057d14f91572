package io.gatehouse.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.crypto.MasterKeys;
import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.SealedStore;
import io.gatehouse.crypto.SecretBox;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Re-sealing a column of secrets under the primary master key on a real database: batch after
 * batch, leaving what does not open as it is, keeping an edit made between the read and the write,
 * and with two nodes at once moving every row exactly once.
 */
abstract class SealedColumnTests {
    private static final SealedColumn.Spec SPEC = new SealedColumn.Spec("test secrets", "sealed_things", "id", "key_id",
            "secret", "owner", "thing:");
    private final String k1 = newKey();
    private final String k2 = newKey();
    private final String k3 = newKey();
    @TempDir
    Path dir;
    private JdbcClient jdbc;

    private HikariDataSource dataSource;

    /** A fresh, empty database of the kind under test. */
    protected abstract HikariConfig database();

    @BeforeEach
    void table() {
        HikariConfig config = database();
        config.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(config);
        jdbc = JdbcClient.create(dataSource);
        jdbc.sql("create table sealed_things (id varchar(36) primary key, owner varchar(36) not null,"
                + " key_id varchar(32), secret text, version bigint not null)").update();
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private SecretBox box(String keys) {
        return MasterKeys.load(keys, dir);
    }

    private void insert(String id, SecretBox sealer, String plaintext) {
        SealedSecret s = sealer.sealString(plaintext, "thing:" + id);
        jdbc.sql("insert into sealed_things (id, owner, key_id, secret, version) values (?, ?, ?, ?, 7)")
                .params(id, "owner-" + id, s.keyId(), s.ciphertext()).update();
    }

    private SealedSecret stored(String id) {
        return jdbc.sql("select key_id, secret from sealed_things where id = ?").param(id)
                .query((rs, n) -> new SealedSecret(rs.getString(1), rs.getString(2))).single();
    }

    /** Batches until the store says it is through; the sums of what they did. */
    private static int[] pass(SealedStore store, int limit) {
        int resealed = 0;
        int unopenable = 0;
        Optional<String> after = Optional.empty();
        SealedStore.Batch batch;
        do {
            batch = store.resealNext(after, limit);
            after = batch.last();
            resealed += batch.resealed();
            unopenable += batch.unopenable();
        } while (!batch.done(limit));
        return new int[] {resealed, unopenable};
    }

    @Test
    void movesEveryRowOffOlderKeysInBatchesAndLeavesWhatDoesNotOpenAsItIs() {
        SecretBox onlyK1 = box(k1);
        SecretBox onlyK3 = box(k3);
        SecretBox rotated = box(k2 + "," + k1);
        for (int i = 0; i < 230; i++) {
            insert("r%03d".formatted(i), i < 200 ? onlyK1 : rotated, "secret-" + i);
        }
        for (int i = 0; i < 20; i++) {
            insert("x%03d".formatted(i), onlyK3, "lost-" + i);
        }
        insert("t000", onlyK1, "tampered");
        SealedSecret good = stored("t000");
        byte[] bytes = Base64.getDecoder().decode(good.ciphertext());
        bytes[bytes.length - 1] ^= 1;
        jdbc.sql("update sealed_things set secret = ? where id = 't000'")
                .param(Base64.getEncoder().encodeToString(bytes)).update();
        String k3Id = stored("x000").keyId();
        String k1Id = good.keyId();

        List<SealedColumn.Lost> lost = new CopyOnWriteArrayList<>();
        SealedColumn column = new SealedColumn(jdbc, rotated, SPEC, lost::add);
        int[] did = pass(column, 100);
        assertThat(did).containsExactly(200, 21);
        assertThat(lost).hasSize(21);
        assertThat(lost).filteredOn(l -> !l.keyLoaded()).extracting(SealedColumn.Lost::keyId).containsOnly(k3Id);
        assertThat(lost).filteredOn(SealedColumn.Lost::keyLoaded).extracting(SealedColumn.Lost::rowId,
                SealedColumn.Lost::ownerId).containsExactly(org.assertj.core.groups.Tuple.tuple("t000", "owner-t000"));
        assertThat(column.countByKeyId()).isEqualTo(Map.of(rotated.primaryKeyId(), 230L, k3Id, 20L, k1Id, 1L));
        for (int i = 0; i < 230; i++) {
            String id = "r%03d".formatted(i);
            assertThat(stored(id).keyId()).isEqualTo(rotated.primaryKeyId());
            assertThat(box(k2).openString(stored(id), "thing:" + id)).isEqualTo("secret-" + i);
        }
        // nothing but the key and the ciphertext changed
        assertThat(jdbc.sql("select count(*) from sealed_things where version <> 7").query(Integer.class).single())
                .isZero();
        // a second pass finds only what cannot be opened
        assertThat(pass(column, 100)).containsExactly(0, 21);
    }

    @Test
    void anEditBetweenTheReadAndTheWriteIsKept() {
        SecretBox onlyK1 = box(k1);
        SecretBox rotated = box(k2 + "," + k1);
        insert("a", box(k3), "lost");
        insert("b", onlyK1, "before");
        // while the batch is under way (it has read both rows, and reached the first), a node still
        // sealing with K1 saves "b" anew
        Consumer<SealedColumn.Lost> editB = l -> {
            SealedSecret edited = onlyK1.sealString("edited", "thing:b");
            jdbc.sql("update sealed_things set key_id = ?, secret = ?, version = version + 1 where id = 'b'")
                    .params(edited.keyId(), edited.ciphertext()).update();
        };
        SealedStore.Batch batch = new SealedColumn(jdbc, rotated, SPEC, editB).resealNext(Optional.empty(), 10);
        assertThat(batch.resealed()).isZero();
        assertThat(onlyK1.openString(stored("b"), "thing:b")).isEqualTo("edited");

        // the twin: with nobody editing, the next pass moves the edited value
        SealedStore.Batch next = new SealedColumn(jdbc, rotated, SPEC, l -> { }).resealNext(Optional.empty(), 10);
        assertThat(next.resealed()).isEqualTo(1);
        assertThat(stored("b").keyId()).isEqualTo(rotated.primaryKeyId());
        assertThat(box(k2).openString(stored("b"), "thing:b")).isEqualTo("edited");
    }

    @Test
    void twoNodesRotatingAtOnceMoveEveryRowExactlyOnce() throws Exception {
        SecretBox onlyK1 = box(k1);
        for (int i = 0; i < 300; i++) {
            insert("n%03d".formatted(i), onlyK1, "secret-" + i);
        }
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            List<Future<int[]>> passes = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                // each node loads the keys itself, as two processes do
                SealedColumn column = new SealedColumn(jdbc, box(k2 + "," + k1), SPEC, l -> { });
                passes.add(nodes.submit(() -> {
                    together.await();
                    return pass(column, 7);
                }));
            }
            int resealed = 0;
            for (Future<int[]> p : passes) {
                int[] did = p.get();
                assertThat(did[1]).isZero();
                resealed += did[0];
            }
            assertThat(resealed).isEqualTo(300);
        } finally {
            nodes.shutdownNow();
        }
        SecretBox k2Only = box(k2);
        for (int i = 0; i < 300; i++) {
            String id = "n%03d".formatted(i);
            assertThat(k2Only.openString(stored(id), "thing:" + id)).isEqualTo("secret-" + i);
        }
    }
}
