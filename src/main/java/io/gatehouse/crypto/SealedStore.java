package io.gatehouse.crypto;

import java.util.Map;
import java.util.Optional;

/**
 * A place where secrets are kept sealed at rest (a table's column): what the master-key rotation
 * counts per key and moves, a batch at a time, to the primary key.
 */
public interface SealedStore {
    /** What its records are, for logs ("identity provider secrets"). */
    String name();

    /** How many records each key id seals, by the id as stored. */
    Map<String, Long> countByKeyId();

    /**
     * Re-seals under the primary key up to {@code limit} records not sealed under it, those after
     * {@code after} in the store's order. A record that does not open here is reported by the store
     * and left as it is; a record changed meanwhile by someone else is left to them.
     */
    Batch resealNext(Optional<String> after, int limit);

    /** A store whose sealed records are one column, which does the work. */
    interface InOneColumn extends SealedStore {
        SealedStore column();

        @Override
        default String name() {
            return column().name();
        }

        @Override
        default Map<String, Long> countByKeyId() {
            return column().countByKeyId();
        }

        @Override
        default Batch resealNext(Optional<String> after, int limit) {
            return column().resealNext(after, limit);
        }
    }

    /** What one batch looked at ({@code examined} below the limit: the last batch) and did. */
    record Batch(int examined, Optional<String> last, int resealed, int unopenable) {
        public boolean done(int limit) {
            return examined < limit;
        }
    }
}
