package io.gatehouse.routing;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * An immutable map split into a fixed number of shards, so that changing a few keys copies only the
 * shards that hold them. The routing table has 200,000 domains; copying it whole for each changed
 * org took tens of milliseconds on the lookup that first saw the change.
 */
final class ShardedTable<K, V> {
    private static final int SHARD_BITS = 10;
    private static final int SHARDS = 1 << SHARD_BITS;
    private static final ShardedTable<?, ?> EMPTY = new ShardedTable<>(emptyShards());

    private final Map<K, V>[] shards;

    private ShardedTable(Map<K, V>[] shards) {
        this.shards = shards;
    }

    @SuppressWarnings("unchecked")
    static <K, V> ShardedTable<K, V> empty() {
        return (ShardedTable<K, V>) EMPTY;
    }

    static <K, V> ShardedTable<K, V> of(Map<K, V> entries) {
        return ShardedTable.<K, V>empty().with(entries, java.util.List.of());
    }

    V get(K key) {
        return shards[shard(key)].get(key);
    }

    /** A table with {@code removed} keys gone, then {@code put} entries set; this one is unchanged. */
    ShardedTable<K, V> with(Map<K, V> put, Collection<K> removed) {
        Map<K, V>[] next = shards.clone();
        boolean[] copied = new boolean[SHARDS];
        for (K key : removed) {
            writable(next, copied, shard(key)).remove(key);
        }
        put.forEach((key, value) -> writable(next, copied, shard(key)).put(key, value));
        return new ShardedTable<>(next);
    }

    private static <K, V> Map<K, V> writable(Map<K, V>[] shards, boolean[] copied, int index) {
        if (!copied[index]) {
            shards[index] = new HashMap<>(shards[index]);
            copied[index] = true;
        }
        return shards[index];
    }

    /**
     * The shard from the top bits of a multiplicative hash: HashMap picks a bucket from the low bits,
     * so a shard chosen from those would put all of a shard's keys in one bucket.
     */
    private static int shard(Object key) {
        int h = key.hashCode();
        return ((h ^ (h >>> 16)) * 0x9E3779B9) >>> (Integer.SIZE - SHARD_BITS);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Map<K, V>[] emptyShards() {
        Map<K, V>[] shards = new Map[SHARDS];
        java.util.Arrays.fill(shards, Map.of());
        return shards;
    }
}
