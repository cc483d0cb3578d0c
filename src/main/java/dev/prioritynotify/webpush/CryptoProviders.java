package dev.prioritynotify.webpush;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import org.jspecify.annotations.Nullable;

/**
 * The JCA providers the push cryptography runs on.
 *
 * <p>Amazon Corretto Crypto Provider (ACCP, backed by AWS-LC) is several times faster than the
 * JDK for P-256 key generation and ECDH, which dominate the cost of every encrypted push (RFC 8291
 * needs a fresh key pair and one ECDH per message). Its native library only exists for Linux on
 * x86-64 and aarch64 (glibc), so the JDK's SunEC and SunJCE remain the fallback.
 *
 * <p>An instance names the provider for each algorithm explicitly; the crypto classes ask it for
 * engines instead of relying on {@link Security}'s global order, so tests and benchmarks can run
 * the same code on both in a single JVM.
 */
public final class CryptoProviders {

    static final String EC = "EC";
    static final String ECDH = "ECDH";
    static final String AES_GCM = "AES/GCM/NoPadding";
    static final String HMAC_SHA256 = "HmacSHA256";
    static final String ECDSA_SHA256 = "SHA256withECDSA";
    /** Raw R||S output, as JOSE wants it (RFC 7518 §3.4); not every provider has it. */
    static final String ECDSA_SHA256_P1363 = "SHA256withECDSAinP1363Format";

    /** The {@code CRYPTO_PROVIDER} setting. */
    public enum Mode {
        /** ACCP when its native library loads, the JDK otherwise. */
        AUTO,
        /** Always the JDK's own providers. */
        JDK;

