package dev.prioritynotify.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our encryption, decrypted by the npm package {@code http_ece} (Mozilla's reference
 * implementation of RFC 8188/8291) under Node. A shared misunderstanding between our encryptor
 * and our test decryptor cannot pass here.
 *
 * <p>Needs {@code node} and {@code npm} on the PATH; installs the pinned package with
 * {@code npm ci} when {@code src/test/node/node_modules} is missing. Missing Node fails the test
 * on purpose: the project's test script installs it.
 */
class IndependentDecryptionTest {

    private static final Path TOOLS = Path.of(System.getProperty("basedir", "."), "src", "test", "node");
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void installHttpEce() throws Exception {
        if (!Files.isDirectory(TOOLS.resolve("node_modules").resolve("http_ece"))) {
            Result result = run(List.of(executable("npm"), "ci", "--no-audit", "--no-fund"), null, 300);
            assertThat(result.exitCode())
                    .as("npm ci in %s failed:%n%s", TOOLS, result.stderr())
                    .isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.prioritynotify.webpush.TestProviders#all")
    void httpEceDecryptsOurMessageForAFreshBrowserKeyPair(CryptoProviders providers) throws Exception {
        WebPushTestDecryptor browser = WebPushTestDecryptor.generate();
        byte[] plaintext = "{\"title\":\"Backup failed\",\"body\":\"nas-01: exit 2 — ünïcödé ✓\"}"
                .getBytes(StandardCharsets.UTF_8);

        byte[] body = new WebPushEncryption(providers).encrypt(browser.subscriptionKeys(), plaintext);

        assertThat(decryptWithHttpEce(browser, body)).isEqualTo(plaintext);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.prioritynotify.webpush.TestProviders#all")
    void httpEceDecryptsAPaddedMessageOfTheLargestSize(CryptoProviders providers) throws Exception {
        WebPushTestDecryptor browser = WebPushTestDecryptor.generate();
        byte[] plaintext = new byte[2500];
        new Random(42).nextBytes(plaintext);

        byte[] body = new WebPushEncryption(providers)
                .encrypt(
                        browser.subscriptionKeys(),
                        plaintext,
                        WebPushEncryption.MAX_PLAINTEXT_LENGTH - plaintext.length);

        assertThat(body).hasSize(4096);
        assertThat(decryptWithHttpEce(browser, body)).isEqualTo(plaintext);
    }

    private static byte[] decryptWithHttpEce(WebPushTestDecryptor browser, byte[] body) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = JSON.writeValueAsString(Map.of(
                "body", b64.encodeToString(body),
                "uaPrivate", b64.encodeToString(browser.privateScalar()),
                "authSecret", b64.encodeToString(browser.authSecret())));
        Result result = run(List.of(executable("node"), "decrypt.js"), input, 60);
        assertThat(result.exitCode())
                .as("http_ece could not decrypt:%n%s", result.stderr())
                .isZero();
        JsonNode output = JSON.readTree(result.stdout());
        return Base64.getUrlDecoder().decode(output.path("plaintext").asText());
    }

    private record Result(int exitCode, String stdout, String stderr) {}

    private static Result run(List<String> command, @Nullable String stdin, int timeoutSeconds) throws Exception {
        Path stderr = Files.createTempFile("node-stderr", ".txt");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(TOOLS.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("%s did not finish within %d s", command, timeoutSeconds);
            }
            return new Result(process.exitValue(), stdout, Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    /** The program from the PATH (or /usr/bin), failing loudly when Node is not installed. */
    private static String executable(String name) throws IOException {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin" + File.pathSeparator
                + "/usr/local/bin";
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail("'%s' not found on PATH; install Node.js 20+ to run the independent decryption test", name);
    }
}
