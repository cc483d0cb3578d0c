import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AOT cache's training run (JDK 25, JEP 483/514/515): starts the server through the release
 * launcher with {@code -XX:AOTCacheOutput=<cache>}, drives what a real server does in its first
 * minutes — the sign-in page and a sign-in, the dashboard, live streams, creates, lists, status
 * changes, and Web Push encryption and delivery to a local push sink — a bounded number of times,
 * then stops it with SIGTERM; on its way out the JVM writes the cache: the classes it loaded and
 * linked and the method profiles it gathered, so the next start begins where this run ended.
 *
 * <p>Run by tools/package-release.sh with the build's JDK (this is a client only; the server runs
 * on the runtime the cache is for): {@code java tools/AotTraining.java <launcher> <cache> <work-dir>}.
 * Everything on 127.0.0.1, on free ports; bounded in count and time (about 20-40 s and a few
 * seconds more for the JVM to assemble the cache). Exit status 0 only when the cache was written.
 */
public final class AotTraining {
    private static final int CREATES = 2_000;
    private static final int DEVICES = 4; // under the default subscribe limit of 10 a minute
    private static final int CONCURRENCY = 8;
    private static final String PASSWORD = "training-password-not-secret";
    private static final Duration BUDGET = Duration.ofSeconds(60);

    public static void main(String[] args) {
        // Always an exit status, never a hang: the sink's dispatcher thread would keep the JVM up.
        try {
            System.exit(train(args));
        } catch (Throwable e) {
            System.err.println("AOT training failed: " + e);
            System.exit(1);
        }
    }

    private static int train(String[] args) throws Exception {
        Path launcher = Path.of(args[0]).toAbsolutePath();
        Path cache = Path.of(args[1]).toAbsolutePath();
        Path work = Path.of(args[2]).toAbsolutePath();
        Files.createDirectories(work);
        long deadline = System.nanoTime() + BUDGET.toNanos();

        // The push service: answers 201 to every push, as a push service does.
        AtomicInteger pushes = new AtomicInteger();
        com.sun.net.httpserver.HttpServer sink =
                com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sink.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        sink.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            pushes.incrementAndGet();
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        sink.start();
        try {
            return run(launcher, cache, work, deadline, sink, pushes);
        } finally {
            sink.stop(0);
        }
    }

