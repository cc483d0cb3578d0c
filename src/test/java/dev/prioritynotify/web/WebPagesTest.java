package dev.prioritynotify.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.user.User;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The pages and files of the web app over plain HTTP: who sees what, escaping, caching headers. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class WebPagesTest {
    private static final String PASSWORD = "a long enough password";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    String token;
    String cookie;

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp);
        User ada = server.app().services().accounts().create("ada", false, Optional.of(PASSWORD.toCharArray()));
        token = server.token(ada);
        cookie = signIn("ada");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String signIn(String name) {
        String form = "username=" + name + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        Response r = server.send(server.request("/login", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://127.0.0.1:" + server.app().port())
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        String setCookie = r.raw().headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private Response page(String path) {
        return server.send(server.request(path, null).header("Cookie", cookie).GET());
    }

    @Test
    void theDashboardSendsAStrangerToSignInAndBack() {
        Response r = server.get("/?status=unread", null);

        assertThat(r.status()).isEqualTo(302);
        assertThat(r.raw().headers().firstValue("Location")).hasValue("/login?next=%2F%3Fstatus%3Dunread");
    }

    @Test
    void theSettingsPageSendsAStrangerToSignInAndBack() {
        Response r = server.get("/settings", null);

        assertThat(r.status()).isEqualTo(302);
        assertThat(r.raw().headers().firstValue("Location")).hasValue("/login?next=%2Fsettings");
        assertThat(server.get("/settings", token).status()).isEqualTo(302);
    }

    @Test
    void withPushDisabledTheSettingsPageSaysSoAndWhyInsteadOfOfferingIt() {
        assertThat(server.get("/api/push/vapid-key", null).status()).isEqualTo(503);

        Response r = page("/settings");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body())
                .contains("Push is turned off on this server")
                .contains("VAPID_SUBJECT")
                .contains("<a href=\"/settings\" aria-current=\"page\">Settings</a>")
                .doesNotContain("settings.js")
                .doesNotContain("id=\"enable\"");
    }

    @Test
    void withPushEnabledTheSettingsPageOffersToEnableItHere() {
        server.restart(dev.prioritynotify.push.TestPushService.serverSettings(java.util.Map.of()));
        cookie = signIn("ada");

        Response r = page("/settings");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body())
                .contains("/static/js/settings.js?v=")
                .contains("id=\"enable\"")
                .contains("id=\"explain-denied\"")
                .doesNotContain("Push is turned off");
    }

    @Test
    void aTokenIsNotABrowserAndIsSentToSignIn() {
        assertThat(server.get("/", token).status()).isEqualTo(302);
    }

    @Test
    void theDashboardListsTheViewersNotificationsNewestFirstWithTitlesAsText() {
        server.publish(token, "first");
        server.post(
                "/api/notifications/",
                token,
                "{\"title\":\"<img src=x onerror=alert(1)>\",\"priority\":\"critical\",\"source\":\"ci\"}");

        Response r = page("/");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(r.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.body())
                .contains("&lt;img src=x onerror=alert(1)&gt;")
                .doesNotContain("<img src=x")
                .contains("<title>(2) Notifications · priority-notify</title>");
        assertThat(r.body().indexOf("&lt;img src=x")).isLessThan(r.body().indexOf(">first<"));
        assertThat(r.body()).contains("Critical").contains("data-priority=\"critical\"");
    }

    @Test
    void filtersAndPagesComeFromTheQueryString() {
        for (int i = 0; i < DashboardRoutes.PAGE_SIZE + 2; i++) {
            server.publish(token, "n" + i);
        }
        server.post("/api/notifications/", token, "{\"title\":\"from ci\",\"source\":\"ci\",\"priority\":\"high\"}");

        assertThat(page("/?source=ci").body()).contains(">from ci<").doesNotContain(">n0<");
        assertThat(page("/?priority=low").body()).contains("Nothing matches these filters.");
        Response first = page("/");
        assertThat(first.body()).contains("1–25 of 28").contains("href=\"/?offset=25\"");
        assertThat(page("/?offset=25").body()).contains("26–28 of 28").contains(">n0<");
        assertThat(page("/?status=bogus&offset=-3").status()).isEqualTo(200);
    }

    @Test
    void archivedNotificationsLeaveTheInboxButNotTheArchive() {
        String id = server.publish(token, "put away").get("id").asText();
        server.patch("/api/notifications/" + id, token, "{\"status\":\"archived\"}");

        assertThat(page("/").body()).doesNotContain(">put away<");
        assertThat(page("/?status=archived").body()).contains(">put away<");
        assertThat(page("/?status=all").body()).contains(">put away<");
    }

    @Test
    void openingANotificationMarksItRead() {
        String id = server.publish(token, "look at me").get("id").asText();

        Response r = page("/notifications/" + id);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains(">look at me<");
        assertThat(server.get("/api/notifications/" + id, token)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("read");
    }

    @Test
    void someoneElsesNotificationIsNotFound() {
        String other = server.newUserToken("eve");
        String id = server.publish(other, "eve's").get("id").asText();

        Response r = page("/notifications/" + id);

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("eve's");
        assertThat(page("/notifications/not-a-uuid").status()).isEqualTo(404);
        assertThat(server.get("/api/notifications/" + id, other)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("unread");
    }

    @Test
    void staticFilesAreCachedForeverUnderTheirVersionAndRevalidatedOtherwise() {
        Matcher css = Pattern.compile("href=\"(/static/app\\.css\\?v=[0-9a-f]+)\"")
                .matcher(page("/").body());
        assertThat(css.find()).isTrue();

        Response versioned = server.get(css.group(1), null);
        assertThat(versioned.status()).isEqualTo(200);
        assertThat(versioned.raw().headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(versioned.raw().headers().firstValue("Cache-Control"))
                .hasValue("public, max-age=31536000, immutable");

        Response plain = server.get("/static/js/dashboard.js", null);
        assertThat(plain.raw().headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(plain.raw().headers().firstValue("Cache-Control")).hasValue("no-cache");
        String etag = plain.raw().headers().firstValue("ETag").orElseThrow();
        Response again = server.send(server.request("/static/js/dashboard.js", null)
                .header("If-None-Match", etag)
                .GET());
        assertThat(again.status()).isEqualTo(304);

        assertThat(server.get("/static/../logback.xml", null).status()).isEqualTo(404);
        assertThat(server.get("/static/nothing.css", null).status()).isEqualTo(404);
        assertThat(server.get("/favicon.ico", null).status()).isEqualTo(200);
        assertThat(server.get("/static/icon-192.png", null).raw().headers().firstValue("Content-Type"))
                .hasValue("image/png");
    }

    @Test
    void theServiceWorkerIsServedFromTheRootFreshEachTime() {
        Response sw = server.get("/sw.js", null);

        assertThat(sw.status()).isEqualTo(200);
        assertThat(sw.raw().headers().firstValue("Service-Worker-Allowed")).hasValue("/");
        assertThat(sw.raw().headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(sw.raw().headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(sw.body()).contains("showNotification");
    }

    @Test
    void theManifestNamesTheAppAndItsIcons() {
        Response m = server.get("/manifest.webmanifest", null);

        assertThat(m.status()).isEqualTo(200);
        assertThat(m.raw().headers().firstValue("Content-Type")).hasValue("application/manifest+json");
        assertThat(m.json().get("display").asText()).isEqualTo("standalone");
        m.json()
                .get("icons")
                .forEach(icon -> assertThat(
                                server.get(icon.get("src").asText(), null).status())
                        .as(icon.toString())
                        .isEqualTo(200));
    }

    @Test
    void theTokensAndAdminPagesSendAStrangerToSignInAndBack() {
        assertThat(server.get("/tokens", null).raw().headers().firstValue("Location"))
                .hasValue("/login?next=%2Ftokens");
        assertThat(server.get("/admin/users", null).raw().headers().firstValue("Location"))
                .hasValue("/login?next=%2Fadmin%2Fusers");
        assertThat(server.get("/tokens", token).status()).isEqualTo(302);
    }

    @Test
    void theTokensPageListsTheViewersTokensWithNamesAsTextAndNoSecret() {
        Response created = server.send(
                server.request("/api/tokens/", null)
                        .header("Cookie", cookie)
                        .header("Origin", "http://127.0.0.1:" + server.app().port())
                        .header("X-CSRF-Token", csrf())
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"name\":\"<img src=x onerror=alert(1)>\",\"device_type\":\"android\",\"scopes\":[\"read\"],\"expires_in_days\":30}")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        server.newUserToken("eve");

        Response r = page("/tokens");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.body())
                .contains("&lt;img src=x onerror=alert(1)&gt;")
                .doesNotContain("<img src=x")
                .contains("Android")
                .contains(">read<")
                .doesNotContain(created.json().get("token").asText())
                .contains("aria-current=\"page\">Tokens<")
                .doesNotContain("href=\"/admin/users\"");
    }

    @Test
    void theAdminPageIsForAdministratorsOnly() {
        Response r = page("/admin/users");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("Administrators only").doesNotContain("user-row");

        server.app().services().accounts().create("root", true, Optional.of(PASSWORD.toCharArray()));
        cookie = signIn("root");
        Response admin = page("/admin/users");
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.body())
                .contains(">ada<")
                .contains(">root<")
                .contains("aria-current=\"page\">Admin<")
                .contains("password");
    }

    private String csrf() {
        return server.send(
                        server.request("/api/me", null).header("Cookie", cookie).GET())
                .json()
                .get("csrf_token")
                .asText();
    }
}
