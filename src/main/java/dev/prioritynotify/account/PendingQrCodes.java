package dev.prioritynotify.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The connect URIs of tokens just issued, each for the browser sign-in that issued it and for
 * {@link #LIFETIME} only. The URI holds the token's plaintext, so it lives here, in memory, and
 * nowhere else: never in the database, gone on restart, and on a multi-instance deployment only on
 * the instance that issued it. Bounded: past {@link #CAPACITY} the oldest goes first.
 */
public final class PendingQrCodes {
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    static final int CAPACITY = 1_000;

    private record Pending(String browserKey, String connectUri, Instant expiresAt) {}

    private final InstantSource clock;
    /** In insertion order, which is expiry order: the first entry is always the next to expire. */
    private final LinkedHashMap<UUID, Pending> byToken = new LinkedHashMap<>();

    public PendingQrCodes(InstantSource clock) {
        this.clock = clock;
    }

    /** Holds the URI for the browser sign-in; returns until when. */
    synchronized Instant hold(UUID tokenId, String browserKey, String connectUri) {
        Instant now = clock.instant();
        prune(now);
        while (byToken.size() >= CAPACITY) {
            Iterator<Map.Entry<UUID, Pending>> oldest = byToken.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
        Instant expiresAt = now.plus(LIFETIME);
        byToken.put(tokenId, new Pending(browserKey, connectUri, expiresAt));
        return expiresAt;
    }

    /** The URI, to the sign-in that issued the token while it is fresh; to anyone else, nothing. */
    synchronized Optional<String> find(UUID tokenId, String browserKey) {
        prune(clock.instant());
        Pending pending = byToken.get(tokenId);
        // Compared in constant time: the key names a session, and its id is as good as the cookie.
        if (pending == null
                || !MessageDigest.isEqual(
                        pending.browserKey().getBytes(StandardCharsets.UTF_8),
                        browserKey.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(pending.connectUri());
    }

    /** A revoked token's QR code goes with it. */
    synchronized void forget(UUID tokenId) {
        byToken.remove(tokenId);
    }

    private void prune(Instant now) {
        Iterator<Pending> it = byToken.values().iterator();
        while (it.hasNext() && !it.next().expiresAt().isAfter(now)) {
            it.remove();
        }
    }
}
