package dev.prioritynotify.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one start-up line about the push crypto, in the cases an operator meets. */
class CryptoProvidersStartupLineTest {

    @Test
    void theJdkProvidersAsAskedForAreJustNamed() {
        assertThat(CryptoProviders.jdk().startupLine(CryptoProviders.Mode.JDK))
                .startsWith("push crypto: JDK (EC=SunEC")
                .doesNotContain("not available");
    }

    @Test
    void aFallbackFromAccpSaysSoInTheSameLineWithThePlatform() {
        String line = CryptoProviders.jdk().startupLine(CryptoProviders.Mode.AUTO);
        assertThat(line)
                .startsWith("push crypto: ACCP is not available on " + System.getProperty("os.name") + "/"
                        + System.getProperty("os.arch"))
                .contains("the JDK's providers serve instead", "JDK (EC=SunEC", "; reason: ")
                .doesNotContain("\n");
    }

    @Test
    void accpWhereItLoadsIsNamed() {
        CryptoProviders.accp()
                .ifPresent(accp -> assertThat(accp.startupLine(CryptoProviders.Mode.AUTO))
                        .startsWith("push crypto: ACCP (EC=AmazonCorrettoCryptoProvider"));
    }
}
