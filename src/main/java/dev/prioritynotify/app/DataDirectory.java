package dev.prioritynotify.app;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The data directory: where generated secrets are kept (mode 0600) so they survive restarts. */
final class DataDirectory {
    private static final String SECRET_KEY_FILE = "secret_key";

    private DataDirectory() {}

    /** {@code SECRET_KEY} when configured; otherwise the one generated on first start and kept in the data directory. */
    static Secret secretKey(Config config) {
        if (config.secretKey().isPresent()) {
            return config.secretKey().get();
        }
        Path file = config.dataDir().resolve(SECRET_KEY_FILE);
        try {
            Files.createDirectories(config.dataDir());
            if (!Files.exists(file)) {
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                writePrivate(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            }
            return new Secret(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the generated secret key in " + file, e);
        }
    }

    /**
     * What a restore needs besides a copy of the database, one line each for {@code backup} to
     * print: the secret key (the VAPID private key in the database is sealed with it; sessions,
     * CSRF and push action tokens are signed with it) and VAPID keys set outside the database.
     * The database backup deliberately holds none of them, so a leaked backup opens nothing.
     */
    static List<String> secretsToKeep(Config config) {
        List<String> keep = new ArrayList<>();
        if (config.secretKey().isPresent()) {
            keep.add("SECRET_KEY (or SECRET_KEY_FILE) as configured: the same value must be set where you restore");
        } else {
            keep.add(config.dataDir().toAbsolutePath().resolve(SECRET_KEY_FILE)
                    + " (the generated SECRET_KEY): copy it into the new DATA_DIR, mode 0600");
        }
        if (config.push().vapid().privateKey().isPresent()) {
            keep.add("VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (or VAPID_PRIVATE_KEY_FILE) as configured:"
                    + " the database holds no VAPID key then");
        }
        return keep;
    }

    /** Created with owner-only permissions from the start, so the secret is never readable by others. */
    static void writePrivate(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            return; // another process created it first: keep theirs
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
