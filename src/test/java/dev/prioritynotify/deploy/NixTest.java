package dev.prioritynotify.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Nix files, as far as Debian's nix can check them without nixpkgs (which cannot be fetched
 * here): every file parses (and so names no undefined variable), and the modules, evaluated with
 * stand-ins for the few nixpkgs functions they call (src/test/resources/deploy/eval-modules.nix),
 * produce the environment, credentials and hardening they promise. Not checked here: option types
 * and merging by the real module system, and building package.nix.
 */
class NixTest {
    static final Path NIX = DockerfileTest.ROOT.resolve("nix");
    static final Path EVAL = DockerfileTest.ROOT.resolve("src/test/resources/deploy/eval-modules.nix");
    private static final String CREDENTIALS = "/run/credentials/priority-notify.service/";

    static List<Path> nixFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(NIX)) {
            walk.filter(p -> p.toString().endsWith(".nix")).sorted().forEach(files::add);
        }
        files.add(EVAL);
        return files;
    }

    private static Tool nixInstantiate() {
        Optional<Tool> tool = Tool.find("nix-instantiate");
        assumeTrue(tool.isPresent(), "nix-instantiate is not installed (Debian: nix-bin)");
        return tool.get();
    }

    private static JsonNode evaluate(boolean storeSecret) throws IOException {
        Tool.Result result = nixInstantiate()
                .run(
                        DockerfileTest.ROOT,
                        "--eval",
                        "--strict",
                        "--json",
                        EVAL.toString(),
                        "--arg",
                        "nixDir",
                        NIX.toString(),
                        "--arg",
                        "storeSecret",
                        Boolean.toString(storeSecret));
        assertThat(result.exit()).as(result.err()).isZero();
        return new ObjectMapper().readTree(result.out());
    }

    @Test
    void everyNixFile_parses() throws IOException {
        Tool nix = nixInstantiate();
        List<Path> files = nixFiles();
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .contains("module.nix", "home-manager.nix", "package.nix", "options.nix", "environment.nix");
        for (Path file : files) {
            Tool.Result parsed = nix.run(DockerfileTest.ROOT, "--parse", file.toString());
            assertThat(parsed.exit()).as("%s: %s", file, parsed.err()).isZero();
        }
    }

    /** Inside {@code with lib;} a misspelt name is only found when evaluated; without it, parsing finds it. */
    @Test
    void noNixFileOpensAWithScope_soParsingCatchesEveryUndefinedName() throws IOException {
        Pattern with = Pattern.compile("(^|[\\s(;=])with\\s+[A-Za-z_.]+\\s*;");
        for (Path file : nixFiles()) {
            String text = Files.readString(file, StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.strip().startsWith("#"))
                    .reduce("", (a, b) -> a + "\n" + b);
            assertThat(with.matcher(text).find()).as("%s uses `with`", file).isFalse();
        }
    }

    @Test
    void theNixosService_getsItsSecretsAsCredentials_andTheSettingsAsEnvironment() throws IOException {
        JsonNode service = evaluate(false).at("/nixos/systemd/services/priority-notify");
        JsonNode config = service.get("serviceConfig");

        assertThat(texts(config.get("LoadCredential")))
                .containsExactly(
                        "oidc_client_secret:/run/secrets/oidc",
                        "secret_key:/run/secrets/secret-key",
                        "vapid_private_key:/run/secrets/vapid");
        Map<String, String> env = fields(service.get("environment"));
        assertThat(env)
                .containsEntry("VAPID_PRIVATE_KEY_FILE", CREDENTIALS + "vapid_private_key")
                .containsEntry("SECRET_KEY_FILE", CREDENTIALS + "secret_key")
                .containsEntry("OIDC_CLIENT_SECRET_FILE", CREDENTIALS + "oidc_client_secret")
                .containsEntry("OIDC_ISSUER_URL", "https://auth.example.com/application/o/priority-notify/")
                .containsEntry("OIDC_CLIENT_ID", "priority-notify")
                .containsEntry("BASE_URL", "https://notify.example.com")
                .containsEntry("DATA_DIR", "/var/lib/priority-notify")
                .containsEntry("HOST", "127.0.0.1")
                .containsEntry("PORT", "8000")
                .containsEntry("RETENTION_DAYS", "90")
                .doesNotContainKeys("VAPID_PRIVATE_KEY", "SECRET_KEY", "DATABASE_URL", "VAPID_PUBLIC_KEY");
        // No secret's source path reaches the environment.
        assertThat(env.values()).noneMatch(v -> v.startsWith("/run/secrets/"));
        assertThat(config.get("ExecStart").asText()).endsWith("-priority-notify-0.1.0/bin/priority-notify serve");
        assertThat(config.get("DynamicUser").asBoolean()).isTrue();
        assertThat(config.get("StateDirectory").asText()).isEqualTo("priority-notify");
        assertThat(config.has("EnvironmentFile"))
                .as("unset environmentFile adds nothing")
                .isFalse();
        JsonNode assertions = evaluate(false).at("/nixos/assertions");
        assertThat(assertions.size()).as("one per secret file").isEqualTo(3);
        for (JsonNode assertion : assertions) {
            assertThat(assertion.get("assertion").asBoolean())
                    .as(assertion.get("message").asText())
                    .isTrue();
        }
    }

    @Test
    void aSecretInTheNixStore_failsAnAssertion() throws IOException {
        List<String> failed = new ArrayList<>();
        for (JsonNode assertion : evaluate(true).at("/nixos/assertions")) {
            if (!assertion.get("assertion").asBoolean()) {
                failed.add(assertion.get("message").asText());
            }
        }
        assertThat(failed)
                .containsExactly("services.priority-notify: the file for vapid_private_key must be an absolute path "
                        + "outside the Nix store, got /nix/store/11111111111111111111111111111111-key");
    }

    /** The modules start {@code lib.getExe package}, which is {@code bin/<meta.mainProgram>}. */
    @Test
    void thePackage_isTheReleaseArchiveOfThePomsVersion_patchedAndWrapped() throws IOException {
        JsonNode pkg = evaluate(false).get("package");

        assertThat(pkg.get("pname").asText()).isEqualTo("priority-notify");
        assertThat(pkg.get("version").asText()).isEqualTo(DockerfileTest.pomVersion());
        assertThat(pkg.get("srcName").asText()).isEqualTo("priority-notify-" + DockerfileTest.pomVersion() + ".tar.gz");
        assertThat(pkg.at("/meta/mainProgram").asText()).isEqualTo("priority-notify");
        assertThat(texts(pkg.get("nativeBuildInputs"))).containsExactly("autoPatchelfHook", "makeWrapper");
        assertThat(pkg.get("installPhase").asText())
                .contains("makeWrapper $out/share/priority-notify/bin/priority-notify $out/bin/priority-notify")
                .contains("/nix/store/22222222222222222222222222222222-coreutils/bin");
    }

    @Test
    void aDisabledModule_addsNothing() throws IOException {
        assertThat(evaluate(false).get("disabled").isNull()).isTrue();
    }

    /** The NixOS service is hardened exactly as the plain unit is (the two are kept in step by hand). */
    @Test
    void theNixosService_isHardenedAsTheSystemdUnitIs() throws IOException {
        JsonNode config = evaluate(false).at("/nixos/systemd/services/priority-notify/serviceConfig");
        Map<String, List<String>> unit =
                SystemdUnitTest.parse(Files.readString(SystemdUnitTest.UNIT)).get("Service");
        Set<String> notCompared = Set.of(
                "ExecStart", "Environment", "EnvironmentFile", "LoadCredential", "WorkingDirectory", "KillSignal");
        Map<String, String> fromUnit = new TreeMap<>();
        unit.forEach((key, values) -> {
            if (!notCompared.contains(key)) {
                fromUnit.put(key, String.join(" ", values));
            }
        });
        Map<String, String> fromNix = new TreeMap<>();
        config.properties().forEach(e -> {
            if (!notCompared.contains(e.getKey())) {
                fromNix.put(e.getKey(), systemdValue(e.getValue()));
            }
        });
        assertThat(fromNix).isEqualTo(fromUnit);
    }

    @Test
    void theHomeManagerService_readsTheUsersSecretFiles_andQuotesItsEnvironment() throws IOException {
        JsonNode service = evaluate(false).at("/homeManager/systemd/user/services/priority-notify");

        assertThat(texts(service.at("/Service/Environment")))
                .contains(
                        "\"DATA_DIR=/home/alice/.local/share/priority-notify\"",
                        "\"SECRET_KEY_FILE=/run/secrets/secret-key\"",
                        // A % would be a systemd specifier: doubled, it stays a %.
                        "\"VAPID_PRIVATE_KEY_FILE=/home/alice/.config/priority-notify/vapid 100%%\"");
        assertThat(service.at("/Service/ExecStart").asText()).endsWith("/bin/priority-notify serve");
        assertThat(texts(service.at("/Install/WantedBy"))).containsExactly("default.target");
        assertThat(service.at("/Service").has("LoadCredential")).isFalse();
    }

    /** Every setting the modules write is one docs/configuration.md documents. */
    @Test
    void everySettingTheModulesWrite_isDocumented() throws IOException {
        String docs = Files.readString(DockerfileTest.ROOT.resolve("docs/configuration.md"));
        for (String name : fields(evaluate(false).at("/nixos/systemd/services/priority-notify/environment"))
                .keySet()) {
            String setting = name.endsWith("_FILE") ? name.substring(0, name.length() - "_FILE".length()) : name;
            assertThat(docs).as("docs/configuration.md documents %s", setting).contains("`" + setting + "`");
        }
    }

    private static String systemdValue(JsonNode value) {
        if (value.isBoolean()) {
            return value.asBoolean() ? "yes" : "no";
        }
        if (value.isArray()) {
            return String.join(" ", texts(value));
        }
        return value.asText();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> fields(JsonNode object) {
        Map<String, String> out = new TreeMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
