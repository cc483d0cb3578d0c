package dev.prioritynotify.auth;

import dev.prioritynotify.config.Secret;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Browser sessions: a cookie {@code pn_session=<id>.<signature>}, where the id is 32 random bytes
 * and the signature an HMAC-SHA256 of it under a key derived from {@code SECRET_KEY}. A cookie
 * counts only while its row exists and has not expired (see {@code V7__sessions.sql}), so logging
 * out, a password change and deleting the user end it on the next request, on every instance.
 *
 * <p>Key rotation: cookies are signed with the key of {@code SECRET_KEY} and accepted under that of
 * {@code SECRET_KEY_PREVIOUS} too, so a new secret does not sign everyone out at once.
 *
 * <p>The CSRF token of a session is an HMAC of its id under a key of its own (the synchronizer
 * token pattern, without server state): forms carry it as {@code csrf_token}, scripts send it as
 * {@code X-CSRF-Token}.
 */
public final class Sessions {
    public static final String COOKIE = "pn_session";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final int ID_BYTES = 32;

    private final SessionRepository sessions;
    private final InstantSource clock;
    private final Duration lifetime;
    private final boolean secureCookie;
    /** The signing key first, then the keys that are still accepted. */
    private final List<byte[]> cookieKeys;

    private final byte[] csrfKey;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param secureCookie whether the cookie is sent only over https (BASE_URL is https)
     * @param previous a secret whose cookies are still accepted (rotation)
     */
    public Sessions(
            SessionRepository sessions,
            Secret secret,
            Optional<Secret> previous,
            Duration lifetime,
            boolean secureCookie,
            InstantSource clock) {
        this.sessions = sessions;
        this.clock = clock;
        this.lifetime = lifetime;
        this.secureCookie = secureCookie;
        List<byte[]> keys = new ArrayList<>();
        keys.add(derive(secret, "session cookie v1"));
        previous.ifPresent(p -> keys.add(derive(p, "session cookie v1")));
        this.cookieKeys = List.copyOf(keys);
        this.csrfKey = derive(secret, "csrf token v1");
    }

    /** Signs the user in on this browser: a new session, its cookie set on the answer. */
    public Session start(Context ctx, UUID userId) {
        byte[] raw = new byte[ID_BYTES];
        random.nextBytes(raw);
        String id = B64.encodeToString(raw);
        Instant now = clock.instant();
        Session session = new Session(id, userId, now.plus(lifetime));
        sessions.insert(hash(id), userId, now, session.expiresAt());
        ctx.res().addHeader("Set-Cookie", cookie(id + "." + sign(cookieKeys.getFirst(), id), lifetime.toSeconds()));
        return session;
    }

    /** The session whose cookie this request carries, when the cookie is genuine and its session lives. */
    public Optional<Session> current(Context ctx) {
        String value = ctx.cookie(COOKIE);
        if (value == null) {
            return Optional.empty();
        }
        int dot = value.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String id = value.substring(0, dot);
        byte[] presented = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        boolean genuine = false;
        for (byte[] key : cookieKeys) {
            genuine |= MessageDigest.isEqual(sign(key, id).getBytes(StandardCharsets.US_ASCII), presented);
        }
        if (!genuine) {
            return Optional.empty();
        }
        return sessions.find(hash(id), clock.instant()).map(live -> new Session(id, live.userId(), live.expiresAt()));
    }

    /** Signs this browser out: its session is deleted and the cookie cleared. */
    public void end(Context ctx) {
        current(ctx).ifPresent(s -> sessions.delete(hash(s.id())));
        ctx.res().addHeader("Set-Cookie", cookie("", 0));
    }

    /** Ends every session of the user but {@code keep} (after a password change), or all of them. */
    public int endAll(UUID userId, Optional<Session> keep) {
        return sessions.deleteOfUser(userId, keep.map(s -> hash(s.id())));
    }

    /** Daily: forget sessions that have expired. */
    public int pruneExpired() {
        return sessions.deleteExpired(clock.instant());
    }

    public String csrfToken(Session session) {
        return sign(csrfKey, session.id());
    }

    /** Constant-time comparison of a presented CSRF token with the session's. */
    boolean csrfMatches(Session session, String presented) {
        return MessageDigest.isEqual(
                csrfToken(session).getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    private String cookie(String value, long maxAgeSeconds) {
        return COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (secureCookie ? "; Secure" : "");
    }

    private static String hash(String id) {
        try {
            return B64.encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String sign(byte[] key, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(value.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** A key of the secret for one purpose, so each use has a key of its own. */
    private static byte[] derive(Secret secret, String purpose) {
        return secret.deriveKey(purpose);
    }
}
