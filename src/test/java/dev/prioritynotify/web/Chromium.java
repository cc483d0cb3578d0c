package dev.prioritynotify.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.prioritynotify.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, driven by Playwright with a fresh profile. Playwright never
 * downloads a browser of its own ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD}); the background
 * services that would reach the network are off. Every page records console errors, uncaught
 * exceptions and CSP violations, which {@link #takeProblems()} returns: a page must have none.
 */
final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");

    private final Playwright playwright;
    private final BrowserContext context;
    private final Path profile;
    private final List<String> problems = new CopyOnWriteArrayList<>();

    private Chromium(Playwright playwright, BrowserContext context, Path profile) {
        this.playwright = playwright;
        this.context = context;
        this.profile = profile;
    }

    /** The browser for a test class, or the class skipped where chromium is not installed. */
    static Chromium launchOrSkip() {
        assumeTrue(Files.isExecutable(BINARY), "chromium is not installed (test.sh installs it)");
        return launch();
    }

    static String origin(TestServer server) {
        return "http://127.0.0.1:" + server.app().port();
    }

    /** Signs in through the form, as a person would, starting from the page they wanted. */
    static void signIn(Page page, String origin, String path, String username, String password) {
        page.navigate(origin + path);
        assertThat(page).hasURL(Pattern.compile("/login\\?next="));
        page.getByLabel("User name").fill(username);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                .click();
        assertThat(page).hasURL(origin + path);
    }

    /**
     * Ends a test's page: closes it and forgets its sign-in, and answers the console errors,
     * uncaught exceptions and CSP violations it saw, for the test to check once everything else of
     * it is closed.
     */
    List<String> finish(Page page) {
        List<String> seen = takeProblems();
        page.close();
        context.clearCookies();
        return seen;
    }

    static void assertNoProblems(List<String> problems) {
        org.assertj.core.api.Assertions.assertThat(problems)
                .as("console errors, uncaught exceptions and CSP violations")
                .isEmpty();
    }

    static Chromium launch() {
        Path profile;
        try {
            profile = Files.createTempDirectory("chromium-profile");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Playwright playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            BrowserContext context = playwright
                    .chromium()
                    .launchPersistentContext(
                            profile,
                            new BrowserType.LaunchPersistentContextOptions()
                                    .setExecutablePath(BINARY)
                                    .setHeadless(true)
                                    .setArgs(List.of(
                                            "--headless",
                                            "--no-sandbox",
                                            "--disable-gpu",
                                            "--disable-quic",
                                            "--no-first-run",
                                            "--disable-background-networking",
                                            "--disable-component-update",
                                            "--disable-sync")));
            Chromium chromium = new Chromium(playwright, context, profile);
            // A CSP violation is reported to the page as an event; make it a console error too.
            context.addInitScript("document.addEventListener('securitypolicyviolation', e => "
                    + "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));");
            context.onPage(chromium::watch);
            context.pages().forEach(chromium::watch);
            return chromium;
        } catch (RuntimeException e) {
            playwright.close();
            deleteTree(profile);
            throw e;
        }
    }

    private void watch(Page page) {
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                problems.add("console error on " + page.url() + ": " + m.text());
            }
        });
        page.onPageError(e -> problems.add("uncaught on " + page.url() + ": " + e));
    }

    BrowserContext context() {
        return context;
    }

    /** The first page of the profile (a persistent context opens with one). */
    Page page() {
        return context.pages().isEmpty() ? context.newPage() : context.pages().getFirst();
    }

    /** What went wrong on the pages since the last call, which forgets it. */
    List<String> takeProblems() {
        List<String> taken = List.copyOf(problems);
        problems.removeAll(taken);
        return taken;
    }

    @Override
    public void close() {
        try {
            context.close();
        } finally {
            playwright.close();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing a test for
        }
    }
}
