package dev.prioritynotify.webpush;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one Web Push encryption (RFC 8291) and of its parts, on ACCP and on the JDK providers.
 * The parts give the sum-of-parts ceiling 1 / (keygen + ECDH + HKDF + GCM) that the full
 * encryption is compared with in docs/benchmarks.md.
 *
 * <p>Run: {@code mvn -B -Pbench test-compile exec:exec -Djmh.args="..."} (see docs/benchmarks.md).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WebPushBenchmark {

    /** A typical full notification: the payload cap leaves room for about 3 KB of JSON. */
    static final int PAYLOAD = 3000;

    /** Shared by all threads, as in the server: one encryptor instance per process. */
    @State(Scope.Benchmark)
    @SuppressWarnings("NullAway.Init") // JMH sets the @Param and runs @Setup before any benchmark
    public static class Shared {
        @Param({"ACCP", "JDK"})
        public String provider;

        WebPushEncryption encryption;
        SubscriptionKeys subscription;
        byte[] plaintext;

        @Setup
        public void setUp() throws GeneralSecurityException {
            CryptoProviders providers = providers(provider);
            encryption = new WebPushEncryption(providers);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            byte[] uaPublic = WebPushEncryption.rawPublicKey(
                    (ECPublicKey) generator.generateKeyPair().getPublic());
            byte[] auth = new byte[16];
            new Random(1).nextBytes(auth);
            subscription = new SubscriptionKeys(uaPublic, auth);
            plaintext = new byte[PAYLOAD];
            new Random(2).nextBytes(plaintext);
        }
    }

    /** Engines of one thread for measuring the parts one by one. */
    @State(Scope.Thread)
    @SuppressWarnings("NullAway.Init") // JMH sets the @Param and runs @Setup before any benchmark
    public static class Parts {
        @Param({"ACCP", "JDK"})
        public String provider;

        KeyPairGenerator generator;
        KeyAgreement agreement;
        KeyFactory factory;
        Mac mac;
        Cipher cipher;
        KeyPair sender;
        PublicKey uaKey;
        byte[] uaPublic;
        byte[] asPublic;
        byte[] ecdhSecret;
        byte[] auth = new byte[16];
        byte[] salt = new byte[16];
        byte[] cek = new byte[16];
        byte[] nonce = new byte[12];
        byte[] record = new byte[PAYLOAD + 1 + 16];
        long counter;

        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException {
            CryptoProviders providers = providers(provider);
            generator = providers.keyPairGenerator();
            generator.initialize(new ECGenParameterSpec("secp256r1"), providers.secureRandom());
            agreement = providers.keyAgreement();
            factory = providers.keyFactory();
            mac = providers.hmacSha256();
            cipher = providers.aesGcm();
            sender = generator.generateKeyPair();
            KeyPair ua = generator.generateKeyPair();
            uaPublic = WebPushEncryption.rawPublicKey((ECPublicKey) ua.getPublic());
            asPublic = WebPushEncryption.rawPublicKey((ECPublicKey) sender.getPublic());
            uaKey = factory.generatePublic(new X509EncodedKeySpec(P256.spki(uaPublic)));
            agreement.init(sender.getPrivate());
            agreement.doPhase(uaKey, true);
            ecdhSecret = agreement.generateSecret();
            Random random = new Random(3);
            random.nextBytes(auth);
            random.nextBytes(salt);
            random.nextBytes(cek);
            random.nextBytes(nonce);
            random.nextBytes(record);
        }
    }

    static CryptoProviders providers(String name) {
        return switch (name) {
            case "ACCP" ->
                CryptoProviders.accp()
                        .orElseThrow(() -> new IllegalStateException("ACCP unavailable: "
                                + CryptoProviders.accpUnavailableReason().orElse("?")));
            case "JDK" -> CryptoProviders.jdk();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Everything per message: key pair, ECDH, key schedule, AES-GCM, header, ~3 KB payload. */
    @Benchmark
    public byte[] encrypt(Shared shared) {
        return shared.encryption.encrypt(shared.subscription, shared.plaintext);
    }

    /** Part 1: a fresh P-256 key pair (RFC 8291 §3.1). */
    @Benchmark
    public KeyPair keyPairGeneration(Parts parts) {
        return parts.generator.generateKeyPair();
    }

    /** Part 2: ECDH with the subscription's public key, already parsed. */
    @Benchmark
    public byte[] ecdh(Parts parts) throws GeneralSecurityException {
        parts.agreement.init(parts.sender.getPrivate());
        parts.agreement.doPhase(parts.uaKey, true);
        return parts.agreement.generateSecret();
    }

    /** Part 2b: turning the subscription's raw p256dh into a JCA key; paid per message too. */
    @Benchmark
    public PublicKey parseSubscriptionKey(Parts parts) throws GeneralSecurityException {
        return parts.factory.generatePublic(new X509EncodedKeySpec(P256.spki(parts.uaPublic)));
    }

    /** Part 3: the three HKDF steps (RFC 8291 §3.3–3.4, RFC 8188 §2.2–2.3), five HMACs. */
    @Benchmark
    public Object hkdf(Parts parts) throws GeneralSecurityException {
        return WebPushEncryption.derive(
                parts.mac, parts.ecdhSecret, parts.auth, parts.uaPublic, parts.asPublic, parts.salt);
    }

    /** Part 4: AES-128-GCM of one ~3 KB record; the nonce changes each time as in real use. */
    @Benchmark
    public byte[] aesGcm(Parts parts) throws GeneralSecurityException {
        long n = ++parts.counter;
        for (int i = 0; i < 8; i++) {
            parts.nonce[11 - i] = (byte) (n >>> (8 * i));
        }
        parts.cipher.init(
                Cipher.ENCRYPT_MODE, new SecretKeySpec(parts.cek, "AES"), new GCMParameterSpec(128, parts.nonce));
        return parts.cipher.doFinal(parts.record, 0, PAYLOAD + 1);
    }
}
