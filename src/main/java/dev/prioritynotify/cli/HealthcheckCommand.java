package dev.prioritynotify.cli;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.ConfigException;
import dev.prioritynotify.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Asks the server running beside it whether it is ready ({@code GET /readyz}) and exits 0 when it
 * answers 200, 1 otherwise: a container {@code HEALTHCHECK} or a monitor needs no curl, wget or
 * shell (slim and distroless images have none). It reads {@code HOST}, {@code PORT} and
 * {@code ALLOWED_HOSTS} as {@code serve} does (environment, {@code .env}, {@code _FILE}), so it asks
 * the address the server listens on with a {@code Host} the server accepts; a shell one-liner over
 * {@code /dev/tcp} would have to re-implement that and is refused once {@code ALLOWED_HOSTS} is set.
 * It reads only the server's settings ({@link Config#server}): nothing else is validated, opened or written.
 */
@Command(
        name = "healthcheck",
        description = "Exit 0 when the server configured here (HOST, PORT, ALLOWED_HOSTS) answers 200 on /readyz, "
                + "1 otherwise. For container HEALTHCHECKs: needs no curl.")
final class HealthcheckCommand implements Callable<Integer> {
    static final String PATH = "/readyz";
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int MAX_ANSWER = 16 * 1024;

    @Override
    public Integer call() {
        String connectHost;
        int port;
        String hostHeader;
        try {
            Config.Server server = Config.server(Settings.load(System.getenv(), Path.of("")));
            connectHost = connectHost(server.host());
            port = server.port();
            hostHeader = hostHeader(server.allowedHosts());
        } catch (ConfigException e) {
            // Docker reserves exit 2; every failure here is "unhealthy".
            System.err.println("unhealthy: " + e.getMessage());
            return 1;
        }
        if (port == 0) {
            System.err.println("unhealthy: PORT is 0 (a free port picked at start), so there is no port to ask");
            return 1;
        }
        String target =
                "http://" + (connectHost.contains(":") ? "[" + connectHost + "]" : connectHost) + ":" + port + PATH;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(connectHost, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + PATH + " HTTP/1.1\r\n"
                            + "Host: " + hostHeader + ":" + port + "\r\n"
                            + "User-Agent: priority-notify-healthcheck\r\n"
                            + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAnswer(socket.getInputStream());
            int status = status(answer);
            if (status == 200) {
                System.out.println("healthy: " + target + " answered 200");
                return 0;
            }
            System.err.println(
                    "unhealthy: " + target + " answered " + (status < 0 ? "no HTTP status" : status) + bodyOf(answer));
            return 1;
        } catch (IOException | RuntimeException e) {
            System.err.println("unhealthy: cannot ask " + target + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            return 1;
        }
    }

    /** The server listens on every interface for a wildcard HOST; this machine reaches it on loopback. */
    static String connectHost(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return switch (h) {
            case "", "0.0.0.0" -> "127.0.0.1";
            case "::", "::0" -> "::1";
            default -> h;
        };
    }

    /** The first name {@code ALLOWED_HOSTS} lists (the server refuses any other), else {@code localhost}. */
    static String hostHeader(List<String> allowedHosts) {
        return allowedHosts.isEmpty() || allowedHosts.contains("*") ? "localhost" : allowedHosts.getFirst();
    }

    private static String readAnswer(InputStream in) throws IOException {
        byte[] answer = in.readNBytes(MAX_ANSWER);
        return new String(answer, StandardCharsets.ISO_8859_1);
    }

    private static int status(String answer) {
        // "HTTP/1.1 200 OK"
        String[] statusLine = answer.lines().findFirst().orElse("").split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            return -1;
        }
        try {
            return Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The server's own explanation (its {@code {"detail": ...}} body), short, so the health log says why. */
    private static String bodyOf(String answer) {
        int start = answer.indexOf("\r\n\r\n");
        if (start < 0) {
            return "";
        }
        String body = answer.substring(start + 4).strip().replaceAll("\\s+", " ");
        if (body.isEmpty()) {
            return "";
        }
        return ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
    }
}
