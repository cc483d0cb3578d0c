package dev.prioritynotify.user;

import dev.prioritynotify.store.Ids;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Optional;
import java.util.regex.Pattern;

/** Creates local (non-OIDC) accounts; passwords are kept as Argon2id hashes ({@link PasswordHash}). */
public final class LocalAccounts {
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** No 0/O, 1/l/I: the password may be read off a screen and typed. */
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private static final int GENERATED_LENGTH = 20;

    private final SecureRandom random = new SecureRandom();
    private final UserRepository users;
    private final Ids ids;
    private final InstantSource clock;

    /** Verified against when the name is unknown, so that case takes as long as a wrong password; made on first use. */
    private static final class Dummy {
        static final String HASH = PasswordHash.of("not anybody's password".toCharArray());
    }

    public LocalAccounts(UserRepository users, Ids ids, InstantSource clock) {
        this.users = users;
        this.ids = ids;
        this.clock = clock;
    }

    public static String subjectOf(String username) {
        return "local:" + username;
    }

    /** @throws IllegalArgumentException when the name is malformed or taken (the message says which) */
    public User create(String username, boolean admin, Optional<char[]> password) {
        if (!USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException(
                    "username must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (users.findBySub(subjectOf(username)).isPresent()) {
            throw new IllegalArgumentException("user '" + username + "' already exists");
        }
        String hash = password.map(p -> {
                    if (p.length < 8) {
                        throw new IllegalArgumentException("password must be at least 8 characters");
                    }
                    return PasswordHash.of(p);
                })
                .orElse(null);
        User user = new User(ids.next(), subjectOf(username), null, username, admin, clock.instant(), null);
        users.insert(user, hash);
        return user;
    }

    /** The user name of a local account; empty for users an identity provider or a proxy vouches for. */
    public static Optional<String> usernameOf(User user) {
        return user.sub().startsWith("local:")
                ? Optional.of(user.sub().substring("local:".length()))
                : Optional.empty();
    }

    /**
     * A password to hand to a person once (an administrator's new user, a reset): 20 characters of
     * an unambiguous alphabet, about 115 bits, so it is not guessed before its owner changes it.
     */
    public String generatePassword() {
        StringBuilder password = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    /** Whether this is the password of this local account (same Argon2id work whether it has one or not). */
    public boolean passwordMatches(User user, char[] password) {
        return usernameOf(user)
                .flatMap(name -> verify(name, password))
                .map(u -> u.id().equals(user.id()))
                .orElse(false);
    }

    public Optional<User> find(String username) {
        return users.findBySub(subjectOf(username));
    }

    /**
     * The user whose name and password these are. An unknown name costs the same Argon2id work as a
     * wrong password, so the answer's timing does not tell which part was wrong.
     */
    public Optional<User> verify(String username, char[] password) {
        Optional<String> hash =
                USERNAME.matcher(username).matches() ? users.passwordHashOf(subjectOf(username)) : Optional.empty();
        boolean matches = PasswordHash.matches(password, hash.orElseGet(() -> Dummy.HASH)) && hash.isPresent();
        return matches ? users.findBySub(subjectOf(username)) : Optional.empty();
    }

    /** Sets a new password (8 characters at least). */
    public void setPassword(User user, char[] password) {
        if (password.length < 8) {
            throw new IllegalArgumentException("password must be at least 8 characters");
        }
        users.setPasswordHash(user.id(), PasswordHash.of(password));
    }
}
