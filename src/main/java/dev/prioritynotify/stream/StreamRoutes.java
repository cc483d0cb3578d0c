package dev.prioritynotify.stream;

import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.token.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/notifications/stream}: Server-Sent Events. The request's own thread replays
 * what the client missed (blocking writes); then the response turns asynchronous and the hub's
 * writers forward live events (and heartbeats) without a thread per stream, in order, filling any
 * gap from the log, so every event reaches the client exactly once and in sequence.
 */
public final class StreamRoutes {
    private static final int REPLAY_PAGE = 500;
    private static final int STREAM_BUFFER_BYTES = 2048;

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
        // The response keeps its output buffer for as long as the stream is open: Jetty's
        // default (32 KiB, direct memory) is 160 MB at 5,000 streams. Frames are far smaller and
        // go out as soon as they are written, so a small buffer costs no extra writes.
        res.setBufferSize(STREAM_BUFFER_BYTES);
        StreamHub.Subscription sub = hub.subscribe(caller.userId());
        long last;
        ServletOutputStream out;
        try {
            // Subscribed before reading the position, and both before the client sees a byte:
            // whatever commits once the client is connected is in the replay or pending (or
            // both: duplicates are skipped by sequence number).
            long current = log.currentSeq(caller.userId());
            out = res.getOutputStream();
            out.write(("retry: " + config.retryHint().toMillis() + "\n\n").getBytes(StandardCharsets.UTF_8));
            last = current;
            if (resumeAfter != null && log.holdsEverythingAfter(caller.userId(), resumeAfter, current)) {
                last = replay(out, caller.userId(), resumeAfter, current);
            } else if (resumeAfter != null) {
                out.write(reset(resumeAfter, current));
            }
            res.flushBuffer();
        } catch (IOException e) {
            sub.end(); // the client went away during the replay
            return;
        } catch (RuntimeException e) {
            sub.end();
            throw e;
        }
        long replayed = last;
        // Javalin starts the servlet's asynchronous mode before it asks for the future; the
        // response ends when the future completes (the sink's end()).
        ctx.future(() -> {
            LiveSink sink = new LiveSink(out, sub);
            ctx.req().getAsyncContext().addListener(sink);
            sub.attach(sink, replayed);
            out.setWriteListener(sink); // its first onWritePossible() starts the live writes
            return sink.done;
        });
    }

    /** The response in the servlet's non-blocking mode, written by whichever thread has the stream. */
    private final class LiveSink implements StreamHub.Sink, WriteListener, AsyncListener {
        private final ServletOutputStream out;
        private final StreamHub.Subscription sub;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Written but not yet flushed: the write itself went pending, the flush follows once it completes. */
        private boolean unflushed;
        /**
         * The container has finished the response itself (the client went away, or the server is
         * stopping): its request and response are recycled, and Javalin's end of the request,
         * which reads them, must not run any more.
         */
        private volatile boolean finished;

        LiveSink(ServletOutputStream out, StreamHub.Subscription sub) {
            this.out = out;
            this.sub = sub;
        }

        @Override
        public boolean ready() throws IOException {
            if (!out.isReady()) {
                return false;
            }
            if (unflushed) {
                unflushed = false;
                out.flush();
                return out.isReady();
            }
            return true;
        }

        @Override
        public void write(byte[] frames) throws IOException {
            out.write(frames);
            unflushed = true;
            if (out.isReady()) {
                unflushed = false;
                out.flush(); // one flush for all the frames of this write
            }
        }

        @Override
        public List<Event> missed(long after, long upTo) {
            return log.read(sub.userId, after, upTo, REPLAY_PAGE);
        }

        @Override
        public void end() {
            // Completing runs Javalin's end of the request (and the servlet's completion) on the
            // completing thread: not on a writer or the fan-out, which serve everyone else.
            if (finished) {
                return;
            }
            Thread.ofVirtual().name("stream-end").start(() -> {
                if (!finished) {
                    done.complete(null);
                }
            });
        }

        @Override
        public void onComplete(AsyncEvent event) {
            finished = true;
            sub.end();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // Javalin sets no timeout on the stream; nothing to do if a container ever does.
        }

        @Override
        public void onError(AsyncEvent event) {
            done.complete(null); // still on the container's thread: the response exists
            finished = true;
            sub.end();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // added after the asynchronous mode started: never called
        }

        @Override
        public void onWritePossible() {
            sub.writePossible();
        }

        @Override
        public void onError(Throwable t) {
            // The client went away: the normal end of every stream. Once this returns the
            // container completes the response and recycles it, so Javalin's end of the request
            // must run now, on this thread, while the response still exists (a completion later,
            // on another thread, finds it gone and logs the failure).
            done.complete(null);
            sub.end();
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
