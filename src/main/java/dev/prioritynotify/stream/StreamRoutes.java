package dev.prioritynotify.stream;

import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.token.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/notifications/stream}: Server-Sent Events. Each request holds one virtual thread
 * that replays what the client missed, then forwards live events (and the hub's heartbeats) from
 * its queue in order, filling any gap from the log, so every event reaches the client exactly
 * once and in sequence.
 */
public final class StreamRoutes {
    private static final int REPLAY_PAGE = 500;

    private final Authenticator auth;
    private final EventLog log;
    private final StreamHub hub;
    private final Config.Stream config;

    public StreamRoutes(Authenticator auth, EventLog log, StreamHub hub, Config.Stream config) {
        this.auth = auth;
        this.log = log;
        this.hub = hub;
        this.config = config;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/notifications/stream", this::stream);
    }

    private void stream(Context ctx) throws IOException {
        Caller caller = auth.require(ctx, Scope.READ);
        Long resumeAfter = lastEventId(ctx);
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream;charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no"); // nginx would otherwise buffer the stream
        StreamHub.Subscription sub = hub.subscribe(caller.userId());
        try {
            // Subscribed before reading the position, and both before the client sees a byte:
            // whatever commits once the client is connected is in the replay or in the queue
            // (or both: duplicates are skipped by sequence number).
            long current = log.currentSeq(caller.userId());
            OutputStream out = res.getOutputStream();
            out.write(("retry: " + config.retryHint().toMillis() + "\n\n").getBytes(StandardCharsets.UTF_8));
            long last = current;
            if (resumeAfter != null && log.holdsEverythingAfter(caller.userId(), resumeAfter, current)) {
                last = replay(out, caller.userId(), resumeAfter, current);
            } else if (resumeAfter != null) {
                out.write(reset(resumeAfter, current));
            }
            res.flushBuffer();
            forwardLive(res, out, sub, last);
        } catch (IOException e) {
            // The client went away: the normal end of every stream.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            hub.unsubscribe(sub);
        }
    }

    private void forwardLive(HttpServletResponse res, OutputStream out, StreamHub.Subscription sub, long last)
            throws IOException, InterruptedException {
        while (!sub.isOver()) {
            StreamHub.Outgoing next = sub.queue.take();
            do {
                if (sub.isOver()) {
                    return;
                }
                Event e = next.event();
                if (e == null) {
                    out.write(next.frame()); // heartbeat
                } else {
                    if (e.seq() > last + 1) {
                        // An earlier event of this user committed but has not reached the hub
                        // (it came from another instance, or its publication failed): take it
                        // from the log now.
                        last = replay(out, e.userId(), last, e.seq() - 1);
                    }
                    if (e.seq() == last + 1) {
                        out.write(next.frame());
                        last = e.seq();
                    }
                }
                next = sub.queue.poll(); // drain what is queued, then flush once
            } while (next != null);
            res.flushBuffer();
        }
    }

    /**
     * The client's position can no longer be replayed: what it missed was pruned, or the position
     * is not from this log. A partial replay would leave it silently out of date, so it is told to
     * list again; the frame carries the current id, so the stream (and a later reconnect) goes on
     * from here.
     */
    private static byte[] reset(long requested, long current) {
        String reason = requested > current ? "unknown" : "expired";
        return ("id: " + current + "\nevent: reset\ndata: {\"reason\":\"" + reason + "\",\"last_event_id\":" + requested
                        + ",\"current_event_id\":" + current + "}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private long replay(OutputStream out, UUID userId, long after, long upTo) throws IOException {
        long last = after;
        while (last < upTo) {
            List<Event> page = log.read(userId, last, upTo, REPLAY_PAGE);
            if (page.isEmpty()) {
                // Pruned by age: the rest of the range no longer exists. Continue from its end.
                return upTo;
            }
            for (Event e : page) {
                out.write(StreamHub.Outgoing.of(e).frame());
                last = e.seq();
            }
        }
        return last;
    }

    private static Long lastEventId(Context ctx) {
        String raw = ctx.header("Last-Event-ID");
        String field = "Last-Event-ID";
        if (raw == null || raw.isBlank()) {
            raw = ctx.queryParam("last_event_id");
            field = "last_event_id";
        }
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiError.invalid(field, "must be a non-negative whole number (the id of the last event received)");
        }
    }
}