    private static int run(
            Path launcher,
            Path cache,
            Path work,
            long deadline,
            com.sun.net.httpserver.HttpServer sink,
            AtomicInteger pushes)
            throws Exception {

        int port = freePort();
        Map<String, String> env = Map.of(
                "DATA_DIR", work.resolve("data").toString(),
                "DATABASE_URL", "",
                "HOST", "127.0.0.1",
                "PORT", Integer.toString(port),
                "LOG_LEVEL", "WARN",
                "VAPID_SUBJECT", "mailto:training@example.com",
                "PUSH_ALLOW_INSECURE_ENDPOINTS", "true",
                "PUSH_ALLOWED_HOSTS", "127.0.0.1");
        // A user and its token through the CLI, as an operator would (this also migrates).
        String token = "";
        if (!cli(launcher, env, work, PASSWORD + "\n", "user", "create", "trainer", "--admin", "--password-stdin")
                .isEmpty()) {
            token = cli(launcher, env, work, "", "token", "create", "--user", "trainer", "--name", "training")
                    .strip();
        }
        if (token.isEmpty() || token.equals("ok")) {
            throw new IllegalStateException("no token from the CLI; see " + work.resolve("cli.log"));
        }

        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "serve")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("server.log").toFile());
        pb.environment().putAll(env);
        pb.environment().put("JAVA_OPTS", "-XX:AOTCacheOutput=" + cache);
        pb.environment().put("PRIORITY_NOTIFY_AOT", "off");
        Process server = pb.start();
        try {
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            waitReady(http, base, server, deadline);
            exercise(http, base, token, sink.getAddress().getPort(), pushes, deadline);
        } finally {
            server.destroy(); // SIGTERM: the JVM exits normally and writes the cache
            if (!server.waitFor(120, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            System.err.println("AOT training: no cache written; server log: " + work.resolve("server.log"));
            return 1;
        }
        System.out.printf("AOT training: %d pushes delivered; cache %s, %,d bytes%n", pushes.get(), cache, Files.size(cache));
        return 0;
    }

    private static void exercise(
            HttpClient http, String base, String token, int sinkPort, AtomicInteger pushes, long deadline)
            throws Exception {
        // The pages: the sign-in form, a sign-in (Argon2id), the dashboard and settings.
        for (int i = 0; i < 3; i++) {
            send(http, HttpRequest.newBuilder(URI.create(base + "/login")).GET());
            HttpResponse<String> login = send(
                    http,
                    HttpRequest.newBuilder(URI.create(base + "/login"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Origin", base)
                            .POST(HttpRequest.BodyPublishers.ofString("username=trainer&password="
                                    + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "&next=%2F")));
            String cookie = login.headers().firstValue("Set-Cookie").orElse("").split(";", 2)[0];
            for (String page : List.of("/", "/settings", "/healthz", "/readyz", "/metrics")) {
                send(http, HttpRequest.newBuilder(URI.create(base + page)).header("Cookie", cookie).GET());
            }
        }

        // Devices: fresh P-256 keys and auth secrets, endpoints on the local sink.
        KeyPairGenerator keys = KeyPairGenerator.getInstance("EC");
        keys.initialize(new ECGenParameterSpec("secp256r1"));
        SecureRandom random = new SecureRandom();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        for (int d = 0; d < DEVICES; d++) {
            ECPublicKey pub = (ECPublicKey) keys.generateKeyPair().getPublic();
            byte[] point = new byte[65];
            point[0] = 4;
            copyUnsigned(pub.getW().getAffineX().toByteArray(), point, 1);
            copyUnsigned(pub.getW().getAffineY().toByteArray(), point, 33);
            byte[] auth = new byte[16];
            random.nextBytes(auth);
            String body = "{\"endpoint\":\"http://127.0.0.1:" + sinkPort + "/push/" + d + "\",\"keys\":{\"p256dh\":\""
                    + b64.encodeToString(point) + "\",\"auth\":\"" + b64.encodeToString(auth)
                    + "\"},\"device_name\":\"training " + d + "\"}";
            send(http, api(base, token, "/api/push/subscribe").POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        // Two live streams that read everything until the server stops.
        for (int s = 0; s < 2; s++) {
            http.sendAsync(
                    api(base, token, "/api/notifications/stream").GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
        }

        // Creates from CONCURRENCY workers, with lists, reads and status changes between them.
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(CONCURRENCY);
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        String[] priorities = {"low", "medium", "high", "critical"};
        for (int w = 0; w < CONCURRENCY; w++) {
            Thread.ofVirtual().start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < CREATES && System.nanoTime() < deadline) {
                    // One failed request (a connection the server closed under load) is counted and
                    // skipped: the training is about what the server ran, not about every answer.
                    try {
                        String body = "{\"title\":\"Training " + i + "\",\"message\":\"Disk usage on web-" + (i % 7)
                                + " is at 9" + (i % 10) + "%\",\"priority\":\"" + priorities[i % 4]
                                + "\",\"source\":\"training\"" + (i % 10 == 0 ? ",\"tag\":\"t" + i + "\"" : "")
                                + ",\"metadata\":{\"n\":" + i + "}}";
                        HttpResponse<String> created =
                                send(http, api(base, token, "/api/notifications").POST(HttpRequest.BodyPublishers.ofString(body)));
                        String answer = created.body();
                        int at = answer.indexOf("\"id\":\"");
                        if (at >= 0) {
                            ids.add(answer.substring(at + 6, answer.indexOf('"', at + 6)));
                        }
                        if (i % 20 == 0) {
                            send(http, api(base, token, "/api/notifications?limit=50").GET());
                        }
                        if (i % 10 == 5 && !ids.isEmpty()) {
                            String id = ids.get(ids.size() - 1);
                            send(http, api(base, token, "/api/notifications/" + id).GET());
                            send(http, api(base, token, "/api/notifications/" + id)
                                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\":\"read\"}")));
                        }
                    } catch (IOException e) {
                        if (failures.incrementAndGet() > 100) {
                            break;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                done.countDown();
            });
        }
        done.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (failures.get() > 0) {
            System.out.println("AOT training: " + failures.get() + " requests failed (skipped)");
        }
        // Let the push workers drain what was queued (bounded by the deadline).
        int expected = CREATES * DEVICES;
        while (pushes.get() < expected * 9 / 10 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static HttpRequest.Builder api(String base, String token, String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void waitReady(HttpClient http, String base, Process server, long deadline) throws Exception {
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited with " + server.exitValue());
            }
            try {
                if (send(http, HttpRequest.newBuilder(URI.create(base + "/readyz")).GET()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the server did not become ready");
    }

    /** Runs a CLI command through the launcher; its stdout, or "" when it failed (its output in a log). */
    private static String cli(Path launcher, Map<String, String> env, Path work, String stdin, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("cli.log").toFile()));
        pb.environment().putAll(env);
        pb.environment().put("PRIORITY_NOTIFY_AOT", "off");
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            return "";
        }
        return out.isEmpty() ? "ok" : out;
    }

    private static void copyUnsigned(byte[] value, byte[] to, int offset) {
        int len = Math.min(value.length, 32);
        System.arraycopy(value, value.length - len, to, offset + 32 - len, len);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
