package dev.prioritynotify.web;

import dev.prioritynotify.notification.NotificationFilter;
import dev.prioritynotify.notification.Status;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /tokens}: the signed-in person's API tokens, and the form that makes one;
 * {@code /admin/users}: the users of this server, for administrators. Both lists are rendered
 * here; creating, revoking and changing go through the JSON API from the page's script, so a new
 * token's plaintext and a made password only ever travel in an API answer, shown once.
 */
public final class AccountPageRoutes {
    private final SignedIn signedIn;
    private final OwnTokens tokens;
    private final UserRoster users;
    private final Inbox inbox;
    private final Pages pages;
    private final Assets assets;

    public AccountPageRoutes(
            SignedIn signedIn, OwnTokens tokens, UserRoster users, Inbox inbox, Pages pages, Assets assets) {
        this.signedIn = signedIn;
        this.tokens = tokens;
        this.users = users;
        this.inbox = inbox;
        this.pages = pages;
        this.assets = assets;
    }

    public void register(RoutesConfig routes) {
        routes.get("/tokens", this::tokens);
        routes.get("/admin/users", this::users);
    }

    private void tokens(Context ctx) {
        Optional<Viewer> viewer = signedIn.viewerOrRedirect(ctx);
        if (viewer.isEmpty()) {
            return;
        }
        UUID userId = viewer.get().userId();
        Layout layout = new Layout("API tokens", viewer.get(), "tokens", scripts("tokens"), unread(userId), assets);
        pages.render(ctx, 200, "tokens.jte", new TokensView(layout, tokens.list(userId), TokenRow.blank()));
    }

    private void users(Context ctx) {
        Optional<Viewer> viewer = signedIn.viewerOrRedirect(ctx);
        if (viewer.isEmpty()) {
            return;
        }
        UUID userId = viewer.get().userId();
        if (!viewer.get().admin()) {
            Layout layout = new Layout("Not allowed", viewer.get(), "admin", scripts("common"), unread(userId), assets);
            pages.render(
                    ctx,
                    403,
                    "forbidden.jte",
                    new ForbiddenView(
                            layout,
                            "Only administrators manage users. Ask one of them if you need an account changed."));
            return;
        }
        Layout layout = new Layout("Users", viewer.get(), "admin", scripts("users"), unread(userId), assets);
        pages.render(ctx, 200, "users.jte", new UsersView(layout, users.list(), UserRow.blank()));
    }

    private long unread(UUID userId) {
        return inbox.list(
                        userId,
                        new NotificationFilter(
                                Optional.empty(),
                                Optional.of(Status.UNREAD),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                1,
                                0))
                .total();
    }

    private List<String> scripts(String page) {
        return List.of(assets.url("/static/js/" + page + ".js"));
    }

    /** @param blank the row the script fills in for a token made on the page */
    public record TokensView(Layout layout, List<TokenRow> tokens, TokenRow blank) {}

    /** @param blank the row the script fills in for a user made on the page */
    public record UsersView(Layout layout, List<UserRow> users, UserRow blank) {
        public boolean isViewer(UserRow user) {
            return user.id().equals(layout.viewer().userId());
        }
    }

    public record ForbiddenView(Layout layout, String message) {}
}
