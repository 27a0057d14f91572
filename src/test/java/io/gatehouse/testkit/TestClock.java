package io.gatehouse.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** The system clock, or a stopped one, plus an offset that tests move forward, instead of sleeping. */
public final class TestClock extends Clock {
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    private final Supplier<Instant> base;

    /** The system's time, moved by what the test advances. */
    public TestClock() {
        this(Instant::now);
    }

    private TestClock(Supplier<Instant> base) {
        this.base = base;
    }

    /** A clock standing at {@code start} that moves only when the test advances it. */
    public static TestClock stoppedAt(Instant start) {
        return new TestClock(() -> start);
    }

    /** Moves time forward for everything that reads this clock. */
    public void advance(Duration by) {
        offset.accumulateAndGet(by, Duration::plus);
    }

    @Override
    public Instant instant() {
        return base.get().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("Gatehouse reads instants only");
    }
}
