package dev.prioritynotify.user;

import dev.prioritynotify.store.Ids;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Users whose identity another party vouches for: an OpenID Connect provider, or a reverse proxy
 * that did forward authentication. The user is found by {@code <issuer>:<subject>} and created on
 * first sign-in; what the party says of email, name and (when it says) administrator is taken at
 * every sign-in, so a change at the provider reaches us the next time the person signs in.
 */
public final class ExternalAccounts {
    private final UserRepository users;
    private final Ids ids;
    private final InstantSource clock;

    public ExternalAccounts(UserRepository users, Ids ids, InstantSource clock) {
        this.users = users;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * What the vouching party says of a person. {@code issuer} names the party (e.g. {@code oidc},
     * {@code proxy}); {@code admin} is empty when it does not say, and the stored flag then stays.
     */
    public record Identity(
            String issuer, String subject, Optional<String> email, String name, Optional<Boolean> admin) {
        public Identity {
            if (issuer.isBlank() || issuer.contains(":")) {
                throw new IllegalArgumentException("issuer must be a non-blank name without ':'");
            }
            if (subject.isBlank()) {
                throw new IllegalArgumentException("subject must not be blank");
            }
        }

        public String sub() {
            return issuer + ":" + subject;
        }
    }

    /** The user this identity is, created or brought up to date, with the sign-in time recorded. */
    public User signIn(Identity identity) {
        var now = clock.instant();
        Optional<User> existing = users.findBySub(identity.sub());
        if (existing.isPresent()) {
            User user = existing.get();
            boolean admin = identity.admin().orElse(user.admin());
            String email = identity.email().orElse(user.email());
            users.updateIdentity(user.id(), email, identity.name(), admin, now);
            return new User(user.id(), user.sub(), email, identity.name(), admin, user.createdAt(), now);
        }
        User user = new User(
                ids.next(),
                identity.sub(),
                identity.email().orElse(null),
                identity.name(),
                identity.admin().orElse(false),
                now,
                now);
        try {
            users.insert(user, null);
        } catch (RuntimeException e) {
            // Two first sign-ins at once (two tabs, two instances): the other one created the row.
            return users.findBySub(identity.sub()).map(u -> signIn(identity)).orElseThrow(() -> e);
        }
        users.recordLogin(user.id(), now);
        return user;
    }
}
