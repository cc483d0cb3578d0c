package dev.prioritynotify.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What can be checked of the container without a container engine (none runs on the build
 * machines): the Dockerfile takes nothing from the build context but the release archive, its
 * paths exist in that archive's layout (and, when {@code ./mvnw package} has built it, in the real
 * archive, readable by a user that does not own it), it runs as a non-root user with {@code /data}
 * as its volume and checks its health on {@code /readyz}; the compose files are valid where a
 * compose tool is installed.
 */
class DockerfileTest {
    static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String LAUNCHER = "/opt/priority-notify/bin/priority-notify";
    /** The release archive's layout under its top directory, as the packaging builds it. */
    static final List<String> ARCHIVE_LAYOUT =
            List.of("bin/priority-notify", "lib/priority-notify.jar", "conf/jvm.options", "runtime/bin/java");

    record Instruction(String keyword, String args) {
        List<String> words() {
            return Arrays.stream(args.trim().split("\\s+")).toList();
        }

        List<String> flags() {
            return words().stream().filter(w -> w.startsWith("--")).toList();
        }

        /** The non-flag words: sources then destination (COPY, ADD). */
        List<String> operands() {
            return words().stream().filter(w -> !w.startsWith("--")).toList();
        }
    }

    /** Instructions with continuation lines joined and comments dropped, as the Docker frontend reads them. */
    static List<Instruction> parse(String dockerfile) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = null;
        for (String raw : dockerfile.lines().toList()) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (current == null) {
                current = new StringBuilder();
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String[] parts = current.toString().split("\\s+", 2);
            instructions.add(
                    new Instruction(parts[0].toUpperCase(java.util.Locale.ROOT), parts.length > 1 ? parts[1] : ""));
            current = null;
        }
        return instructions;
    }

    static String pomVersion() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<artifactId>priority-notify</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertThat(m.find()).as("pom.xml names the project's version").isTrue();
        return m.group(1);
    }

    /** The final stage's ENV, as the container's process gets it. */
    static Map<String, String> imageEnvironment() throws IOException {
        DockerfileTest test = new DockerfileTest();
        Map<String, String> env = new HashMap<>();
        for (Instruction i : test.finalStage()) {
            if (i.keyword().equals("ENV")) {
                for (String word : i.words()) {
                    String[] kv = word.split("=", 2);
                    env.put(kv[0], kv[1]);
                }
            }
        }
        return env;
    }

    private final List<Instruction> dockerfile;
    private final Map<String, String> args = new HashMap<>();

    DockerfileTest() throws IOException {
        dockerfile = parse(Files.readString(ROOT.resolve("Dockerfile"), StandardCharsets.UTF_8));
        for (Instruction i : dockerfile) {
            if (i.keyword().equals("ARG") && i.args().contains("=")) {
                String[] kv = i.args().split("=", 2);
                args.putIfAbsent(kv[0].trim(), kv[1].trim());
            }
        }
    }

    private String expand(String word) {
        String out = word;
        for (Map.Entry<String, String> arg : args.entrySet()) {
            out = out.replace("${" + arg.getKey() + "}", arg.getValue()).replace("$" + arg.getKey(), arg.getValue());
        }
        return out;
    }

    private List<Instruction> all(String keyword) {
        return dockerfile.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** The instructions of the last stage: what the image is. */
    private List<Instruction> finalStage() {
        int from = 0;
        for (int i = 0; i < dockerfile.size(); i++) {
            if (dockerfile.get(i).keyword().equals("FROM")) {
                from = i;
            }
        }
        return dockerfile.subList(from, dockerfile.size());
    }

    private Optional<Instruction> finalOne(String keyword) {
        return finalStage().stream().filter(i -> i.keyword().equals(keyword)).reduce((a, b) -> b);
    }

    private static List<String> execForm(String json) throws IOException {
        return List.of(new ObjectMapper().readValue(json.trim(), String[].class));
    }

    @Test
    void theVersionItUnpacks_isThePomsVersion() throws IOException {
        assertThat(args).containsEntry("VERSION", pomVersion());
    }

    @Test
    void theOnlyThingTakenFromTheBuildContext_isTheReleaseArchive() throws IOException {
        List<String> sources = new ArrayList<>();
        for (Instruction i : dockerfile) {
            if ((i.keyword().equals("COPY") || i.keyword().equals("ADD"))
                    && i.flags().stream().noneMatch(f -> f.startsWith("--from="))) {
                List<String> operands = i.operands();
                operands.subList(0, operands.size() - 1).stream()
                        .map(this::expand)
                        .forEach(sources::add);
            }
        }

        String archive = "target/priority-notify-" + pomVersion() + ".tar.gz";
        assertThat(sources).containsExactly(archive);
        DockerIgnore ignore = DockerIgnore.read(ROOT.resolve(".dockerignore"));
        assertThat(ignore.sends(archive)).as(".dockerignore sends the archive").isTrue();
        for (String kept : List.of(
                "data/secret_key",
                "data/priority-notify.db",
                ".env",
                ".git/config",
                "src/main/java/A.java",
                "target/priority-notify.jar",
                "secrets/database_url")) {
            assertThat(ignore.sends(kept))
                    .as(".dockerignore keeps %s out of the build context", kept)
                    .isFalse();
        }
    }

    @Test
    void theImage_isTheArchiveUnpackedOnAGlibcBase_startedByItsLauncher() throws IOException {
        String version = pomVersion();
        Instruction add = all("ADD").getFirst();
        assertThat(add.operands().getLast()).isEqualTo("/unpack/");
        Instruction copy = finalOne("COPY").orElseThrow();
        assertThat(copy.flags()).containsExactly("--from=archive");
        // ADD unpacks priority-notify-<version>/... into /unpack/; the image takes that top directory.
        assertThat(expand(copy.operands().getFirst())).isEqualTo("/unpack/priority-notify-" + version);
        assertThat(copy.operands().getLast()).isEqualTo("/opt/priority-notify");
        assertThat(LAUNCHER).isEqualTo("/opt/priority-notify/" + ARCHIVE_LAYOUT.getFirst());

        assertThat(finalOne("FROM").orElseThrow().args()).isEqualTo("debian:bookworm-slim");
        assertThat(execForm(finalOne("ENTRYPOINT").orElseThrow().args())).containsExactly(LAUNCHER);
        assertThat(execForm(finalOne("CMD").orElseThrow().args())).containsExactly("serve");
    }

    @Test
    void itRunsAsANonRootUser_withDataAsItsVolume_onThePortItExposes() throws IOException {
        String user = finalOne("USER").orElseThrow().args().trim();
        assertThat(user.split(":")[0]).isNotIn("root", "0").matches("\\d+");
        assertThat(execForm(finalOne("VOLUME").orElseThrow().args())).containsExactly("/data");
        String env = finalStage().stream()
                .filter(i -> i.keyword().equals("ENV"))
                .map(Instruction::args)
                .reduce("", (a, b) -> a + " " + b);
        assertThat(env).contains("DATA_DIR=/data").contains("PORT=8000");
        assertThat(finalOne("EXPOSE").orElseThrow().args()).isEqualTo("8000");
        // The data directory is made for that user (the run instruction chowns it to the same uid).
        assertThat(finalOne("RUN").orElseThrow().args()).contains("install -d -o " + user.split(":")[0]);
    }

    @Test
    void itsHealthcheck_isTheProgramsOwnHealthcheckCommand() throws IOException {
        String healthcheck = finalOne("HEALTHCHECK").orElseThrow().args();
        int cmd = healthcheck.indexOf(" CMD ");
        assertThat(cmd).isPositive();
        assertThat(execForm(healthcheck.substring(cmd + 5))).containsExactly(LAUNCHER, "healthcheck");
        assertThat(healthcheck.substring(0, cmd)).contains("--interval=30s").contains("--start-period=");
        // The command exists (it asks /readyz: HealthcheckCommandTest).
        assertThat(new CommandLine(new Main()).getSubcommands()).containsKey("healthcheck");
    }

    /**
     * When {@code ./mvnw package} has built the archive, the paths the Dockerfile uses are in it,
     * and every directory and file there can be used by uid 10001, which owns none of them.
     */
    @Test
    void theBuiltArchive_hasThatLayout_usableByAUserThatDoesNotOwnIt() throws IOException {
        String version = pomVersion();
        Path archive = ROOT.resolve("target/priority-notify-" + version + ".tar.gz");
        assumeTrue(Files.isRegularFile(archive), "no " + archive + " yet: `./mvnw package` builds it");
        Tool tar = Tool.find("tar").orElseThrow();

        Tool.Result listing = tar.run(ROOT, "-tvzf", archive.toString());

        assertThat(listing.exit()).as(listing.err()).isZero();
        Map<String, String> modes = new HashMap<>();
        for (String line : listing.out().lines().toList()) {
            String[] f = line.trim().split("\\s+", 6);
            String name = f[5].replaceFirst(" -> .*$", "").replaceFirst("/$", "");
            modes.put(name, f[0]);
        }
        String top = "priority-notify-" + version;
        for (String entry : ARCHIVE_LAYOUT) {
            assertThat(modes).as("the archive has %s/%s", top, entry).containsKey(top + "/" + entry);
        }
        for (Map.Entry<String, String> e : modes.entrySet()) {
            assertThat(e.getKey()).as("one top directory").startsWith(top);
            String mode = e.getValue();
            if (mode.startsWith("l")) {
                continue;
            }
            assertThat(mode.charAt(7))
                    .as("%s readable by others (%s)", e.getKey(), mode)
                    .isEqualTo('r');
            if (mode.startsWith("d")) {
                assertThat(mode.charAt(9))
                        .as("%s enterable by others (%s)", e.getKey(), mode)
                        .isEqualTo('x');
            }
        }
        for (String executable : List.of("bin/priority-notify", "runtime/bin/java")) {
            assertThat(modes.get(top + "/" + executable).charAt(9))
                    .as("%s executable by others", executable)
                    .isEqualTo('x');
        }
    }

    @Test
    void theComposeFiles_areValid_forTheServerAlone_andWithPostgresql() {
        Optional<Tool> compose = ComposeTool.find();
        assumeTrue(compose.isPresent(), "neither `docker compose` nor docker-compose is installed");

        Tool.Result alone = compose.get().run(ROOT, "-f", "docker-compose.yml", "config");
        assertThat(alone.exit()).as(alone.both()).isZero();
        assertThat(alone.out())
                .contains("/data")
                .contains("127.0.0.1:8000:8000")
                .doesNotContain("postgres");

        Tool.Result postgres =
                compose.get().run(ROOT, "-f", "docker-compose.yml", "-f", "docker-compose.postgres.yml", "config");
        assertThat(postgres.exit()).as(postgres.both()).isZero();
        assertThat(postgres.out())
                .contains("DATABASE_URL_FILE: /run/secrets/database_url")
                .contains("POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password")
                .contains("condition: service_healthy");
    }

    /** {@code docker compose} (the plugin) when it answers, else the standalone {@code docker-compose}. */
    static final class ComposeTool {
        static Optional<Tool> find() {
            Optional<Tool> plugin = Tool.find("docker").map(d -> d.with("compose"));
            if (plugin.isPresent() && plugin.get().run(ROOT, "version").exit() == 0) {
                return plugin;
            }
            return Tool.find("docker-compose");
        }
    }

    /** {@code .dockerignore} as Docker reads it: globs relative to the context, a path is out when its
     * last matching pattern (on it or on a directory above it) excludes it, {@code !} brings it back. */
    record DockerIgnore(List<String> patterns) {
        static DockerIgnore read(Path file) throws IOException {
            return new DockerIgnore(Files.readAllLines(file).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList());
        }

        boolean sends(String path) {
            boolean sent = true;
            for (String pattern : patterns) {
                boolean exception = pattern.startsWith("!");
                PathMatcher matcher =
                        FileSystems.getDefault().getPathMatcher("glob:" + (exception ? pattern.substring(1) : pattern));
                if (matchesItOrAParent(matcher, path)) {
                    sent = exception;
                }
            }
            return sent;
        }

        private static boolean matchesItOrAParent(PathMatcher matcher, String path) {
            for (Path p = Path.of(path); p != null; p = p.getParent()) {
                if (matcher.matches(p)) {
                    return true;
                }
            }
            return false;
        }
    }
}
