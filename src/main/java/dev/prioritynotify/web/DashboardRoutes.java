package dev.prioritynotify.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.NotificationFilter;
import dev.prioritynotify.notification.Page;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.notification.Status;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * {@code /}: the dashboard, the signed-in person's notifications newest first, filtered and paged
 * from the query string; {@code /notifications/{id}}: one notification (where a push click lands),
 * marked read by being opened. The list is rendered here; the page's script keeps it live from the
 * stream and changes notifications through the JSON API.
 */
public final class DashboardRoutes {
    static final int PAGE_SIZE = 25;
    private static final int MAX_SOURCE = 64;

    private final SignedIn signedIn;
    private final Inbox inbox;
    private final StreamPosition position;
    private final Pages pages;
    private final Assets assets;
    private final ObjectMapper mapper;

    public DashboardRoutes(
            SignedIn signedIn, Inbox inbox, StreamPosition position, Pages pages, Assets assets, ObjectMapper mapper) {
        this.signedIn = signedIn;
        this.inbox = inbox;
        this.position = position;
        this.pages = pages;
        this.assets = assets;
        this.mapper = mapper;
    }

    public void register(RoutesConfig routes) {
        routes.get("/", this::dashboard);
        routes.get("/notifications/{id}", this::notification);
    }

    private void dashboard(Context ctx) {
        Optional<Viewer> viewer = signedIn.viewerOrRedirect(ctx);
        if (viewer.isEmpty()) {
            return;
        }
        UUID userId = viewer.get().userId();
        Filters filters = Filters.of(ctx.queryParam("status"), ctx.queryParam("priority"), ctx.queryParam("source"));
        int offset = nonNegative(ctx.queryParam("offset"));
        // The stream's starting point is read before the list: whatever commits in between is
        // replayed to the page, which skips what it already shows.
        long streamFrom = position.current(userId);
        Page<Notification> page = inbox.list(userId, filters.toFilter(PAGE_SIZE, offset));
        long unread = unreadCount(userId);
        List<NoteView> notes =
                page.items().stream().map(n -> NoteView.of(n, mapper)).toList();
        Layout layout =
                new Layout("Notifications", viewer.get(), "notifications", scripts("dashboard"), unread, assets);
        pages.render(
                ctx,
                200,
                "dashboard.jte",
                new DashboardView(
                        layout, notes, filters, Pager.of(filters, page), streamFrom, unread, NoteView.blank()));
    }

    private void notification(Context ctx) {
        Optional<Viewer> viewer = signedIn.viewerOrRedirect(ctx);
        if (viewer.isEmpty()) {
            return;
        }
        UUID userId = viewer.get().userId();
        Optional<UUID> id = uuid(ctx.pathParam("id"));
        long streamFrom = position.current(userId);
        // Opening a notification is reading it; someone else's (or none) is simply not there.
        Optional<Notification> n = id.flatMap(i -> inbox.find(userId, i))
                .map(found -> found.status() == Status.UNREAD
                        ? inbox.markRead(userId, found.id()).orElse(found)
                        : found);
        long unread = unreadCount(userId);
        if (n.isEmpty()) {
            Layout layout = new Layout("Not found", viewer.get(), "notifications", scripts("common"), unread, assets);
            pages.render(ctx, 404, "notfound.jte", new NotFoundView(layout, "This notification does not exist."));
            return;
        }
        NoteView note = NoteView.of(n.get(), mapper);
        // Its deliveries are read by a script from the JSON API, like any client: the web app knows nothing of push.
        Layout layout = new Layout(
                n.get().title(),
                viewer.get(),
                "notifications",
                List.of(assets.url("/static/js/dashboard.js"), assets.url("/static/js/deliveries.js")),
                unread,
                assets);
        pages.render(ctx, 200, "notification.jte", new NotificationPageView(layout, note, streamFrom, unread));
    }

    private long unreadCount(UUID userId) {
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

    private static int nonNegative(@Nullable String raw) {
        if (raw == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(raw.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Optional<UUID> uuid(String raw) {
        try {
            return Optional.of(UUID.fromString(raw));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The dashboard's filters as the form sends them. A page is forgiving where the API is strict:
     * a value it does not know means "no filter", not an error page.
     *
     * @param status {@code inbox} (unread and read; the default), {@code unread}, {@code read}, {@code archived} or {@code all}
     * @param priority a priority's wire name, or empty for any
     * @param source a source, or empty for any
     */
    public record Filters(String status, String priority, String source) {
        static final List<String> STATUSES = List.of("inbox", "unread", "read", "archived", "all");

        static Filters of(@Nullable String status, @Nullable String priority, @Nullable String source) {
            String s = status != null && STATUSES.contains(status) ? status : "inbox";
            String p = "";
            if (priority != null) {
                for (Priority known : Priority.values()) {
                    if (known.wire().equals(priority)) {
                        p = priority;
                    }
                }
            }
            String src = source == null ? "" : source.strip();
            return new Filters(s, p, src.length() > MAX_SOURCE ? src.substring(0, MAX_SOURCE) : src);
        }

        NotificationFilter toFilter(int limit, int offset) {
            Optional<Status> st = switch (status) {
                case "unread", "read", "archived" -> Optional.of(Status.parse(status));
                default -> Optional.empty();
            };
            return new NotificationFilter(
                    Optional.empty(),
                    st,
                    priority.isEmpty() ? Optional.empty() : Optional.of(Priority.parse(priority)),
                    Optional.empty(),
                    source.isEmpty() ? Optional.empty() : Optional.of(source),
                    limit,
                    offset,
                    status.equals("inbox"));
        }

        /** The query string of these filters at another offset, for the pager's links. */
        String query(long offset) {
            StringBuilder q = new StringBuilder("?");
            if (!status.equals("inbox")) {
                q.append("status=").append(status).append('&');
            }
            if (!priority.isEmpty()) {
                q.append("priority=").append(priority).append('&');
            }
            if (!source.isEmpty()) {
                q.append("source=")
                        .append(java.net.URLEncoder.encode(source, java.nio.charset.StandardCharsets.UTF_8))
                        .append('&');
            }
            if (offset > 0) {
                q.append("offset=").append(offset).append('&');
            }
            return q.length() == 1 ? "/" : "/" + q.substring(0, q.length() - 1);
        }

        public boolean active() {
            return !status.equals("inbox") || !priority.isEmpty() || !source.isEmpty();
        }

        public boolean statusIs(String s) {
            return status.equals(s);
        }

        public boolean priorityIs(String p) {
            return priority.equals(p);
        }
    }

    /** Where the list is: "26–50 of 120", and links to the pages around it (empty when there is none). */
    public record Pager(long from, long to, long total, String previous, String next, int offset) {
        static Pager of(Filters filters, Page<Notification> page) {
            long from = page.items().isEmpty() ? 0 : page.offset() + 1L;
            long to = (long) page.offset() + page.items().size();
            String previous = page.offset() > 0 ? filters.query(Math.max(0, page.offset() - page.limit())) : "";
            String next = to < page.total() ? filters.query(page.offset() + (long) page.limit()) : "";
            return new Pager(from, to, page.total(), previous, next, page.offset());
        }
    }

    public record DashboardView(
            Layout layout,
            List<NoteView> notes,
            Filters filters,
            Pager pager,
            long streamFrom,
            long unread,
            NoteView blank) {}

    public record NotificationPageView(Layout layout, NoteView note, long streamFrom, long unread) {}

    public record NotFoundView(Layout layout, String message) {}
}
