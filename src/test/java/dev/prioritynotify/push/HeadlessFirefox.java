package dev.prioritynotify.push;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code firefox-esr}, headless, with a fresh profile pointed at a local push service and
 * kept off the network: a dead proxy for everything but 127.0.0.1, and the background services
 * (updates, telemetry, Normandy, safe browsing, captive portal detection) switched off.
 */
final class HeadlessFirefox implements AutoCloseable {
    static final String BINARY = "firefox-esr";

    private final Path profile;
    private final Process process;

    private HeadlessFirefox(Path profile, Process process) {
        this.profile = profile;
        this.process = process;
    }

    /** The firefox-esr on PATH, or null. */
    static Path find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, BINARY);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static HeadlessFirefox launch(Path binary, String pushServerUrl, String pageUrl, Path log) throws IOException {
        return launch(binary, pushServerUrl, pageUrl, log, List.of());
    }

    /** @param extraArgs more command-line arguments, e.g. {@code --remote-debugging-port} to drive it over WebDriver BiDi */
    static HeadlessFirefox launch(Path binary, String pushServerUrl, String pageUrl, Path log, List<String> extraArgs)
            throws IOException {
        Path profile = Files.createTempDirectory("firefox-push-profile");
        Files.writeString(profile.resolve("user.js"), userJs(pushServerUrl));
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(
                List.of(binary.toString(), "--headless", "--no-remote", "--profile", profile.toString()));
        command.addAll(extraArgs);
        command.add(pageUrl);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("MOZ_HEADLESS", "1");
        env.put("MOZ_REMOTE_SETTINGS_DEVTOOLS", "1");
        env.put("MOZ_CRASHREPORTER_DISABLE", "1");
        env.put("MOZ_DISABLE_AUTO_SAFE_MODE", "1");
        env.put("HOME", profile.toString());
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        try {
            return new HeadlessFirefox(profile, builder.start());
        } catch (IOException | RuntimeException e) {
            deleteTree(profile);
            throw e;
        }
    }

    static String userJs(String pushServerUrl) {
        Map<String, Object> prefs = new LinkedHashMap<>();
        // Push against the local service; service workers on http://127.0.0.1; no permission prompt.
        prefs.put("dom.push.enabled", true);
        prefs.put("dom.push.connection.enabled", true);
        prefs.put("dom.push.serverURL", pushServerUrl);
        prefs.put("dom.push.testing.allowInsecureServerURL", true);
        prefs.put("dom.push.testing.ignorePermission", true);
        prefs.put("dom.push.loglevel", "debug");
        prefs.put("dom.serviceWorkers.enabled", true);
        prefs.put("dom.serviceWorkers.testing.enabled", true);
        prefs.put("permissions.default.desktop-notification", 1);
        prefs.put("alerts.useSystemBackend", false);
        // Firefox must not decide it is offline (there is only loopback here): push would not connect.
        prefs.put("network.manage-offline-status", false);
        // Off the network: everything but 127.0.0.1 goes to a proxy that does not exist.
        prefs.put("network.proxy.type", 1);
        prefs.put("network.proxy.http", "127.0.0.1");
        prefs.put("network.proxy.http_port", 1);
        prefs.put("network.proxy.ssl", "127.0.0.1");
        prefs.put("network.proxy.ssl_port", 1);
        prefs.put("network.proxy.no_proxies_on", "");
        prefs.put("network.proxy.allow_hijacking_localhost", false);
        prefs.put("network.dns.disablePrefetch", true);
        prefs.put("network.prefetch-next", false);
        prefs.put("network.connectivity-service.enabled", false);
        prefs.put("network.captive-portal-service.enabled", false);
        prefs.put("app.update.enabled", false);
        prefs.put("app.update.auto", false);
        prefs.put("app.normandy.enabled", false);
        prefs.put("app.shield.optoutstudies.enabled", false);
        prefs.put("extensions.update.enabled", false);
        prefs.put("extensions.getAddons.cache.enabled", false);
        prefs.put("datareporting.healthreport.uploadEnabled", false);
        prefs.put("datareporting.policy.dataSubmissionEnabled", false);
        prefs.put("toolkit.telemetry.enabled", false);
        prefs.put("toolkit.telemetry.unified", false);
        prefs.put("browser.safebrowsing.malware.enabled", false);
        prefs.put("browser.safebrowsing.phishing.enabled", false);
        prefs.put("browser.safebrowsing.downloads.enabled", false);
        prefs.put("browser.safebrowsing.downloads.remote.enabled", false);
        prefs.put("browser.shell.checkDefaultBrowser", false);
        prefs.put("browser.startup.homepage_override.mstone", "ignore");
        prefs.put("browser.aboutwelcome.enabled", false);
        prefs.put("browser.newtabpage.enabled", false);
        prefs.put("browser.topsites.contile.enabled", false);
        prefs.put("browser.ping-centre.telemetry", false);
        prefs.put("services.settings.server", "http://127.0.0.1:1/");
        prefs.put("browser.region.network.url", "");
        prefs.put("browser.region.update.enabled", false);
        // Console and dump() output on stdout, for the log under target/.
        prefs.put("browser.dom.window.dump.enabled", true);
        prefs.put("devtools.console.stdout.chrome", true);
        prefs.put("devtools.console.stdout.content", true);
        StringBuilder out = new StringBuilder();
        prefs.forEach((name, value) -> out.append("user_pref(\"")
                .append(name)
                .append("\", ")
                .append(value instanceof String s ? "\"" + s + "\"" : value)
                .append(");\n"));
        return out.toString();
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        process.descendants().forEach(all::add);
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort; it was sent SIGKILL
            }
        }
        deleteTree(profile);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
