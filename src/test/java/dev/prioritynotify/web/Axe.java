package dev.prioritynotify.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import dev.prioritynotify.support.TestServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * axe-core (the npm package pinned in {@code src/test/axe}, installed there with {@code npm ci}
 * when missing; its node_modules is not committed), run inside a page. The script is evaluated
 * through the DevTools protocol, which the page's CSP does not govern, so the page under test
 * keeps its own strict policy.
 */
final class Axe {
    private static final Path TOOLS = Path.of("src/test/axe");
    private static final Path SCRIPT = TOOLS.resolve("node_modules/axe-core/axe.min.js");

    private Axe() {}

    static String script() throws IOException, InterruptedException {
        if (!Files.exists(SCRIPT)) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(TOOLS.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(new File("target/axe-npm.log"))
                    .start();
            assertThat(npm.waitFor(300, TimeUnit.SECONDS))
                    .as("npm ci in src/test/axe finished")
                    .isTrue();
            assertThat(npm.exitValue())
                    .as("npm ci in src/test/axe (target/axe-npm.log)")
                    .isZero();
        }
        return Files.readString(SCRIPT, StandardCharsets.UTF_8);
    }

    /** The violations of impact serious or critical on the page as it is now, one line each. */
    static List<String> seriousViolations(Page page, String script) throws IOException {
        if (!Boolean.TRUE.equals(page.evaluate("() => typeof window.axe === 'object'"))) {
            page.evaluate(script);
        }
        String json = (String)
                page.evaluate(
                        "() => axe.run(document, { resultTypes: ['violations'] })"
                                + ".then(r => JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                                + ".map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.failureSummary) }))))");
        List<String> lines = new ArrayList<>();
        for (JsonNode v : TestServer.mapper().readTree(json)) {
            lines.add(v.get("id").asText() + " (" + v.get("help").asText() + "): " + v.get("nodes"));
        }
        return lines;
    }
}
