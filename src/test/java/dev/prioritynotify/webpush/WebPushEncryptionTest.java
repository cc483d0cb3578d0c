package dev.prioritynotify.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WebPushEncryptionTest {

    private static final String A = "rfc8291_appendix_a";

    @Test
    void accpIsAvailableWhereItShipsNativeCode() {
        if (TestProviders.accpExpected()) {
            assertThat(CryptoProviders.accp())
                    .as("ACCP unavailable: %s", CryptoProviders.accpUnavailableReason())
                    .isPresent();
        }
        assertThat(TestProviders.all()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.prioritynotify.webpush.TestProviders#all")
    void encryptsRfc8291AppendixAVectorByteForByte(CryptoProviders providers) throws Exception {
        WebPushEncryption encryption = new WebPushEncryption(providers);
        KeyPair sender =
                TestProviders.keyPair(providers, Vectors.bytes(A, "as_private"), Vectors.bytes(A, "as_public"));
        SubscriptionKeys subscription =
                new SubscriptionKeys(Vectors.bytes(A, "ua_public"), Vectors.bytes(A, "auth_secret"));

        byte[] body =
                encryption.encrypt(subscription, Vectors.bytes(A, "plaintext"), 0, sender, Vectors.bytes(A, "salt"));

        assertThat(body).hasSize(144).isEqualTo(Vectors.bytes(A, "body"));
        assertThat(body).startsWith(Vectors.bytes(A, "header"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.prioritynotify.webpush.TestProviders#all")
    void derivesRfc8291AppendixAIntermediateKeys(CryptoProviders providers) throws Exception {
        Mac mac = providers.hmacSha256();
        WebPushEncryption.Derived derived = WebPushEncryption.derive(
                mac,
                Vectors.bytes(A, "ecdh_secret"),
                Vectors.bytes(A, "auth_secret"),
                Vectors.bytes(A, "ua_public"),
                Vectors.bytes(A, "as_public"),
                Vectors.bytes(A, "salt"));

        assertThat(derived.prkKey()).isEqualTo(Vectors.bytes(A, "prk_key"));
        assertThat(derived.ikm()).isEqualTo(Vectors.bytes(A, "ikm"));
        assertThat(derived.prk()).isEqualTo(Vectors.bytes(A, "prk"));
        assertThat(derived.cek()).isEqualTo(Vectors.bytes(A, "cek"));
        assertThat(derived.nonce()).isEqualTo(Vectors.bytes(A, "nonce"));
        assertThat(Rfc8188Decryptor.concat(
                        WebPushEncryption.KEY_INFO_PREFIX,
                        Vectors.bytes(A, "ua_public"),
                        Vectors.bytes(A, "as_public")))
                .isEqualTo(Vectors.bytes(A, "key_info"));
        assertThat(WebPushEncryption.CEK_INFO).isEqualTo(Vectors.bytes(A, "cek_info"));
        assertThat(WebPushEncryption.NONCE_INFO).isEqualTo(Vectors.bytes(A, "nonce_info"));
    }

    @Test
    void testDecryptorReadsRfc8291AppendixABody() throws Exception {
        WebPushTestDecryptor browser = WebPushTestDecryptor.ofRaw(
                Vectors.bytes(A, "ua_private"), Vectors.bytes(A, "ua_public"), Vectors.bytes(A, "auth_secret"));

        assertThat(browser.decrypt(Vectors.bytes(A, "body"))).isEqualTo(Vectors.bytes(A, "plaintext"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.prioritynotify.webpush.TestProviders#all")
    void roundTripsThroughAFreshBrowserKeyPair(CryptoProviders providers) throws Exception {
        WebPushEncryption encryption = new WebPushEncryption(providers);
        WebPushTestDecryptor browser = WebPushTestDecryptor.generate();
        byte[] plaintext =
                "{\"title\":\"Disk almost full\",\"body\":\"/var at 97 %\"}".getBytes(StandardCharsets.UTF_8);

        byte[] body = encryption.encrypt(browser.subscriptionKeys(), plaintext);

        assertThat(body).hasSize(WebPushEncryption.HEADER_LENGTH + plaintext.length + 1 + 16);
        assertThat(browser.decrypt(body)).isEqualTo(plaintext);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.prioritynotify.webpush.TestProviders#all")
    void usesAFreshSenderKeyAndSaltForEveryMessage(CryptoProviders providers) throws Exception {
        WebPushEncryption encryption = new WebPushEncryption(providers);
        WebPushTestDecryptor browser = WebPushTestDecryptor.generate();
        byte[] plaintext = "same".getBytes(StandardCharsets.UTF_8);

        byte[] first = encryption.encrypt(browser.subscriptionKeys(), plaintext);
        byte[] second = encryption.encrypt(browser.subscriptionKeys(), plaintext);

        assertThat(java.util.Arrays.copyOf(first, 16)).isNotEqualTo(java.util.Arrays.copyOf(second, 16));
        assertThat(WebPushTestDecryptor.asPublic(first)).isNotEqualTo(WebPushTestDecryptor.asPublic(second));
        assertThat(browser.decrypt(second)).isEqualTo(plaintext);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.prioritynotify.webpush.TestProviders#all")
    void padsUpToTheLargestBodyAPushServiceMustAccept(CryptoProviders providers) throws Exception {
        WebPushEncryption encryption = new WebPushEncryption(providers);
        WebPushTestDecryptor browser = WebPushTestDecryptor.generate();
        byte[] plaintext = new byte[3000];
        new Random(7).nextBytes(plaintext);

        byte[] body = encryption.encrypt(
                browser.subscriptionKeys(), plaintext, WebPushEncryption.MAX_PLAINTEXT_LENGTH - plaintext.length);

        assertThat(body).hasSize(4096);
        assertThat(browser.decrypt(body)).isEqualTo(plaintext);
    }

    @Test
    void refusesPlaintextThatWouldMakeTheBodyExceed4096Bytes() {
        WebPushEncryption encryption = new WebPushEncryption(CryptoProviders.jdk());
        SubscriptionKeys keys = new SubscriptionKeys(Vectors.bytes(A, "ua_public"), Vectors.bytes(A, "auth_secret"));

        assertThatThrownBy(() -> encryption.encrypt(keys, new byte[3994]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3993");
        assertThatThrownBy(() -> encryption.encrypt(keys, new byte[3000], 994))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encryption.encrypt(keys, new byte[10], -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.prioritynotify.webpush.TestProviders#all")
    void isSafeToShareBetweenThreads(CryptoProviders providers) throws Exception {
        WebPushEncryption encryption = new WebPushEncryption(providers);
        WebPushTestDecryptor browser = WebPushTestDecryptor.generate();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Void>> results = new ArrayList<>();
            for (int task = 0; task < 8; task++) {
                int id = task;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        byte[] plaintext = ("message " + id + "/" + i).getBytes(StandardCharsets.UTF_8);
                        assertThat(browser.decrypt(encryption.encrypt(browser.subscriptionKeys(), plaintext)))
                                .isEqualTo(plaintext);
                    }
                    return null;
                }));
            }
            for (Future<Void> result : results) {
                result.get();
            }
        }
    }

    @Test
    void reportsWhichProviderServesEachAlgorithm() {
        assertThat(CryptoProviders.jdk().describe())
                .startsWith("JDK (")
                .contains("EC=SunEC", "ECDH=SunEC", "AES/GCM/NoPadding=SunJCE");
        CryptoProviders.accp()
                .ifPresent(accp -> assertThat(accp.describe())
                        .startsWith("ACCP (")
                        .contains("EC=AmazonCorrettoCryptoProvider", "AES/GCM/NoPadding=AmazonCorrettoCryptoProvider"));
    }

    @Test
    void cryptoProviderSettingAcceptsAutoAndJdkOnly() {
        assertThat(CryptoProviders.Mode.parse(null)).isEqualTo(CryptoProviders.Mode.AUTO);
        assertThat(CryptoProviders.Mode.parse(" JDK ")).isEqualTo(CryptoProviders.Mode.JDK);
        assertThat(CryptoProviders.Mode.parse("auto")).isEqualTo(CryptoProviders.Mode.AUTO);
        assertThatThrownBy(() -> CryptoProviders.Mode.parse("bouncycastle")).hasMessageContaining("CRYPTO_PROVIDER");
    }

    @Test
    void installWithPreferenceMakesAccpTheGlobalDefaultWhenItLoads() throws Exception {
        if (CryptoProviders.accp().isEmpty()) {
            assertThat(CryptoProviders.install(true).name()).isEqualTo("JDK");
            return;
        }
        try {
            CryptoProviders installed = CryptoProviders.install(true);

            assertThat(installed.name()).isEqualTo("ACCP");
            assertThat(java.security.KeyPairGenerator.getInstance("EC")
                            .getProvider()
                            .getName())
                    .isEqualTo("AmazonCorrettoCryptoProvider");
            assertThat(javax.crypto.Cipher.getInstance("AES/GCM/NoPadding")
                            .getProvider()
                            .getName())
                    .isEqualTo("AmazonCorrettoCryptoProvider");
        } finally {
            java.security.Security.removeProvider("AmazonCorrettoCryptoProvider"); // leave the JVM as found
        }
    }

    @Test
    void installWithoutPreferenceKeepsTheJdkProviders() {
        assertThat(CryptoProviders.install(false).name()).isEqualTo("JDK");
        assertThat(CryptoProviders.install(CryptoProviders.Mode.JDK).name()).isEqualTo("JDK");
    }
}