        /**
         * Parses {@code auto} or {@code jdk} (case-insensitive; blank means {@code auto}).
         *
         * @throws IllegalArgumentException naming {@code CRYPTO_PROVIDER}
         */
        public static Mode parse(@Nullable String value) {
            if (value == null || value.isBlank()) {
                return AUTO;
            }
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "jdk" -> JDK;
                default ->
                    throw new IllegalArgumentException("CRYPTO_PROVIDER must be 'auto' or 'jdk', got '" + value + "'");
            };
        }
    }

    private final String name;
    private final Provider ec; // KeyPairGenerator, KeyFactory, KeyAgreement, Signature
    private final Provider symmetric; // Cipher AES/GCM
    private final Provider mac; // Mac HmacSHA256

    private CryptoProviders(String name, Provider ec, Provider symmetric, Provider mac) {
        this.name = name;
        this.ec = Objects.requireNonNull(ec, "ec provider");
        this.symmetric = Objects.requireNonNull(symmetric, "symmetric provider");
        this.mac = Objects.requireNonNull(mac, "mac provider");
    }

    /**
     * The JDK's own providers (SunEC for elliptic curves, SunJCE for AES-GCM and HMAC), named
     * explicitly so the choice holds even when ACCP is installed first in the global order.
     */
    public static CryptoProviders jdk() {
        Provider sunJce = required(Security.getProvider("SunJCE"), "SunJCE");
        return new CryptoProviders("JDK", required(Security.getProvider("SunEC"), "SunEC"), sunJce, sunJce);
    }

    /**
     * ACCP, if its native library loaded and it passes its self test; empty otherwise. Does not
     * change the global provider order. HMAC stays with SunJCE: RFC 8291 takes five short HMACs
     * per message, and a JNI call each made ACCP's 3.4 µs against SunJCE's 1.3 µs (see
     * docs/benchmarks.md), while ACCP wins by far on the elliptic-curve work.
     */
    public static Optional<CryptoProviders> accp() {
        Provider provider = healthyAccp();
        return provider == null
                ? Optional.empty()
                : Optional.of(new CryptoProviders(
                        "ACCP", provider, provider, required(Security.getProvider("SunJCE"), "SunJCE")));
    }

    /**
     * Chooses the providers at start-up. With {@code preferAccp} and a working ACCP, ACCP is also
     * installed as the highest-priority global provider (so TLS and everything else in the process
     * profits); otherwise the JDK providers are used and nothing global changes.
     */
    public static CryptoProviders install(boolean preferAccp) {
        if (preferAccp) {
            Optional<CryptoProviders> accp = accp();
            if (accp.isPresent()) {
                AmazonCorrettoCryptoProvider.install();
                return accp.get();
            }
        }
        return jdk();
    }

    /** {@link #install(boolean)} driven by the {@code CRYPTO_PROVIDER} setting. */
    public static CryptoProviders install(Mode mode) {
        return install(mode == Mode.AUTO);
    }

    /**
     * Why ACCP is not usable here (unsupported platform, native library failed to load, self test
     * failed), for the start-up log; empty when it is usable.
     */
    public static Optional<String> accpUnavailableReason() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable error = accp.getLoadingError();
            if (error != null) {
                return Optional.of(error.toString());
            }
            accp.assertHealthy();
            return Optional.empty();
        } catch (Throwable e) { // LinkageError on platforms without the jar's native code
            return Optional.of(e.toString());
        }
    }

    /**
     * The one start-up log line about the push crypto: what serves it and, when ACCP was wanted
     * but cannot load here (an architecture or C library its native code is not built for, e.g.
     * a jar built on x86-64 run on aarch64), that the JDK's providers serve instead and why.
     */
    public String startupLine(Mode mode) {
        if (!name.equals("JDK") || mode == Mode.JDK) {
            return "push crypto: " + describe();
        }
        return "push crypto: ACCP is not available on " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch") + ", the JDK's providers serve instead (pushes take more CPU): "
                + describe() + "; reason: " + accpUnavailableReason().orElse("unknown");
    }

    private static @Nullable Provider healthyAccp() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                return null;
            }
            accp.assertHealthy();
            return accp;
        } catch (Throwable e) { // see accpUnavailableReason()
            return null;
        }
    }

    private static Provider required(Provider provider, String name) {
        if (provider == null) {
            throw new IllegalStateException("JCA provider " + name + " is not available");
        }
        return provider;
    }

    /** {@code ACCP} or {@code JDK}. */
    public String name() {
        return name;
    }

    /**
     * Which provider serves each algorithm the push code uses, for the start-up log, e.g.
     * {@code ACCP (EC=AmazonCorrettoCryptoProvider 2.5.0, ECDH=..., AES/GCM/NoPadding=...)}.
     * Asked from real engine instances, so it reports what actually runs.
     */
    public String describe() {
        try {
            return name + " (EC=" + label(keyPairGenerator().getProvider())
                    + ", ECDH=" + label(keyAgreement().getProvider())
                    + ", " + AES_GCM + "=" + label(aesGcm().getProvider())
                    + ", " + HMAC_SHA256 + "=" + label(hmacSha256().getProvider()) + ")";
        } catch (GeneralSecurityException e) {
            return name + " (unusable: " + e + ")";
        }
    }

    private static String label(Provider provider) {
        return provider.getName() + " " + provider.getVersionStr();
    }

    @Override
    public String toString() {
        return name;
    }

    KeyPairGenerator keyPairGenerator() throws NoSuchAlgorithmException {
        return KeyPairGenerator.getInstance(EC, ec);
    }

    KeyFactory keyFactory() throws NoSuchAlgorithmException {
        return KeyFactory.getInstance(EC, ec);
    }

    KeyAgreement keyAgreement() throws NoSuchAlgorithmException {
        return KeyAgreement.getInstance(ECDH, ec);
    }

    Cipher aesGcm() throws GeneralSecurityException {
        return Cipher.getInstance(AES_GCM, symmetric);
    }

    Mac hmacSha256() throws NoSuchAlgorithmException {
        return Mac.getInstance(HMAC_SHA256, mac);
    }

    /**
     * An ECDSA P-256/SHA-256 signer with raw R||S output when the provider offers it (ACCP and
     * SunEC both do), else null and the caller converts DER itself.
     */
    @Nullable
    Signature ecdsaP1363OrNull() {
        try {
            return Signature.getInstance(ECDSA_SHA256_P1363, ec);
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }

    /**
     * Randomness for salts and, on the JDK, key generation. ACCP brings AWS-LC's DRBG
     * ({@code LibCryptoRng}); its key generation ignores the argument and uses that DRBG anyway.
     */
    SecureRandom secureRandom() {
        if ("ACCP".equals(name)) {
            try {
                return SecureRandom.getInstance("LibCryptoRng", ec);
            } catch (NoSuchAlgorithmException e) {
                // fall through to the JDK default
            }
        }
        return new SecureRandom();
    }

    Signature ecdsaDer() throws NoSuchAlgorithmException {
        return Signature.getInstance(ECDSA_SHA256, ec);
    }
}
