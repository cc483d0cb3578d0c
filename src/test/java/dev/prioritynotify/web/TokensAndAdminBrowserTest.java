package dev.prioritynotify.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.token.DeviceType;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.user.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tokens page and the administrators' users page in a real browser (Debian's chromium)
 * against the real server: what they make is shown once and works, what they remove stops
 * working, and neither page logs a console error, violates the CSP or fails axe-core.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class TokensAndAdminBrowserTest {
    private static final String PASSWORD = "a long enough password";
    private static final String XSS = "<img src=x onerror=alert(1)>";
    private static Chromium chromium;

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    User ada;
    Page page;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launchOrSkip();
    }

    @AfterAll
    static void quit() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp);
        ada = server.app().services().accounts().create("ada", true, Optional.of(PASSWORD.toCharArray()));
        page = chromium.context().newPage();
        page.setDefaultTimeout(15_000);
        chromium.takeProblems();
    }

    @AfterEach
    void stop() {
        List<String> problems = chromium.finish(page);
        server.close();
        Chromium.assertNoProblems(problems);
    }

    private String origin() {
        return Chromium.origin(server);
    }

    private void signIn(String path) {
        Chromium.signIn(page, origin(), path, "ada", PASSWORD);
    }

    private Locator button(String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name));
    }

    private Locator tokenRow(String name) {
        return page.locator("#token-rows .token-row").filter(new Locator.FilterOptions().setHasText(name));
    }

    private Locator userRow(String name) {
        return page.locator("#user-rows .user-row").filter(new Locator.FilterOptions().setHasText(name));
    }

    private String createToken(String name, String device, String expiry) {
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill(name);
        page.getByLabel("Device type").selectOption(device);
        page.getByLabel("Expires").selectOption(expiry);
        button("Create token").click();
        assertThat(page.locator("#issued")).isVisible();
        return page.locator("#issued-token").inputValue();
    }

    @Test
    void aNewTokenIsShownOnceWithAQrCodeThatLoadsAndRevokingItRemovesItEverywhere() {
        signIn("/tokens");
        assertThat(page.locator("#tokens-empty")).isVisible();

        String plaintext = createToken(XSS, "android", "90");

        assertThat(plaintext).startsWith("pn_");
        assertThat(page.locator("#issued-title")).hasText("Token “" + XSS + "” created");
        page.waitForFunction("() => { const i = document.getElementById('issued-qr');"
                + " return i.complete && i.naturalWidth > 0; }");
        Locator row = tokenRow(XSS);
        assertThat(row).hasCount(1);
        assertThat(row.locator(".token-device")).hasText("Android");
        assertThat(row.locator(".token-scopes")).containsText("publish");
        assertThat(row.locator("[data-label='Last used']")).hasText("Never");
        assertThat(page.locator("#token-count")).hasText("1");
        assertThat(server.get("/api/notifications?limit=1", plaintext).status()).isEqualTo(200);

        page.reload();
        assertThat(page.locator("#issued")).isHidden();
        assertThat(page.content()).doesNotContain(plaintext);
        assertThat(tokenRow(XSS).locator(".token-name")).hasText(XSS);
        assertThat(tokenRow(XSS).locator("[data-label='Last used'] time")).hasCount(1);

        // Keyboard: the revoke button opens the dialog, Escape says no.
        tokenRow(XSS).locator(".token-revoke").focus();
        page.keyboard().press("Enter");
        assertThat(page.locator("#revoke-dialog")).isVisible();
        assertThat(page.locator("#revoke-name")).hasText(XSS);
        page.keyboard().press("Escape");
        assertThat(page.locator("#revoke-dialog")).isHidden();
        assertThat(tokenRow(XSS)).hasCount(1);
        assertThat(server.get("/api/notifications?limit=1", plaintext).status()).isEqualTo(200);

        tokenRow(XSS).locator(".token-revoke").click();
        button("Revoke token").click();

        assertThat(tokenRow(XSS)).hasCount(0);
        assertThat(page.locator("#tokens-empty")).isVisible();
        assertThat(server.get("/api/notifications?limit=1", plaintext).status()).isEqualTo(401);
        page.reload();
        assertThat(page.locator("#token-rows .token-row")).hasCount(0);
    }

    @Test
    void anErrorOfTheApiIsShownNextToTheForm() {
        signIn("/tokens");
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("cron");
        // The session ends elsewhere (signed out in another tab): the API refuses, the page says so.
        chromium.context().clearCookies();
        button("Create token").click();

        assertThat(page.locator("#token-error")).isVisible();
        assertThat(page.locator("#token-error")).not().hasText("");
        assertThat(page.locator("#issued")).isHidden();
        assertOnlyRefusedRequestsWereLogged(chromium.takeProblems());
    }

    @Test
    void anAdministratorCreatesAUserWhoseOneTimePasswordSignsInThenManagesThem() {
        signIn("/admin/users");
        assertThat(page.locator("nav a[aria-current='page']")).hasText("Admin");

        page.getByLabel("User name").fill("grace");
        button("Create user").click();

        assertThat(page.locator("#secret")).isVisible();
        assertThat(page.locator("#secret-user")).hasText("grace");
        String password = page.locator("#secret-password").inputValue();
        assertThat(password).hasSizeGreaterThanOrEqualTo(16);
        Locator grace = userRow("grace");
        assertThat(grace.locator(".user-role")).hasText("User");
        assertThat(page.locator("#user-count")).hasText("2");

        try (Chromium fresh = Chromium.launch()) {
            Page other = fresh.page();
            Chromium.signIn(other, origin(), "/", "grace", password);
            assertThat(other.locator(".who")).hasText("grace");
            assertThat(other.locator("nav a[href='/admin/users']")).hasCount(0);
            Page.NavigateOptions options = new Page.NavigateOptions();
            assertThat(other.navigate(origin() + "/admin/users", options).status())
                    .isEqualTo(403);
            assertThat(other.locator("h1")).hasText("Administrators only");
            assertOnlyRefusedRequestsWereLogged(fresh.takeProblems());
        }

        grace.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Make admin"))
                .click();
        assertThat(grace.locator(".user-role")).hasText("Administrator");
        assertThat(server.app()
                        .services()
                        .users()
                        .findBySub("local:grace")
                        .orElseThrow()
                        .admin())
                .isTrue();
        grace.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove admin"))
                .click();
        assertThat(grace.locator(".user-role")).hasText("User");

        page.locator("#secret-done").click();
        assertThat(page.locator("#secret")).isHidden();
        grace.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Reset password"))
                .click();
        assertThat(page.locator("#confirm-title")).hasText("Reset the password of grace?");
        button("Reset password").last().click();
        assertThat(page.locator("#secret")).isVisible();
        String reset = page.locator("#secret-password").inputValue();
        assertThat(reset).isNotEqualTo(password).hasSizeGreaterThanOrEqualTo(16);
        assertThat(server.app().services().accounts().verify("grace", reset.toCharArray()))
                .isPresent();

        grace.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete"))
                .click();
        assertThat(page.locator("#confirm-title")).hasText("Delete grace?");
        button("Delete user").click();
        assertThat(userRow("grace")).hasCount(0);
        assertThat(server.app().services().users().findBySub("local:grace")).isEmpty();

        // The last administrator cannot step down: the server's 409 is shown, nothing changes.
        Locator self = page.locator("#user-rows .user-row[data-self='true']");
        assertThat(self.locator(".user-delete")).hasCount(0);
        self.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove admin"))
                .click();
        button("Remove my admin role").click();
        assertThat(page.locator("#user-notice")).isVisible();
        assertThat(page.locator("#user-notice")).containsText("last administrator");
        assertThat(self.locator(".user-role")).hasText("Administrator");
        assertOnlyRefusedRequestsWereLogged(chromium.takeProblems());
    }

    @Test
    void axeFindsNoSeriousOrCriticalViolationOnEitherPageInLightOrDark() throws Exception {
        server.app().services().accounts().create("grace", false, Optional.of(PASSWORD.toCharArray()));
        String script = Axe.script();
        signIn("/tokens");
        createToken("backup script", "script", "");
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            assertThat(Axe.seriousViolations(page, script))
                    .as("/tokens in " + scheme)
                    .isEmpty();
        }
        tokenRow("backup script").locator(".token-revoke").click();
        assertThat(Axe.seriousViolations(page, script))
                .as("/tokens asking to revoke")
                .isEmpty();
        page.keyboard().press("Escape");
        page.navigate(origin() + "/admin/users");
        userRow("grace")
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Reset password"))
                .click();
        button("Reset password").last().click();
        assertThat(page.locator("#secret")).isVisible();
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            assertThat(Axe.seriousViolations(page, script))
                    .as("/admin/users in " + scheme)
                    .isEmpty();
        }
    }

    /** The browser itself logs a request the server refused (401, 403, 409) as a console error; nothing else may be there. */
    private static void assertOnlyRefusedRequestsWereLogged(List<String> problems) {
        assertThat(problems)
                .allMatch(p -> p.contains("Failed to load resource") && p.matches("(?s).*status of 4(01|03|09).*"));
    }

    /**
     * The screenshots in docs/screenshots (README): the tokens and users pages at desktop and
     * phone width, light and dark. Only on request, as they change the working tree:
     * {@code ./mvnw test -Dtest=TokensAndAdminBrowserTest -Dscreenshots=docs/screenshots}.
     */
    @Test
    void screenshots() throws Exception {
        String dir = System.getProperty("screenshots");
        assumeTrue(dir != null && dialect == Dialect.SQLITE, "screenshots only when asked for (-Dscreenshots=<dir>)");
        Path out = Path.of(dir).toAbsolutePath();
        Files.createDirectories(out);
        var accounts = server.app().services().accounts();
        User grace = accounts.create("grace", false, Optional.of(PASSWORD.toCharArray()));
        accounts.create("linus", false, Optional.of(PASSWORD.toCharArray()));
        accounts.create("margaret", true, Optional.of(PASSWORD.toCharArray()));
        server.app()
                .services()
                .users()
                .recordLogin(grace.id(), java.time.Instant.now().minusSeconds(3600 * 5));
        String used = server.app()
                .services()
                .tokens()
                .issue(ada.id(), "Grafana alerts", DeviceType.SCRIPT, Set.of(Scope.PUBLISH), Optional.empty())
                .plaintext();
        server.get("/api/me", used);
        signIn("/tokens");
        createToken("Pixel 8", "android", "");
        page.locator("#issued-done").click();
        createToken("GNOME desktop", "gnome", "365");
        page.locator("#issued-done").click();
        page.reload();
        createToken("Nightly backup on nas-01", "script", "90");
        page.waitForFunction("() => { const i = document.getElementById('issued-qr');"
                + " return i.complete && i.naturalWidth > 0; }");
        shoot(out, "tokens");
        page.locator("#issued-done").click();
        page.navigate(origin() + "/admin/users");
        page.getByLabel("User name").fill("ken");
        button("Create user").click();
        assertThat(page.locator("#secret")).isVisible();
        shoot(out, "admin");
    }

    private void shoot(Path out, String name) {
        for (String scheme : List.of("light", "dark")) {
            page.emulateMedia(new Page.EmulateMediaOptions()
                    .setColorScheme(scheme.equals("dark") ? ColorScheme.DARK : ColorScheme.LIGHT));
            page.setViewportSize(1280, 860);
            page.screenshot(new Page.ScreenshotOptions()
                    .setFullPage(true)
                    .setPath(out.resolve(name + "-desktop-" + scheme + ".png")));
            page.setViewportSize(390, 844);
            page.screenshot(new Page.ScreenshotOptions()
                    .setFullPage(true)
                    .setPath(out.resolve(name + "-phone-" + scheme + ".png")));
        }
    }
}
