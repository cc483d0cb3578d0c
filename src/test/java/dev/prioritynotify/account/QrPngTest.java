package dev.prioritynotify.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class QrPngTest {
    @Test
    void everyConnectUri_readsBackExactly_fromItsPng() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 300; i++) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            String uri = "prioritynotify://connect?server=https%3A%2F%2Fnotify.example.org%3A" + (8000 + i)
                    + "&token=pn_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            assertThat(TokenRoutesTest.decodeQr(QrPng.of(uri))).isEqualTo(uri);
        }
    }
}
