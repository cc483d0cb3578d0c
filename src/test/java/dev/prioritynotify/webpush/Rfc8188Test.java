package dev.prioritynotify.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** The test decryptor against the examples of RFC 8188 §3, so it can be trusted as a judge. */
class Rfc8188Test {

    @Test
    void decryptsRfc8188Section31SingleRecordExample() throws Exception {
        byte[] body = Vectors.bytes("rfc8188_3_1", "body");

        byte[] plaintext = Rfc8188Decryptor.decrypt(body, Vectors.bytes("rfc8188_3_1", "ikm"));

        assertThat(body).hasSize(53);
        assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo("I am the walrus");
        assertThat(Rfc8188Decryptor.Header.parse(body).recordSize()).isEqualTo(4096);
    }

    @Test
    void derivesRfc8188Section31Keys() throws Exception {
        byte[] prk = Hkdf.extract(
                CryptoProviders.jdk().hmacSha256(),
                Vectors.bytes("rfc8188_3_1", "salt"),
                Vectors.bytes("rfc8188_3_1", "ikm"));

        assertThat(prk).isEqualTo(Vectors.bytes("rfc8188_3_1", "prk"));
        assertThat(Hkdf.expand(CryptoProviders.jdk().hmacSha256(), prk, 16, WebPushEncryption.CEK_INFO))
                .isEqualTo(Vectors.bytes("rfc8188_3_1", "cek"));
        assertThat(Hkdf.expand(CryptoProviders.jdk().hmacSha256(), prk, 12, WebPushEncryption.NONCE_INFO))
                .isEqualTo(Vectors.bytes("rfc8188_3_1", "nonce"));
    }

    @Test
    void decryptsRfc8188Section32TwoRecordsWithPadding() throws Exception {
        byte[] body = Vectors.bytes("rfc8188_3_2", "body");

        byte[] plaintext = Rfc8188Decryptor.decrypt(body, Vectors.bytes("rfc8188_3_2", "ikm"));

        Rfc8188Decryptor.Header header = Rfc8188Decryptor.Header.parse(body);
        assertThat(header.recordSize()).isEqualTo(25);
        assertThat(new String(header.keyId(), StandardCharsets.UTF_8)).isEqualTo("a1");
        assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo("I am the walrus");
    }

    @Test
    void refusesATamperedRecord() {
        byte[] body = Vectors.bytes("rfc8188_3_1", "body");
        body[body.length - 1] ^= 1;

        assertThatThrownBy(() -> Rfc8188Decryptor.decrypt(body, Vectors.bytes("rfc8188_3_1", "ikm")))
                .isInstanceOf(AEADBadTagException.class);
    }
}
