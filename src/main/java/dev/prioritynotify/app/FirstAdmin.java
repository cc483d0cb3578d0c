package dev.prioritynotify.app;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Secret;
import dev.prioritynotify.user.LocalAccounts;
import dev.prioritynotify.user.UserRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first start of a server with local accounts and no users yet creates {@code admin}, so
 * somebody can sign in at all (DESIGN §7). Its password is {@code ADMIN_PASSWORD}
 * ({@code ADMIN_PASSWORD_FILE}) when set; otherwise one is generated, written to
 * {@code <DATA_DIR>/initial-admin-password} (mode 0600) and shown once in the log, where the
 * operator of a container sees it first.
 *
 * <p>Only {@code serve} does this, never the CLI's other commands: {@code user create} on an empty
 * database must create the user asked for, not an admin besides. Two instances starting on one
 * empty database both try; the unique {@code sub} lets one insert, and the other does nothing.
 */
final class FirstAdmin {
    private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);
    static final String USERNAME = "admin";
    static final String PASSWORD_FILE = "initial-admin-password";
    /** 18 random bytes: 144 bits, 24 characters of base64url. */
    private static final int GENERATED_BYTES = 18;

    private FirstAdmin() {}

    static void ensure(Config config, UserRepository users, LocalAccounts accounts) {
        Optional<Secret> configured = config.auth().adminPassword();
        if (users.count() > 0) {
            configured.ifPresent(
                    p -> log.info("ADMIN_PASSWORD: users exist already, so no first-run admin is created"));
            return;
        }
        if (!config.auth().localEnabled()) {
            log.info("first-run admin: not created, local accounts are off (AUTH_LOCAL_ENABLED=false)");
            return;
        }
        String password = configured.map(Secret::value).orElseGet(FirstAdmin::generate);
        try {
            accounts.create(USERNAME, true, Optional.of(password.toCharArray()));
        } catch (RuntimeException e) {
            if (accounts.find(USERNAME).isPresent()) {
                log.info("first-run admin: another instance created '{}' first", USERNAME);
                return;
            }
            throw e;
        }
        if (configured.isPresent()) {
            log.warn("first-run admin: created user '{}' with the password of ADMIN_PASSWORD", USERNAME);
            return;
        }
        Path file = config.dataDir().resolve(PASSWORD_FILE);
        try {
            writePrivate(file, password + "\n");
        } catch (IOException e) {
            // The account exists now with this password: the log line below is then its only record.
            log.error("first-run admin: cannot write {} ({})", file, e.toString());
        }
        log.warn(
                "first-run admin: created user '{}' with the generated password {} (also in {}, mode 0600);"
                        + " sign in at /login and change it",
                USERNAME,
                password,
                file);
    }

    private static String generate() {
        byte[] bytes = new byte[GENERATED_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Written to a new file created owner-only (never readable by others, not even between a
     * create and a chmod), then moved over any older one, so the file is always whole.
     */
    private static void writePrivate(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary;
        try {
            temporary = Files.createTempFile(
                    file.getParent(),
                    PASSWORD_FILE,
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            throw new IOException("the file system has no POSIX permissions to keep the password private", e);
        }
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }
}
