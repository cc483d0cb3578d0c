package dev.prioritynotify.token;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.store.Transaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and checks API tokens. Tokens are 32 random bytes, so SHA-256 is the right hash: a slow
 * password hash would add per-request cost without adding security, and would make the
 * lookup-by-hash impossible.
 */
public final class TokenService {
    public static final String PREFIX = "pn_";
    /** {@code last_used_at} is a hint for people, not an audit log: one write per minute per token is enough. */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    public static final int MAX_NAME_LENGTH = 100;

    /**
     * Tokens recently found valid, by hash, for {@link #checkToConfirm}. A token never changes once
     * issued (only its {@code last_used_at}); what can change is that it is revoked, possibly by
     * another instance, which is why a token from here is only as good as its confirmation.
     */
    private final ConcurrentHashMap<String, ApiToken> recentlyValid = new ConcurrentHashMap<>();

    /** When this instance last wrote each remembered token's {@code last_used_at}. */
    private final ConcurrentHashMap<UUID, Instant> lastTouched = new ConcurrentHashMap<>();

    private static final int RECENTLY_VALID_MAX = 10_000;

    private final TokenRepository tokens;
    private final Ids ids;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();

    public TokenService(Database db, Ids ids, InstantSource clock) {
        this.tokens = new TokenRepository(db);
        this.ids = ids;
        this.clock = clock;
    }

    /** The outcome of presenting a token: the caller turns each into its own answer. */
    public sealed interface Check {
        record Valid(ApiToken token) implements Check {}

        record Expired() implements Check {}

        record Unknown() implements Check {}
    }

    public IssuedToken issue(
            UUID userId, String name, DeviceType deviceType, Set<Scope> scopes, Optional<Duration> expiresIn) {
        if (expiresIn.isPresent()
                && (expiresIn.get().isNegative() || expiresIn.get().isZero())) {
            throw new IllegalArgumentException("expires_in: must be positive");
        }
        Instant now = clock.instant();
        return issue(userId, name, deviceType, scopes, now, expiresIn.map(now::plus));
    }

    /** As {@link #issue(UUID, String, DeviceType, Set, Optional)}, expiring at a given moment (which must be ahead). */
    public IssuedToken issueUntil(
            UUID userId, String name, DeviceType deviceType, Set<Scope> scopes, Optional<Instant> expiresAt) {
        Instant now = clock.instant();
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
            throw new IllegalArgumentException("expires_at: must be in the future");
        }
        return issue(userId, name, deviceType, scopes, now, expiresAt);
    }

    private IssuedToken issue(
            UUID userId,
            String name,
            DeviceType deviceType,
            Set<Scope> scopes,
            Instant now,
            Optional<Instant> expiresAt) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("name: must be 1-" + MAX_NAME_LENGTH + " characters");
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("scope: must name at least one of publish, read");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String plaintext = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        ApiToken token =
                new ApiToken(ids.next(), userId, name.strip(), deviceType, scopes, now, null, expiresAt.orElse(null));
        tokens.insert(token, hash(plaintext));
        return new IssuedToken(token, plaintext);
    }

    public List<ApiToken> list(UUID userId) {
        return tokens.listByUser(userId);
    }

    /** Revocation deletes the row: the very next request with the token is refused. */
    public boolean revoke(UUID tokenId) {
        forget(tokenId);
        return tokens.delete(tokenId);
    }

    public boolean revoke(UUID tokenId, UUID ownerId) {
        forget(tokenId);
        return tokens.delete(tokenId, ownerId);
    }

    private void forget(UUID tokenId) {
        recentlyValid.values().removeIf(t -> t.id().equals(tokenId));
        lastTouched.remove(tokenId);
    }

    /**
     * As {@link #check}, but a token found valid before is answered from memory, without a read:
     * for a request whose write then confirms, in its own transaction, that the token still
     * exists ({@link #stillIssued}). A revocation on any instance commits before that transaction
     * or after it, so the write either sees it (and is refused) or was made before it, exactly as
     * with a read per request.
     *
     * @return the check, and whether the token still needs that confirmation
     */
    public Checked checkToConfirm(String presented) {
        if (presented != null && presented.startsWith(PREFIX) && presented.length() <= 200) {
            ApiToken known = recentlyValid.get(hash(presented));
            if (known != null) {
                Instant now = clock.instant();
                if (known.isExpiredAt(now)) {
                    return new Checked(new Check.Expired(), false);
                }
                Instant touched = lastTouched.get(known.id());
                if (touched == null || touched.isBefore(now.minus(TOUCH_INTERVAL))) {
                    lastTouched.put(known.id(), now);
                    tokens.touch(known.id(), now, now.minus(TOUCH_INTERVAL));
                }
                return new Checked(new Check.Valid(known), true);
            }
        }
        return new Checked(check(presented), false);
    }

    /** A check and whether the write it allows must confirm the token ({@link #stillIssued}). */
    public record Checked(Check check, boolean toConfirm) {}

    /**
     * Inside a write's transaction: of these tokens, the ones not revoked. Revoked ones are
     * forgotten, so the next request with one is looked up and refused.
     */
    public Set<UUID> stillIssued(Transaction tx, Set<UUID> tokenIds) {
        Set<UUID> issued = tokens.existing(tx.handle(), tokenIds);
        if (issued.size() < tokenIds.size()) {
            tokenIds.stream().filter(id -> !issued.contains(id)).forEach(this::forget);
        }
        return issued;
    }

    public Check check(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 200) {
            return new Check.Unknown();
        }
        String hash = hash(presented);
        Optional<TokenRepository.Stored> stored = tokens.findByHash(hash);
        // The lookup is by hash, so its timing reveals nothing about the secret; the explicit
        // comparison keeps the check constant-time even if the lookup were ever made fuzzy.
        if (stored.isEmpty()
                || !MessageDigest.isEqual(
                        stored.get().hash().getBytes(StandardCharsets.US_ASCII),
                        hash.getBytes(StandardCharsets.US_ASCII))) {
            return new Check.Unknown();
        }
        ApiToken token = stored.get().token();
        Instant now = clock.instant();
        if (token.isExpiredAt(now)) {
            return new Check.Expired();
        }
        Instant touched = token.lastUsedAt() == null ? Instant.EPOCH : token.lastUsedAt();
        if (touched.isBefore(now.minus(TOUCH_INTERVAL))) {
            tokens.touch(token.id(), now, now.minus(TOUCH_INTERVAL));
            touched = now;
        }
        if (recentlyValid.size() >= RECENTLY_VALID_MAX) {
            recentlyValid.clear(); // more live tokens than this is unusual; they are simply read again
            lastTouched.clear();
        }
        lastTouched.merge(token.id(), touched, (a, b) -> a.isAfter(b) ? a : b);
        recentlyValid.put(hash, token);
        return new Check.Valid(token);
    }

    static String hash(String plaintext) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
