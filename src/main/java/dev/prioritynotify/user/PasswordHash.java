package dev.prioritynotify.user;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.nio.CharBuffer;

/**
 * Argon2id password hashes as PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}).
 * The parameters are set here, in code: left to password4j, they come from a {@code psw4j.properties}
 * on the classpath, and without one it logs six warnings per process and falls back to m=15 MiB,
 * below OWASP's minimum.
 */
final class PasswordHash {
    /*
     * OWASP Password Storage Cheat Sheet, "Argon2id": "a minimum configuration of 19 MiB of memory, an
     * iteration count of 2, and 1 degree of parallelism", the first of its equally strong settings.
     * Chosen over its m=46 MiB, t=1 alternative because the memory is paid per concurrent hash, and a
     * small self-hosted box running the server should not need 46 MiB for each login at once.
     * A 16-byte salt and 32 bytes of output: the salt and tag sizes of RFC 9106 section 4's
     * recommended settings.
     */
    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    static final int OUTPUT_BYTES = 32;
    static final int SALT_BYTES = 16;

    private static final Argon2Function ARGON2ID = Argon2Function.getInstance(
            MEMORY_KIB, ITERATIONS, PARALLELISM, OUTPUT_BYTES, Argon2.ID, Argon2Function.ARGON2_VERSION_13);

    private PasswordHash() {}

    static String of(char[] password) {
        return Password.hash(CharBuffer.wrap(password))
                .addRandomSalt(SALT_BYTES)
                .with(ARGON2ID)
                .getResult();
    }

    /**
     * Checks with the parameters recorded in {@code hash} itself, so hashes made with other settings
     * (password4j's defaults before these were set, or whatever these become) keep verifying.
     */
    static boolean matches(char[] password, String hash) {
        return Password.check(CharBuffer.wrap(password), hash).with(Argon2Function.getInstanceFromHash(hash));
    }
}
