package dev.prioritynotify.auth;

import dev.prioritynotify.config.Cidr;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.user.ExternalAccounts;
import dev.prioritynotify.user.User;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in by a reverse proxy that did forward authentication (Authelia, an Authentik outpost,
 * oauth2-proxy, nginx {@code auth_request}): a request whose TCP peer is one of the configured
 * proxies and carries {@code AUTH_TRUSTED_HEADER} is that user, created or brought up to date as
 * an identity provider's user is.
 *
 * <p>The peer is the socket's address, never {@code X-Forwarded-For}: that header is written by
 * whoever sends the request, so anyone could claim to come from the proxy. The same header from
 * any other address is somebody trying to be somebody else, or a proxy missing from
 * {@code AUTH_TRUSTED_PROXIES}: it is ignored, and said once per address.
 */
public final class TrustedProxy {
    private static final Logger log = LoggerFactory.getLogger(TrustedProxy.class);
    /** The issuer of these users' {@code sub} ({@code proxy:<header value>}). */
    static final String ISSUER = "proxy";
    /** Addresses already warned about; the oldest is forgotten (and may be warned about again) past this many. */
    private static final int WARNED_ADDRESSES = 1024;

    private static final int MAX_VALUE_LENGTH = 255;
    /**
     * How long one sign-in stands for the same headers: a page and its API calls are one write,
     * not one each. A change at the proxy (email, groups) changes the key, so it is taken at once.
     */
    static final Duration SIGN_IN_REUSE = Duration.ofMinutes(1);

    private static final int REMEMBERED_SIGN_INS = 4096;

    /** Signs in a person the proxy vouches for; the user feature answers ({@code ExternalAccounts::signIn}). */
    @FunctionalInterface
    public interface Accounts {
        User signIn(ExternalAccounts.Identity identity);
    }

    private final Config.Auth.TrustedProxy settings;
    private final Accounts accounts;
    private final Users users;
    private final InstantSource clock;

    /** The last sign-in of one user: what the proxy said then, and when. */
    private record SignedIn(ExternalAccounts.Identity identity, UUID userId, Instant at) {}

    /** By subject, so a user's latest headers replace the earlier ones (groups going back and forth included). */
    private final Map<String, SignedIn> recent = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SignedIn> eldest) {
            return size() > REMEMBERED_SIGN_INS;
        }
    });

    private final Set<String> warned = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > WARNED_ADDRESSES;
        }
    }));

    public TrustedProxy(Config.Auth.TrustedProxy settings, Accounts accounts, Users users, InstantSource clock) {
        this.settings = settings;
        this.accounts = accounts;
        this.users = users;
        this.clock = clock;
    }

    /** Which header, from which proxies: for the start-up line. */
    public String describe() {
        return settings.userHeader() + " from " + settings.proxies();
    }

    /**
     * The user the proxy signed in for this request, or empty when the request does not carry the
     * header or does not come from a trusted proxy.
     */
    Optional<UUID> signIn(Context ctx) {
        String subject = ctx.header(settings.userHeader());
        if (subject == null || subject.isBlank()) {
            return Optional.empty();
        }
        String peer = ctx.req().getRemoteAddr();
        if (!fromTrustedProxy(peer)) {
            if (warned.add(peer)) {
                log.warn(
                        "{}: ignored from {}, which is not in AUTH_TRUSTED_PROXIES (said once per address)",
                        settings.userHeader(),
                        peer);
            }
            return Optional.empty();
        }
        String name = valid(settings.userHeader(), subject);
        Optional<String> email = settings.emailHeader()
                .map(ctx::header)
                .filter(v -> !v.isBlank())
                .map(v -> valid(settings.emailHeader().get(), v));
        Optional<Boolean> admin = settings.adminGroup().map(group -> groups(ctx).contains(group));
        var identity = new ExternalAccounts.Identity(ISSUER, name, email, name, admin);
        Instant now = clock.instant();
        SignedIn earlier = recent.get(identity.sub());
        // Still checked to exist: a user deleted a moment ago must not act on through the cache.
        if (earlier != null
                && earlier.identity().equals(identity)
                && earlier.at().plus(SIGN_IN_REUSE).isAfter(now)
                && users.find(earlier.userId()).isPresent()) {
            return Optional.of(earlier.userId());
        }
        User user = accounts.signIn(identity);
        recent.put(identity.sub(), new SignedIn(identity, user.id(), now));
        return Optional.of(user.id());
    }

    private boolean fromTrustedProxy(String peer) {
        InetAddress address;
        try {
            address = Cidr.address(peer);
        } catch (IllegalArgumentException e) {
            return false; // a Unix socket or something else that is not an IP peer
        }
        return settings.proxies().stream().anyMatch(cidr -> cidr.contains(address));
    }

    /** The groups header, as Authelia ({@code a,b}), Authentik ({@code a|b}) and oauth2-proxy write it. */
    private Set<String> groups(Context ctx) {
        return settings.groupsHeader()
                .map(ctx::header)
                .map(v -> Arrays.stream(v.split("[,|\\s]+"))
                        .filter(g -> !g.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
    }

    /** The proxy is trusted with who the user is, not with what we store: a value must be a short, printable line. */
    private static String valid(String header, String value) {
        String v = value.strip();
        if (v.length() > MAX_VALUE_LENGTH || v.chars().anyMatch(Character::isISOControl)) {
            throw ApiError.invalid(header, "must be at most " + MAX_VALUE_LENGTH + " printable characters");
        }
        return v;
    }
}
