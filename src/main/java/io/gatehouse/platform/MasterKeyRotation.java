package io.gatehouse.platform;

import io.gatehouse.crypto.SealedStore;
import io.gatehouse.crypto.SecretBox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Moves every sealed secret and private key to the first key of GATEHOUSE_MASTER_KEY, in the
 * background: shortly after start, then every hour (a node still running with the old list may have
 * sealed more meanwhile). Batches of rows, each rewritten by compare-and-set, so several nodes may
 * run it at once. What does not open is left as it is and named by its store.
 */
@Component
class MasterKeyRotation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MasterKeyRotation.class);
    private static final Duration FIRST = Duration.ofSeconds(5);
    private static final Duration EVERY = Duration.ofHours(1);
    static final int BATCH = 100;
    private final List<SealedStore> stores;
    private final SecretBox box;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("master-key-rotation").factory());

    MasterKeyRotation(List<SealedStore> stores, SecretBox box) {
        this.stores = List.copyOf(stores);
        this.box = box;
    }

    /** What one pass did: records moved to the primary key, and records that do not open here. */
    record Pass(int resealed, int unopenable) {
    }

    /** What each master key protects: its id (as shown) to the number of records sealed with it. */
    record Report(String primaryKeyId, Map<String, Long> records, List<String> missingKeyIds) {
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        // the ids, never the keys: what an operator matches against GET /api/platform/encryption
        List<String> ids = box.keyIds();
        LOG.info("Master keys: {} seals{}", ids.getFirst(), ids.size() > 1
                ? "; " + String.join(", ", ids.subList(1, ids.size())) + " only open, until the rotation moves"
                + " what they seal" : "");
        scheduler.scheduleWithFixedDelay(this::runQuietly, FIRST.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over every store, batch after batch. */
    Pass run() {
        int resealed = 0;
        int unopenable = 0;
        for (SealedStore store : stores) {
            Optional<String> after = Optional.empty();
            SealedStore.Batch batch;
            do {
                batch = store.resealNext(after, BATCH);
                after = batch.last();
                resealed += batch.resealed();
                unopenable += batch.unopenable();
            } while (!batch.done(BATCH));
        }
        if (resealed > 0) {
            LOG.info("Master-key rotation: re-sealed {} secrets and private keys under master key {}", resealed,
                    box.primaryKeyId());
        }
        if (unopenable > 0) {
            LOG.warn("Master-key rotation: {} secrets and private keys cannot be opened with the configured master"
                    + " keys; GET /api/platform/encryption counts them, the orgs' events name them", unopenable);
        }
        return new Pass(resealed, unopenable);
    }

    private void runQuietly() {
        try {
            run();
        } catch (RuntimeException e) {
            // a database hiccup must not end the schedule; the next round goes on where this one stopped
            LOG.warn("Master-key rotation round failed: {}", e.getClass().getSimpleName());
        }
    }

    Report report() {
        Map<String, Long> records = new LinkedHashMap<>();
        box.keyIds().forEach(id -> records.put(id, 0L));
        for (SealedStore store : stores) {
            store.countByKeyId().forEach((stored, n) -> records.merge(box.displayId(stored), n, Long::sum));
        }
        List<String> missing = new ArrayList<>();
        records.forEach((id, n) -> {
            if (!box.opens(id) && n > 0) {
                missing.add(id);
            }
        });
        return new Report(box.primaryKeyId(), records, missing);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
