package dev.prioritynotify.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Server-Sent Events client over a raw socket, following the HTML spec's parsing rules,
 * so tests see exactly what the server sends (comments, {@code retry:}, {@code id:}) and can drop
 * the connection — or stop reading — at any moment. Reads bytes, undoing HTTP/1.1 chunking.
 */
public final class SseClient implements AutoCloseable {
    public record Frame(String id, String event, String data) {}

    private final Socket socket;
    private final InputStream in;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final int status;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final List<String> comments = Collections.synchronizedList(new ArrayList<>());
    private final Thread readerThread;
    private volatile String retry;
    private volatile boolean paused;
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean chunked;
    private int chunkLeft;
    private boolean ended;

    private SseClient(URI uri, Map<String, String> extraHeaders, String token, String lastEventId) throws IOException {
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(60_000);
        StringBuilder req = new StringBuilder("GET " + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\nHost: " + uri.getHost()
                + ":" + uri.getPort() + "\r\nAccept: text/event-stream\r\n");
        if (token != null) {
            req.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        extraHeaders.forEach(
                (name, value) -> req.append(name).append(": ").append(value).append("\r\n"));
        if (lastEventId != null) {
            req.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
        }
        req.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        in = new BufferedInputStream(socket.getInputStream());
        String statusLine = rawLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        String line;
        while ((line = rawLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(
                    line.substring(0, colon).toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        readerThread = Thread.ofVirtual().start(this::readEvents);
    }

    public static SseClient connect(URI uri, String token, String lastEventId) {
        return connect(uri, Map.of(), token, lastEventId);
    }

    /** As {@link #connect(URI, String, String)}, with more request headers (a session cookie). */
    public static SseClient connect(URI uri, Map<String, String> headers, String token, String lastEventId) {
        try {
            return new SseClient(uri, headers, token, lastEventId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String retry() {
        return retry;
    }

    public List<String> comments() {
        return List.copyOf(comments);
    }

    /** Stop consuming the stream: the socket's buffers fill up, as with a stalled or vanished client. */
    public void pauseReading() {
        paused = true;
    }

    /** The next event, or null when none arrives within the timeout. */
    public Frame next(long timeoutMillis) throws InterruptedException {
        return frames.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void readEvents() {
        try {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = bodyLine()) != null) {
                if (paused) {
                    // Stalled for good (there is no resume): block until the test closes the client.
                    closed.await();
                    return;
                }
                if (line.isEmpty()) {
                    if (data != null) {
                        frames.add(new Frame(id, event == null ? "message" : event, data.toString()));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).trim());
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" ->
                            data = data == null
                                    ? new StringBuilder(value)
                                    : data.append('\n').append(value);
                        case "retry" -> retry = value;
                        default -> {}
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // closed
        }
    }

    /** One line of the event stream (LF, CR or CRLF terminated), or null at its end. */
    private String bodyLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = bodyByte();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
    }

    private int bodyByte() throws IOException {
        if (!chunked) {
            return in.read();
        }
        if (ended) {
            return -1;
        }
        if (chunkLeft == 0) {
            String size = rawLine();
            while (size != null && size.isEmpty()) {
                size = rawLine();
            }
            if (size == null) {
                return -1;
            }
            chunkLeft = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (chunkLeft == 0) {
                ended = true;
                return -1;
            }
        }
        int b = in.read();
        if (b >= 0 && --chunkLeft == 0) {
            rawLine(); // the CRLF that closes the chunk
        }
        return b;
    }

    private String rawLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        closed.countDown();
        readerThread.interrupt();
    }
}
