package dev.prioritynotify.webpush;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Locale;
import java.util.stream.Stream;

/** Providers the crypto tests run on: the JDK always, ACCP wherever its native library exists. */
final class TestProviders {

    private TestProviders() {}

    /** For {@code @MethodSource("dev.prioritynotify.webpush.TestProviders#all")}. */
    static Stream<CryptoProviders> all() {
        return Stream.concat(Stream.of(CryptoProviders.jdk()), CryptoProviders.accp().stream());
    }

    /** ACCP ships native code for exactly these; elsewhere the JDK fallback is expected. */
    static boolean accpExpected() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    /** A sender key pair from raw values, built by the provider under test. */
    static KeyPair keyPair(CryptoProviders providers, byte[] privateScalar, byte[] publicPoint)
            throws GeneralSecurityException {
        KeyFactory factory = providers.keyFactory();
        return new KeyPair(
                factory.generatePublic(new X509EncodedKeySpec(P256.spki(publicPoint))),
                factory.generatePrivate(new PKCS8EncodedKeySpec(P256.pkcs8(privateScalar))));
    }
}
