package dev.prioritynotify.user;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashTest {
    /** Made by `user create --password-stdin` before the parameters were set in code: password4j's defaults. */
    private static final String MADE_WITH_PASSWORD4J_DEFAULTS =
            "$argon2id$v=19$m=15360,t=2,p=1$XSIMQNOnXu+ERfCkoZG3ZA$G0RI7tbPPxC93sZOtX53mIvj++4d91KAEOUupoDXTjw";

    @Test
    void aNewHash_isArgon2idWithOwaspsParameters_andVerifies() {
        String hash = PasswordHash.of("correct horse battery".toCharArray());
        assertThat(hash).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(PasswordHash.matches("correct horse battery".toCharArray(), hash))
                .isTrue();
    }

    @Test
    void theSamePasswordTwice_getsTwoSalts() {
        assertThat(PasswordHash.of("correct horse battery".toCharArray()))
                .isNotEqualTo(PasswordHash.of("correct horse battery".toCharArray()));
    }

    @Test
    void aWrongPassword_doesNotVerify() {
        String hash = PasswordHash.of("correct horse battery".toCharArray());
        assertThat(PasswordHash.matches("correct horse battery staple".toCharArray(), hash))
                .isFalse();
    }

    @Test
    void aHashMadeWithTheOldParameters_stillVerifies() {
        assertThat(PasswordHash.matches("correct horse battery".toCharArray(), MADE_WITH_PASSWORD4J_DEFAULTS))
                .isTrue();
        assertThat(PasswordHash.matches("correct horse batterY".toCharArray(), MADE_WITH_PASSWORD4J_DEFAULTS))
                .isFalse();
    }
}
