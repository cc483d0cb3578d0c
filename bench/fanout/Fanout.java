import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Push fan-out benchmark, end to end: notification created over the API → push service
 * acknowledged. Run by {@code bench/fanout/fanout.sh} ({@code bench/run.sh fanout}), which gives
 * it the classpath (server classes, JDBC drivers, Jetty's HTTP/2 server).
 *
 * <p>The push service is a Jetty 12 sink on 127.0.0.1 speaking HTTP/1.1 and h2c (by upgrade, as
 * the JDK HttpClient asks for on http:// URLs) that reads each body and answers 201 at once. The
 * server runs as its own process; subscriptions (real P-256 public keys from a pool, a fresh
 * auth secret each) are inserted straight into its database, fresh ones before every round.
 *
 * <ul>
 *   <li>{@code one-to-many}: one notification for one user with N subscriptions.
 *   <li>{@code many-to-one}: N users with one subscription each, one admin broadcast: N
 *       notifications, each created in its own transaction through the normal path, one push each.
 * </ul>
 * Then, against the same sink, the npm {@code web-push} library sends N pushes
 * ({@code bench/fanout/webpush-node/send.js}). The hub runs {@code --rounds} rounds of the same load
 * and reports the median of the last {@code --measured}: the earlier ones warm up the JIT,
 * connections and caches, as in a server that has been running (a fresh JVM's JIT needs about
 * 150,000 pushes to settle; the first round's rate is printed too, as the cold figure). web-push gets a warm-up round and the same number of measured rounds (its
 * rate does not change after the first). Every phase is bounded in time.
 */
public final class Fanout {
    static final AtomicLong acked = new AtomicLong();
    static final AtomicLong h2 = new AtomicLong();
    static final AtomicLong bytes = new AtomicLong();
    static volatile long lastAckNanos;

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 2; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String scenario = args[0];
        String dbKind = args[1];
        int n = Integer.parseInt(opt.getOrDefault("n", "10000"));
        int maxSeconds = Integer.parseInt(opt.getOrDefault("max-seconds", "120"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "20"));
        int measured = Math.min(rounds, Integer.parseInt(opt.getOrDefault("measured", "3")));
        String profiler = opt.get("profiler"); // libasyncProfiler.so: CPU profile of the measured round
        Path work = Path.of(opt.get("work"));
        String databaseUrl = opt.get("database-url"); // jdbc URL
        String serverCp = opt.get("server-cp");
        // The server's JVM: this one's by default; the release's jlinked runtime (fanout.sh
        // RELEASE=1), whose AOT cache only fits the runtime that trained it.
        String serverJava = opt.getOrDefault(
                "server-java",
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String serverOpts = opt.getOrDefault("server-opts", "");
        Map<String, String> serverEnv = new HashMap<>();
        for (String kv : opt.getOrDefault("server-env", "").split(",")) {
            if (kv.contains("=")) {
                serverEnv.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }

        String keystore = opt.get("tls-keystore"); // PKCS12, password "changeit": push over TLS with ALPN h2
        Server sink = startSink(keystore);
        int sinkPort = ((ServerConnector) sink.getConnectors()[keystore == null ? 0 : 1]).getLocalPort();
        String sinkOrigin = (keystore == null ? "http://" : "https://") + "127.0.0.1:" + sinkPort;
        int serverPort = freePort();
        Map<String, String> env = new HashMap<>(serverEnv);
        env.put("DATA_DIR", work.resolve("data").toString());
        env.put("DATABASE_URL", databaseUrl);
        env.put("SECRET_KEY", "fanout-benchmark-secret-key-0123456789abcdef");
        env.put("VAPID_SUBJECT", "mailto:ops@example.com");
        env.put("PUSH_ALLOW_INSECURE_ENDPOINTS", "true");
        env.put("PUSH_ALLOWED_HOSTS", "127.0.0.1,localhost"); // the flag adds http:// and loopback, not the host
        env.put("HOST", "127.0.0.1");
        env.put("PORT", Integer.toString(serverPort));
        env.putIfAbsent("LOG_LEVEL", "WARN");
        env.put("LOG_FORMAT", "text");

        // The admin and its token through the CLI (this also migrates the database).
        run(serverCp, "", env, work.resolve("cli.log"), "user", "create", "admin", "--admin");
        String token = run(
                        serverCp,
                        "",
                        env,
                        work.resolve("cli.log"),
                        "token",
                        "create",
                        "--user",
                        "admin",
                        "--name",
                        "bench")
                .strip();

        List<String[]> keys = keyPool(Integer.parseInt(opt.getOrDefault("key-pool", "256")));
        long t0 = System.nanoTime();
        boolean pg = dbKind.equals("postgres");
        List<String> userIds;
        try (Connection c = DriverManager.getConnection(databaseUrl)) {
            userIds = insertUsers(c, pg, scenario, n);
            replaceSubscriptions(c, pg, userIds, sinkOrigin, keys);
        }
        System.out.printf("# setup: %,d subscriptions inserted in %.1f s (key pool %d)%n", n, secs(t0), keys.size());

        List<String> command = new ArrayList<>(List.of(serverJava));
        if (!serverOpts.isBlank()) {
            command.addAll(List.of(serverOpts.trim().split("\\s+")));
        }
        command.addAll(
                List.of("--enable-native-access=ALL-UNNAMED", "-cp", serverCp, "dev.prioritynotify.cli.Main", "serve"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("server.log").toFile());
        pb.environment().putAll(env);
        Process server = pb.start();
        int status = 0;
        try {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            waitReady(http, serverPort, server);
            System.out.println("# server pid " + server.pid());
            // Round 1 warms the server up (JIT, connections, statement caches), as a server that
            // has been running is; the last round is the one reported. web-push gets the same.
            List<Double> rates = new ArrayList<>();
            double firstRate = 0;
            List<Double> cpuPerPush = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                if (round > 1) {
                    try (Connection c = DriverManager.getConnection(databaseUrl)) {
                        replaceSubscriptions(c, pg, userIds, sinkOrigin, keys);
                    }
                }
                boolean measuring = round > rounds - measured;
                String label = measuring ? "measured" : "warm-up";
                if (round == rounds - measured + 1 && profiler != null) {
                    profiler(
                            server.pid(),
                            profiler,
                            "start,event=" + opt.getOrDefault("profile-event", "cpu") + ",interval=1ms");
                }
                long cpuBefore = cpuTicks(server.pid());
                long writtenBefore = ioCounter(server.pid(), "wchar");
                acked.set(0);
                h2.set(0);
                long start = System.nanoTime();
                String path = scenario.equals("one-to-many") ? "/api/notifications/" : "/api/notifications/broadcast";
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + path))
                                .timeout(Duration.ofSeconds(maxSeconds))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"title\":\"Disk almost full on db-1\",\"message\":\"/var at 93 %, growing 2 %/h\",\"priority\":\"high\",\"source\":\"monitoring\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                double created = secs(start);
                if (r.statusCode() != 201) {
                    throw new IllegalStateException("create answered " + r.statusCode() + ": " + r.body());
                }
                long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
                while (acked.get() < n && System.nanoTime() < deadline && server.isAlive()) {
                    Thread.sleep(2);
                }
                long got = acked.get();
                double total = (lastAckNanos - start) / 1e9;
                double cpu = (cpuTicks(server.pid()) - cpuBefore) / 100.0;
                double writtenMb = (ioCounter(server.pid(), "wchar") - writtenBefore) / 1e6;
                System.out.printf(
                        "hub %s %s (%s): %,d pushes acknowledged of %,d in %.2f s = %,.0f pushes/s end to end "
                                + "(creating took %.2f s); %,d over HTTP/2; server CPU %.1f s = %.2f cores, %.0f µs per push; server wrote %.0f MB%n",
                        scenario,
                        dbKind,
                        label,
                        got,
                        n,
                        total,
                        got / total,
                        created,
                        h2.get(),
                        cpu,
                        cpu / total,
                        cpu * 1e6 / got,
                        writtenMb);
                if (got < n) {
                    System.out.println("# WARNING: not all pushes arrived within " + maxSeconds + " s");
                    status = 1;
                }
                Thread.sleep(1000);
                if (acked.get() > n) {
                    System.out.println("# WARNING: " + (acked.get() - n) + " pushes more than expected (duplicates)");
                    status = 1;
                }
                if (round == 1) {
                    firstRate = got / total;
                }
                if (measuring) {
                    rates.add(got / total);
                    cpuPerPush.add(cpu * 1e6 / got);
                }
            }
            double rate = median(rates);
            System.out.printf(
                    "hub %s %s: median of %d measured rounds %,.0f pushes/s, %.0f µs of server CPU per push "
                            + "(first round, cold JVM: %,.0f pushes/s)%n",
                    scenario, dbKind, rates.size(), rate, median(cpuPerPush), firstRate);
            if (profiler != null) {
                Path out = Path.of(opt.get("profile-out")).toAbsolutePath();
                profiler(server.pid(), profiler, "stop,collapsed,file=" + out);
                System.out.println("# async-profiler CPU samples of the measured round (collapsed stacks): " + out);
            }
            Files.writeString(work.resolve("rate.txt"), String.format("%.0f", rate));
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }

        if (opt.getOrDefault("webpush", "1").equals("0")) {
            sink.stop();
            System.exit(status);
        }
        // The same load through the npm web-push library, to the same sink.
        Path keysFile = work.resolve("keys.json");
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < keys.size(); i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"p256dh\":\"")
                    .append(keys.get(i)[0])
                    .append("\"}");
        }
        Files.writeString(keysFile, json.append("]").toString());
        acked.set(0);
        Path nodeDir = Path.of(opt.getOrDefault("node-dir", "bench/fanout/webpush-node"));
        Process node = new ProcessBuilder(
                        "node",
                        nodeDir.resolve("send.js").toString(),
                        sinkOrigin,
                        Integer.toString(n),
                        opt.getOrDefault("node-concurrency", "50"),
                        keysFile.toString(),
                        Integer.toString(rounds > measured ? n : 0),
                        Integer.toString(measured))
                .redirectErrorStream(true)
                .start();
        String nodeOut = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(maxSeconds, TimeUnit.SECONDS)) {
            node.destroyForcibly();
        }
        System.out.print(nodeOut);
        System.out.printf("# sink counted %,d acknowledged web-push requests (all rounds)%n", acked.get());
        String hubRate = Files.readString(work.resolve("rate.txt"));
        for (String line : nodeOut.lines().toList()) {
            if (line.startsWith("web-push")) {
                double nodeRate = Double.parseDouble(line.replaceAll(".* = ([0-9.]+) pushes/s.*", "$1"));
                System.out.printf(
                        "ratio hub/web-push (%s, %s): %.1f×%n",
                        scenario, dbKind, Double.parseDouble(hubRate) / nodeRate);
            }
        }
        sink.stop();
        System.exit(status);
    }

    static Server startSink(String keystore) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 8);
        threads.setName("sink");
        Server server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(config);
        h2c.setMaxConcurrentStreams(1024);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config), h2c);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        if (keystore != null) {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(keystore);
            tls.setKeyStorePassword("changeit");
            tls.setKeyStoreType("PKCS12");
            HttpConfiguration httpsConfig = new HttpConfiguration(config);
            httpsConfig.addCustomizer(new SecureRequestCustomizer(false));
            HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(httpsConfig);
            h2.setMaxConcurrentStreams(1024);
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
            alpn.setDefaultProtocol("http/1.1");
            ServerConnector secure = new ServerConnector(
                    server,
                    1,
                    1,
                    new SslConnectionFactory(tls, alpn.getProtocol()),
                    alpn,
                    h2,
                    new HttpConnectionFactory(httpsConfig));
            secure.setHost("127.0.0.1");
            secure.setPort(0);
            server.addConnector(secure);
        }
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                boolean overH2 =
                        request.getConnectionMetaData().getHttpVersion().getVersion() == 20;
                Content.Source.asByteBufferAsync(request).whenComplete((body, failure) -> {
                    if (failure != null) {
                        callback.failed(failure);
                        return;
                    }
                    bytes.addAndGet(body.remaining());
                    response.setStatus(201);
                    response.write(
                            true,
                            null,
                            Callback.from(
                                    () -> {
                                        if (overH2) {
                                            h2.incrementAndGet();
                                        }
                                        acked.incrementAndGet();
                                        lastAckNanos = System.nanoTime();
                                        callback.succeeded();
                                    },
                                    callback::failed));
                });
                return true;
            }
        });
        server.start();
        return server;
    }

    /** P-256 public keys (uncompressed point, base64url) and auth secrets: reused across subscriptions. */
    static List<String[]> keyPool(int size) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        SecureRandom random = new SecureRandom();
        List<String[]> pool = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ECPublicKey pub = (ECPublicKey) g.generateKeyPair().getPublic();
            byte[] point = new byte[65];
            point[0] = 4;
            copy(pub.getW().getAffineX(), point, 1);
            copy(pub.getW().getAffineY(), point, 33);
            byte[] auth = new byte[16];
            random.nextBytes(auth);
            pool.add(new String[] {b64(point), b64(auth)});
        }
        return pool;
    }

    static void copy(BigInteger v, byte[] into, int at) {
        byte[] b = v.toByteArray();
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, into, at + 32 - len, len);
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The users the pushes go to: the admin N times (one-to-many), or N new users (many-to-one). */
    static List<String> insertUsers(Connection c, boolean pg, String scenario, int n) throws Exception {
        c.setAutoCommit(false);
        Instant now = Instant.now();
        String adminId;
        try (PreparedStatement st = c.prepareStatement("SELECT id FROM users WHERE sub = 'local:admin'");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            adminId = rs.getString(1);
        }
        List<String> userIds = new ArrayList<>();
        if (scenario.equals("one-to-many")) {
            for (int i = 0; i < n; i++) {
                userIds.add(adminId);
            }
        } else {
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO users (id, sub, name, is_admin, created_at) VALUES (?, ?, ?, false, ?)")) {
                for (int i = 0; i < n; i++) {
                    String id = UUID.randomUUID().toString();
                    userIds.add(id);
                    id(st, 1, id, pg);
                    st.setString(2, "bench:" + i);
                    st.setString(3, "user " + i);
                    time(st, 4, now.plusMillis(i), pg);
                    st.addBatch();
                    if (i % 1000 == 999) {
                        st.executeBatch();
                    }
                }
                st.executeBatch();
            }
        }
        c.commit();
        return userIds;
    }

    /**
     * Every round pushes to devices never pushed to before (one per user id given): a device's
     * first push is the dearest (its row is rewritten; later ones within the minute are not), and
     * repeated rounds would also fill devices' burst windows.
     */
    static void replaceSubscriptions(Connection c, boolean pg, List<String> userIds, String origin, List<String[]> keys)
            throws Exception {
        c.setAutoCommit(false);
        Instant now = Instant.now();
        try (PreparedStatement st = c.prepareStatement("DELETE FROM push_subscriptions")) {
            st.executeUpdate();
        }
        // The removed devices' burst counters, as the daily housekeeping removes them: a real
        // server does not lose 10,000 devices a round, and 200,000 dead counters would make
        // every later round's upserts dearer than a server ever sees.
        try (PreparedStatement st = c.prepareStatement("DELETE FROM push_bursts")) {
            st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, "
                        + "device_name, min_priority, created_at, updated_at, failure_count) VALUES (?, ?, ?, ?, ?, ?, 'low', ?, ?, 0)")) {
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < userIds.size(); i++) {
                id(st, 1, UUID.randomUUID().toString(), pg);
                id(st, 2, userIds.get(i), pg);
                st.setString(3, origin + "/push/" + UUID.randomUUID());
                st.setString(4, keys.get(i % keys.size())[0]);
                byte[] auth = new byte[16];
                random.nextBytes(auth);
                st.setString(5, b64(auth));
                st.setString(6, "device " + i);
                time(st, 7, now, pg);
                time(st, 8, now, pg);
                st.addBatch();
                if (i % 1000 == 999) {
                    st.executeBatch();
                }
            }
            st.executeBatch();
        }
        c.commit();
    }

    static void id(PreparedStatement st, int i, String id, boolean pg) throws Exception {
        if (pg) {
            st.setObject(i, UUID.fromString(id));
        } else {
            st.setString(i, id);
        }
    }

    static void time(PreparedStatement st, int i, Instant t, boolean pg) throws Exception {
        if (pg) {
            st.setTimestamp(i, Timestamp.from(t));
        } else {
            st.setLong(i, t.toEpochMilli());
        }
    }

    static String run(String cp, String opts, Map<String, String> env, Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                cp,
                "dev.prioritynotify.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("CLI " + List.of(args) + " failed; see " + log);
        }
        return out;
    }

    static void waitReady(HttpClient http, int port, Process server) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited " + server.exitValue());
            }
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("server not ready in 30 s");
    }

    static long cpuTicks(long pid) {
        try {
            String[] f = Files.readString(Path.of("/proc/" + pid + "/stat"))
                    .replaceFirst("^.*\\) ", "")
                    .split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    /** Loads async-profiler into the running server (as jcmd does) with the given command. */
    static void profiler(long pid, String library, String command) throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(pid),
                        "JVMTI.agent_load",
                        library,
                        "'" + command + "'")
                .redirectErrorStream(true)
                .start(); // quoted: jcmd splits at commas
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || out.contains("rror")) {
            System.out.println("# profiler " + command + ": " + out.strip());
        }
    }

    /** A counter of /proc/<pid>/io: bytes the server wrote through system calls (files and sockets alike). */
    static long ioCounter(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
                if (line.startsWith(name + ":")) {
                    return Long.parseLong(line.substring(name.length() + 1).trim());
                }
            }
        } catch (Exception e) {
            // not on Linux, or the process is gone
        }
        return 0;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }

    static double secs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
