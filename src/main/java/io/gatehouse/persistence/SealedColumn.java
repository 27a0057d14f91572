package io.gatehouse.persistence;

import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.SealedStore;
import io.gatehouse.crypto.SecretBox;
import io.gatehouse.crypto.SecretBoxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One table column of sealed secrets, its key id in the next column and its associated data a
 * prefix plus the row's id: counted per master key, and re-sealed under the primary key a batch at
 * a time. A row is rewritten only while it still holds the ciphertext that was read (compare and
 * set on it), so nodes doing this at once and edits meanwhile lose nothing; nothing else of the row
 * changes, so its version, caches keyed by it and the audit trail stay as they are: the secret did
 * not change, only the key it is sealed with.
 */
public final class SealedColumn implements SealedStore {
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final Spec spec;
    private final Consumer<Lost> onLost;

    /**
     * Where the column is. The names are the stores' constants, never input: they are put into SQL.
     * {@code owner} is the column naming whose secret it is (reported when it cannot be opened).
     */
    public record Spec(String name, String table, String id, String keyId, String ciphertext, String owner,
                       String associatedDataPrefix) {
    }

    /** A sealed value that does not open here: its key is not loaded, or it does not decrypt. */
    public record Lost(String rowId, String ownerId, String keyId, boolean keyLoaded) {
    }

    public SealedColumn(JdbcClient jdbc, SecretBox box, Spec spec, Consumer<Lost> onLost) {
        this.jdbc = jdbc;
        this.box = box;
        this.spec = spec;
        this.onLost = onLost;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Map<String, Long> countByKeyId() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("select " + spec.keyId() + ", count(*) from " + spec.table() + " where " + spec.keyId()
                        + " is not null group by " + spec.keyId())
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    private record Row(String id, String owner, SealedSecret sealed) {
    }

    @Override
    public Batch resealNext(Optional<String> after, int limit) {
        String primary = box.primaryKeyId();
        // "<> primary" written as two ranges, which an index on the key id column can serve
        List<Row> rows = jdbc.sql("select " + spec.id() + ", " + spec.owner() + ", " + spec.keyId() + ", "
                        + spec.ciphertext() + " from " + spec.table() + " where (" + spec.keyId() + " < ? or "
                        + spec.keyId() + " > ?) and " + spec.id() + " > ? order by " + spec.id() + " limit ?")
                .params(primary, primary, after.orElse(""), limit)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2),
                        new SealedSecret(rs.getString(3), rs.getString(4))))
                .list();
        int resealed = 0;
        int lost = 0;
        for (Row row : rows) {
            if (!box.opens(row.sealed().keyId())) {
                lost++;
                onLost.accept(new Lost(row.id(), row.owner(), row.sealed().keyId(), false));
                continue;
            }
            SealedSecret fresh;
            try {
                fresh = box.reseal(row.sealed(), associatedData(row.id()));
            } catch (SecretBoxException e) {
                lost++;
                onLost.accept(new Lost(row.id(), row.owner(), row.sealed().keyId(), true));
                continue;
            }
            resealed += jdbc.sql("update " + spec.table() + " set " + spec.keyId() + " = ?, " + spec.ciphertext()
                            + " = ? where " + spec.id() + " = ? and " + spec.keyId() + " = ? and " + spec.ciphertext()
                            + " = ?")
                    .params(fresh.keyId(), fresh.ciphertext(), row.id(), row.sealed().keyId(),
                            row.sealed().ciphertext())
                    .update();
        }
        return new Batch(rows.size(), rows.isEmpty() ? after : Optional.of(rows.getLast().id()), resealed, lost);
    }

    private byte[] associatedData(String rowId) {
        return (spec.associatedDataPrefix() + rowId).getBytes(StandardCharsets.UTF_8);
    }
}
