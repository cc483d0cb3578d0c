package dev.prioritynotify.web;

import dev.prioritynotify.notification.NotificationFilter;
import dev.prioritynotify.notification.Status;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * {@code /settings}: push on this browser (enable, disable, its name and minimum priority), the
 * person's other devices and a test push. The page is a shell rendered here; which state this
 * browser is in (no service worker, permission asked, denied, subscribed) only the browser knows,
 * so its script fills it in and makes every change through the push API. When the server cannot
 * push, the page says why instead of offering what would fail.
 */
public final class SettingsRoutes {
    private final SignedIn signedIn;
    private final Inbox inbox;
    private final PushAvailability push;
    private final Pages pages;
    private final Assets assets;

    public SettingsRoutes(SignedIn signedIn, Inbox inbox, PushAvailability push, Pages pages, Assets assets) {
        this.signedIn = signedIn;
        this.inbox = inbox;
        this.push = push;
        this.pages = pages;
        this.assets = assets;
    }

    public void register(RoutesConfig routes) {
        routes.get("/settings", this::settings);
    }

    private void settings(Context ctx) {
        Optional<Viewer> viewer = signedIn.viewerOrRedirect(ctx);
        if (viewer.isEmpty()) {
            return;
        }
        Optional<String> unavailable = push.unavailableReason();
        // Without push the page needs no script beyond the shared one (no worker to talk to).
        String script = unavailable.isPresent() ? "/static/js/common.js" : "/static/js/settings.js";
        Layout layout = new Layout(
                "Settings", viewer.get(), "settings", List.of(assets.url(script)), unread(viewer.get()), assets);
        pages.render(ctx, 200, "settings.jte", new SettingsView(layout, unavailable.orElse("")));
    }

    /** The unread count for the title and the app badge, which every page keeps showing. */
    private long unread(Viewer viewer) {
        NotificationFilter unread = new NotificationFilter(
                Optional.empty(),
                Optional.of(Status.UNREAD),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                1,
                0);
        return inbox.list(viewer.userId(), unread).total();
    }

    /** @param pushUnavailable why this server cannot push, empty when it can */
    public record SettingsView(Layout layout, String pushUnavailable) {
        public boolean pushEnabled() {
            return pushUnavailable.isEmpty();
        }
    }
}
