package dev.prioritynotify.store;

import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits, so ids sort by creation
 * time and index inserts stay append-mostly. Ids are not secrets (every lookup is scoped by the
 * owner), so a fast non-cryptographic random source is enough.
 */
public final class Ids {
    private final InstantSource clock;

    public Ids(InstantSource clock) {
        this.clock = clock;
    }

    public UUID next() {
        long millis = clock.millis();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }
}
