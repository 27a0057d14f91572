package io.gatehouse.idp.saml;

import io.gatehouse.crypto.KeyPairPool;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Off the request path: starts the key pool once Gatehouse is up (so key generation never slows
 * start-up) and gives SAML providers created while the pool was dry their keys.
 */
@Component
class SpKeyProvisioner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpKeyProvisioner.class);
    private final SpKeys keys;
    private final KeyPairPool pool;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sp-key-provisioner").priority(Thread.MIN_PRIORITY).factory());

    SpKeyProvisioner(SpKeys keys, KeyPairPool pool, Clock clock) {
        this.keys = keys;
        this.pool = pool;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        pool.start();
        scheduler.scheduleWithFixedDelay(this::provision, 5, 5, TimeUnit.SECONDS);
    }

    /**
     * Providers waiting for keys get them as fast as the pool's refill makes them, and no faster:
     * generating here too would add a second, unbounded claim on the CPU while the API is busy.
     */
    void provision() {
        try {
            for (String idpId : keys.waitingForKeys(8)) {
                if (!keys.provisionFromPool(idpId, clock.instant())) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            // the next round tries again; a database hiccup must not end the provisioner
            LOG.warn("SP key provisioning round failed: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
