package io.gatehouse.crypto;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A few pre-generated RSA keys with certificates, refilled in the background. RSA generation costs
 * 50-200 ms; drawing from the pool keeps creating a SAML identity provider fast. When the pool is
 * empty the caller generates its own rather than wait.
 */
public final class KeyPairPool implements AutoCloseable {
    static final Duration VALIDITY = Duration.ofDays(5 * 365);
    private final BlockingQueue<KeyAndCertificate> ready;
    private final Clock clock;
    private volatile Thread refiller;
    private volatile boolean closed;

    public KeyPairPool(int capacity, Clock clock) {
        this.ready = new ArrayBlockingQueue<>(capacity);
        this.clock = clock;
    }

    public synchronized void start() {
        if (refiller != null) {
            return;
        }
        Thread t = Thread.ofPlatform().daemon().name("sp-key-pool").priority(Thread.MIN_PRIORITY).unstarted(this::refill);
        refiller = t;
        t.start();
    }

    /** A pooled pair if one is ready; never generates on the caller's thread. */
    public java.util.Optional<KeyAndCertificate> poll() {
        KeyAndCertificate key = ready.poll();
        unparkRefiller();
        return java.util.Optional.ofNullable(key);
    }

    /**
     * {@code count} pooled pairs at once, or none (those drawn go back, or are dropped if the refill
     * filled the pool meanwhile): a caller that needs several never strands a single key.
     */
    public java.util.Optional<java.util.List<KeyAndCertificate>> poll(int count) {
        java.util.List<KeyAndCertificate> drawn = new java.util.ArrayList<>(count);
        ready.drainTo(drawn, count);
        unparkRefiller();
        if (drawn.size() == count) {
            return java.util.Optional.of(java.util.List.copyOf(drawn));
        }
        drawn.forEach(ready::offer);
        return java.util.Optional.empty();
    }

    /** A pooled pair, or one generated on the caller's thread when the pool is empty. */
    public KeyAndCertificate take() {
        KeyAndCertificate key = ready.poll();
        unparkRefiller();
        return key != null ? key : generate();
    }

    /** The refill parks while the pool is full: a draw (room again) or closing wakes it. */
    private void unparkRefiller() {
        Thread t = refiller;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void refill() {
        while (!closed) {
            if (ready.remainingCapacity() > 0) {
                long started = System.nanoTime();
                ready.offer(generate());
                // a duty cycle of at most a tenth of one core: under a burst of creations the pool runs
                // dry rather than taking the CPU from the requests themselves
                // (a sleep, not a park: take() unparks, and a burst of takes must not shorten the pause)
                try {
                    Thread.sleep(Duration.ofNanos(9 * (System.nanoTime() - started)));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                LockSupport.park(this);
            }
        }
    }

    private KeyAndCertificate generate() {
        return SelfSignedCertificates.generate("Gatehouse SP", KeyAlgorithm.RSA_2048, clock.instant(), VALIDITY);
    }

    int available() {
        return ready.size();
    }

    @Override
    public void close() {
        closed = true;
        unparkRefiller();
    }
}
