package dev.prioritynotify.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Route;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.user.User;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The dashboard in a real browser (Debian's chromium) when the server ends its live stream: the
 * page says it is reconnecting, the browser comes back with {@code Last-Event-ID}, and what was
 * published while it was away appears in the list without a reload.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class ReconnectBrowserTest {
    private static final String PASSWORD = "a long enough password";
    private static final String STREAM = "/api/notifications/stream";
    private static Chromium chromium;

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    User ada;
    String token;
    Page page;
    final List<Request> streamRequests = new CopyOnWriteArrayList<>();

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
        ada = server.app().services().accounts().create("ada", false, Optional.of(PASSWORD.toCharArray()));
        token = server.token(ada);
        page = chromium.context().newPage();
        page.setDefaultTimeout(15_000);
        page.onRequest(r -> {
            if (r.url().contains(STREAM)) {
                streamRequests.add(r);
            }
        });
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

    private Locator note(String title) {
        return page.locator("#notes > .note").filter(new Locator.FilterOptions().setHasText(title));
    }

    @Test
    void afterTheServerEndsTheStreamThePageResumesFromItsLastEventAndShowsWhatItMissed() {
        server.publish(token, "before the page");
        signIn("/");
        Locator live = page.locator("#live");
        assertThat(live).hasAttribute("data-state", "live");
        assertThat(live).hasText("Live");
        // The page's stream starts after the log position it was rendered at; the one live
        // event is the next in the user's gapless sequence, so that is the id to resume from.
        long renderedAt =
                Long.parseLong(page.locator("meta[name='stream-from']").getAttribute("content"));
        server.publish(token, "while live");
        assertThat(note("while live")).hasCount(1);
        String resumeFrom = Long.toString(renderedAt + 1);

        assertThat(server.app().hub().endStreamsOf(ada.id())).isEqualTo(1);

        assertThat(live).hasAttribute("data-state", "reconnecting");
        assertThat(live).hasText("Reconnecting…");
        server.publish(token, "missed one");
        server.publish(token, "missed two");
        // Both committed while the page had no stream: only the replay can bring them.
        assertThat(server.app().hub().openStreams())
                .as("the page reconnected before the test published")
                .isZero();

        assertThat(live).hasAttribute("data-state", "live");
        assertThat(live).hasText("Live");
        assertThat(note("missed one")).hasCount(1);
        assertThat(note("missed two")).hasCount(1);
        assertThat(page.locator("#notes > .note .note-title"))
                .hasText(new String[] {"missed two", "missed one", "while live", "before the page"});
        assertThat(page).hasTitle("(4) Notifications · priority-notify");

        assertThat(streamRequests).hasSize(2);
        assertThat(streamRequests.getFirst().url()).endsWith(STREAM + "?last_event_id=" + renderedAt);
        assertThat(streamRequests.getFirst().allHeaders()).doesNotContainKey("last-event-id");
        assertThat(streamRequests.get(1).allHeaders()).containsEntry("last-event-id", resumeFrom);
        // The page was not reloaded: the dashboard itself was loaded once.
        assertThat(page.evaluate("() => performance.getEntriesByType('navigation').length"))
                .isEqualTo(1);
    }

    @Test
    void whenTheReconnectIsRefusedThePageOpensANewStreamFromTheLastEventItReceived() {
        signIn("/");
        Locator live = page.locator("#live");
        assertThat(live).hasAttribute("data-state", "live");
        long renderedAt =
                Long.parseLong(page.locator("meta[name='stream-from']").getAttribute("content"));
        server.publish(token, "while live");
        assertThat(note("while live")).hasCount(1);
        // The browser's own reconnect gets an error status (a proxy in front, a restart): the
        // EventSource gives up, and the page must start a new one from the id it kept itself.
        AtomicBoolean refused = new AtomicBoolean();
        page.route("**" + STREAM + "*", route -> {
            if (refused.compareAndSet(false, true)) {
                route.fulfill(new Route.FulfillOptions().setStatus(503).setBody("down"));
            } else {
                route.resume();
            }
        });

        server.app().hub().endStreamsOf(ada.id());

        assertThat(live).hasAttribute("data-state", "offline");
        assertThat(live).hasText("Offline, retrying");
        server.publish(token, "missed while offline");
        assertThat(server.app().hub().openStreams())
                .as("the page reconnected before the test published")
                .isZero();

        assertThat(live).hasAttribute("data-state", "live");
        assertThat(note("missed while offline")).hasCount(1);
        assertThat(page.locator("#notes > .note .note-title"))
                .hasText(new String[] {"missed while offline", "while live"});
        assertThat(streamRequests).hasSize(3);
        // (The refused request never reached the network, so its headers are not checked here;
        // the first test checks the browser's own Last-Event-ID.)
        assertThat(streamRequests.get(2).url()).endsWith(STREAM + "?last_event_id=" + (renderedAt + 1));
        assertThat(page.evaluate("() => performance.getEntriesByType('navigation').length"))
                .isEqualTo(1);
        // The refused request is the one thing the browser may log.
        assertThat(chromium.takeProblems())
                .allMatch(p -> p.contains("Failed to load resource") && p.contains("status of 503"));
    }
}
