import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Load generator for the notifications API and the SSE live stream. JDK only, run as a
 * single-file program: {@code java bench/load/Load.java <create|sse> [--option value]...}.
 *
 * <p>HTTP is spoken over plain sockets (HTTP/1.1, keep-alive, chunked decoding) so that the
 * generator itself stays cheap: it shares the machine's cores with the server under test.
 * Every phase is bounded in count and in time; the program always ends by itself.
 *
 * <ul>
 *   <li>{@code create}: concurrent POST /api/notifications, a warm-up, then a measured run that
 *       stops after {@code --requests} or {@code --max-seconds}, whichever comes first.
 *   <li>{@code sse}: opens {@code --streams} streams, waits for each one's {@code retry:} line,
 *       POSTs at {@code --rate}/s for {@code --seconds}, and measures for every notification the
 *       time from just before its POST is written to its receipt on each stream.
 * </ul>
 */
public final class Load {

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println(
                    "usage: java bench/load/Load.java <create|sse> [--port P] [--token T | --tokens-file F] ...");
            System.exit(2);
        }
        Map<String, String> opt = options(Arrays.copyOfRange(args, 1, args.length));
        int code = switch (args[0]) {
            case "create" -> create(opt);
            case "sse" -> sse(opt);
            default -> {
                System.err.println("unknown mode " + args[0]);
                yield 2;
            }
        };
        System.exit(code);
    }

    // ---------------------------------------------------------------- create throughput

    static int create(Map<String, String> opt) throws Exception {
        int port = intOpt(opt, "port", 18080);
        List<String> tokens = tokens(opt);
        int concurrency = intOpt(opt, "concurrency", 16);
        long warmupNanos = TimeUnit.SECONDS.toNanos(intOpt(opt, "warmup-seconds", 3));
        int requests = intOpt(opt, "requests", 20_000);
        long maxNanos = TimeUnit.SECONDS.toNanos(intOpt(opt, "max-seconds", 15));
        String label = opt.getOrDefault("label", "create");

        System.out.printf(
                Locale.ROOT,
                "[%s] concurrency=%d users/tokens=%d warm-up=%ds measured=%d requests or %ds%n",
                label,
                concurrency,
                tokens.size(),
                TimeUnit.NANOSECONDS.toSeconds(warmupNanos),
                requests,
                TimeUnit.NANOSECONDS.toSeconds(maxNanos));

        AtomicInteger phase = new AtomicInteger(0); // 0 warm-up, 1 measured, 2 done
        AtomicInteger claimed = new AtomicInteger();
        AtomicLong measureStart = new AtomicLong();
        AtomicLong lastDone = new AtomicLong();
        AtomicInteger warmupDone = new AtomicInteger();
        Stats stats = new Stats();
        long[][] lat = new long[concurrency][requests];
        int[] count = new int[concurrency];
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int id = w;
            String token = tokens.get(w % tokens.size());
            workers.add(Thread.ofVirtual().name("create-" + w).start(() -> {
                Conn conn = null;
                long n = 0;
                while (phase.get() < 2) {
                    int p = phase.get();
                    if (p == 1 && claimed.getAndIncrement() >= requests) {
                        break;
                    }
                    byte[] body = json("bench " + id + "-" + (n++), "load test message from the benchmark", "high");
                    long t0 = System.nanoTime();
                    int status;
                    try {
                        if (conn == null) {
                            conn = new Conn(port);
                        }
                        status = conn.post("/api/notifications/", token, body).status;
                    } catch (IOException e) {
                        status = -1;
                        stats.error(e);
                        if (conn != null) {
                            conn.close();
                        }
                        conn = null;
                    }
                    long t1 = System.nanoTime();
                    if (p == 0) {
                        warmupDone.incrementAndGet();
                        continue;
                    }
                    stats.status(status);
                    if (status == 201) {
                        lat[id][count[id]++] = t1 - t0;
                    }
                    lastDone.accumulateAndGet(t1, Math::max);
                }
                if (conn != null) {
                    conn.close();
                }
            }));
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(warmupNanos));
        measureStart.set(System.nanoTime());
        phase.set(1);
        long deadline = measureStart.get() + maxNanos;
        for (Thread t : workers) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
        phase.set(2);
        for (Thread t : workers) {
            t.join(10_000); // each worker finishes at most its one request in flight
        }
        long elapsed = Math.max(1, lastDone.get() - measureStart.get());
        long[] all = merge(lat, count);
        double rate = stats.total() * 1e9 / elapsed;
        double okRate = all.length * 1e9 / elapsed;
        System.out.printf(Locale.ROOT, "[%s] warm-up requests: %d%n", label, warmupDone.get());
        System.out.printf(
                Locale.ROOT,
                "[%s] measured: %d requests in %.2f s, %d x 201, statuses %s, errors %s%n",
                label,
                stats.total(),
                elapsed / 1e9,
                all.length,
                stats.statuses(),
                stats.errors());
        System.out.printf(
                Locale.ROOT, "[%s] throughput: %.0f requests/s (%.0f creates/s answered 201)%n", label, rate, okRate);
        System.out.printf(
                Locale.ROOT,
                "[%s] latency (201 only): p50 %s  p90 %s  p99 %s  max %s%n",
                label,
                ms(pct(all, 50)),
                ms(pct(all, 90)),
                ms(pct(all, 99)),
                ms(all.length == 0 ? 0 : all[all.length - 1]));
        System.out.printf(
                Locale.ROOT,
                "RESULT mode=create label=%s concurrency=%d tokens=%d requests=%d created=%d seconds=%.2f creates_per_s=%.0f p50_ms=%s p99_ms=%s max_ms=%s non201=%d io_errors=%d%n",
                label,
                concurrency,
                tokens.size(),
                stats.total(),
                all.length,
                elapsed / 1e9,
                okRate,
                ms(pct(all, 50)),
                ms(pct(all, 99)),
                ms(all.length == 0 ? 0 : all[all.length - 1]),
                stats.total() - all.length,
                stats.ioErrors.get());
        return stats.total() == all.length ? 0 : 1;
    }

    // ---------------------------------------------------------------- POST -> SSE latency

    static int sse(Map<String, String> opt) throws Exception {
        int port = intOpt(opt, "port", 18080);
        String token = tokens(opt).getFirst();
        int streams = intOpt(opt, "streams", 1000);
        int rate = intOpt(opt, "rate", 200);
        int seconds = intOpt(opt, "seconds", 10);
        int publishers = intOpt(opt, "publishers", 8);
        int connectTimeout = intOpt(opt, "connect-seconds", 60);
        int drainSeconds = intOpt(opt, "drain-seconds", 15);
        int warmupSeconds = intOpt(opt, "warmup-seconds", 3);
        // At most this many streams are being opened at once (connected, waiting for their
        // retry: line): 5,000 simultaneous connects overflow the server's accept backlog, and the
        // SYN retries (1 s, 3 s, ...) would be measured as a slow server.
        int openConcurrency = intOpt(opt, "open-concurrency", 64);
        String label = opt.getOrDefault("label", "sse");
        int warm = rate * warmupSeconds; // notifications 0..warm-1 warm the server up and are not measured
        int total = warm + rate * seconds;

        System.out.printf(
                Locale.ROOT,
                "[%s] streams=%d rate=%d/s, warm-up %ds then measured %ds (%d notifications), publishers=%d, opened %d at a time%n",
                label,
                streams,
                rate,
                warmupSeconds,
                seconds,
                total,
                publishers,
                openConcurrency);

        AtomicLongArray sentAt = new AtomicLongArray(total);
        long[][] recvAt = new long[streams][total];
        int[] received = new int[streams];
        int[] duplicates = new int[streams];
        int[] outOfOrder = new int[streams];
        int[] unknown = new int[streams];
        boolean[] ended = new boolean[streams];
        String[] endReason = new String[streams];
        AtomicInteger receivedTotal = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(streams);
        Semaphore opening = new Semaphore(openConcurrency);
        AtomicInteger openFailures = new AtomicInteger();
        Map<String, Integer> openStatuses = new ConcurrentHashMap<>();
        List<Sse> sockets = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            sockets.add(new Sse());
        }

        long openStart = System.nanoTime();
        List<Thread> readers = new ArrayList<>();
        // "nio" (default): a few selector threads read every stream, one read per wake-up; it
        // leaves more of the two shared cores to the server than "threads", a virtual thread
        // with a blocking socket per stream (the reader the earlier figures were made with).
        boolean nio = !"threads".equals(opt.getOrDefault("reader", "nio"));
        NioReaders nioReaders = null;
        if (nio) {
            nioReaders = new NioReaders(
                    port,
                    token,
                    streams,
                    total,
                    openConcurrency,
                    intOpt(opt, "reader-threads", 2),
                    recvAt,
                    received,
                    duplicates,
                    outOfOrder,
                    unknown,
                    ended,
                    endReason,
                    receivedTotal,
                    ready,
                    openFailures,
                    openStatuses);
            nioReaders.start();
        } else {
            for (int i = 0; i < streams; i++) {
                int s = i;
                Sse sse = sockets.get(i);
                try {
                    opening.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                readers.add(Thread.ofVirtual().name("sse-" + i).start(() -> {
                    boolean counted = false;
                    try {
                        sse.open(port, token);
                        if (sse.status != 200) {
                            openStatuses.merge(String.valueOf(sse.status), 1, Integer::sum);
                            openFailures.incrementAndGet();
                            ready.countDown();
                            opening.release();
                            counted = true;
                            return;
                        }
                        long lastSeq = -1;
                        Lines lines = new Lines(sse.body);
                        while (lines.next()) {
                            if (lines.startsWith(RETRY)) {
                                if (!counted) {
                                    counted = true;
                                    ready.countDown();
                                    opening.release();
                                }
                            } else if (lines.startsWith(ID)) {
                                long seq = lines.number(ID.length);
                                if (lastSeq >= 0 && seq != lastSeq + 1) {
                                    outOfOrder[s]++;
                                }
                                lastSeq = seq;
                            } else if (lines.startsWith(DATA)) {
                                long now = System.nanoTime();
                                int k = lines.benchIndex();
                                if (k < 0 || k >= total) {
                                    unknown[s]++;
                                    continue;
                                }
                                if (recvAt[s][k] != 0) {
                                    duplicates[s]++;
                                    continue;
                                }
                                recvAt[s][k] = now;
                                received[s]++;
                                receivedTotal.incrementAndGet();
                            }
                        }
                        endReason[s] = "EOF";
                    } catch (IOException e) {
                        endReason[s] = e.getClass().getSimpleName() + ": " + e.getMessage();
                    } finally {
                        ended[s] = true;
                        if (!counted) {
                            openFailures.incrementAndGet();
                            ready.countDown();
                            opening.release();
                        }
                    }
                }));
            }
        }
        if (!ready.await(connectTimeout, TimeUnit.SECONDS)) {
            System.out.printf(
                    Locale.ROOT,
                    "[%s] only %d of %d streams ready after %ds%n",
                    label,
                    streams - ready.getCount(),
                    streams,
                    connectTimeout);
        }
        long openNanos = System.nanoTime() - openStart;
        System.out.printf(
                Locale.ROOT,
                "[%s] %d streams open (retry: line received) in %.2f s; failures %d %s%n",
                label,
                streams - openFailures.get(),
                openNanos / 1e9,
                openFailures.get(),
                openStatuses);
        Thread.sleep(500); // let every stream finish its (empty) replay and reach its live loop
        if (opt.containsKey("hold-ready-file")) {
            // Memory measurement (load.sh sse-idle): keep the streams open and idle until told.
            Path readyFile = Path.of(opt.get("hold-ready-file"));
            Path release = Path.of(opt.get("hold-release-file"));
            Files.writeString(readyFile, "open\n");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(intOpt(opt, "hold-seconds", 120));
            while (!Files.exists(release) && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            long endedEarly = 0;
            for (boolean e : ended) {
                endedEarly += e ? 1 : 0;
            }
            for (Sse sse : sockets) {
                sse.close();
            }
            if (nioReaders != null) {
                nioReaders.close();
            }
            System.out.printf(
                    Locale.ROOT,
                    "RESULT mode=sse-hold label=%s streams=%d open_failures=%d ended_early=%d%n",
                    label,
                    streams,
                    openFailures.get(),
                    endedEarly);
            return openFailures.get() == 0 && endedEarly == 0 ? 0 : 1;
        }

        // Open-loop publishing: a pacer hands out indices at the target rate, publishers send them.
        BlockingQueue<Integer> work = new ArrayBlockingQueue<>(total + publishers);
        Stats postStats = new Stats();
        long[][] postLat = new long[publishers][total];
        int[] postCount = new int[publishers];
        List<Thread> pubs = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int id = p;
            pubs.add(Thread.ofVirtual().name("publisher-" + p).start(() -> {
                Conn conn = null;
                try {
                    while (true) {
                        int k = work.take();
                        if (k < 0) {
                            break;
                        }
                        byte[] body = json("bench-sse-" + k, "latency probe " + k, "high");
                        int status;
                        long t0 = System.nanoTime();
                        sentAt.set(k, t0);
                        try {
                            if (conn == null) {
                                conn = new Conn(port);
                            }
                            status = conn.post("/api/notifications/", token, body).status;
                        } catch (IOException e) {
                            status = -1;
                            postStats.error(e);
                            if (conn != null) {
                                conn.close();
                            }
                            conn = null;
                        }
                        postStats.status(status);
                        if (status == 201) {
                            postLat[id][postCount[id]++] = System.nanoTime() - t0;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (conn != null) {
                        conn.close();
                    }
                }
            }));
        }
        long period = 1_000_000_000L / rate;
        long pubStart = System.nanoTime();
        for (int k = 0; k < total; k++) {
            long target = pubStart + k * period;
            long wait;
            while ((wait = target - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            work.put(k);
        }
        for (int p = 0; p < publishers; p++) {
            work.put(-1);
        }
        for (Thread t : pubs) {
            t.join(30_000);
        }
        long pubNanos = System.nanoTime() - pubStart;
        long[] posts = merge(postLat, postCount);
        int created = posts.length;

        // Wait (bounded) until every open stream has every created notification.
        long expected = (long) created * (streams - openFailures.get());
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
        while (receivedTotal.get() < expected && System.nanoTime() < drainDeadline) {
            Thread.sleep(50);
        }
        Thread.sleep(1000); // a late duplicate would show up here
        int endedEarly = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        for (int s = 0; s < streams; s++) {
            if (ended[s]) {
                endedEarly++;
                reasons.merge(String.valueOf(endReason[s]), 1, Integer::sum);
            }
        }
        for (Sse sse : sockets) {
            sse.close();
        }
        if (nioReaders != null) {
            nioReaders.close();
        }
        for (Thread t : readers) {
            t.join(5_000);
        }

        // Latencies: one sample per (notification, stream) pair that arrived, after the warm-up.
        long[] samples = new long[Math.toIntExact((long) streams * (total - warm))];
        int n = 0;
        long[] fanoutDone = new long[total]; // per notification: time until the last stream had it
        int complete = 0;
        long missing = 0;
        StringBuilder perSecond = new StringBuilder();
        long[] second = new long[streams * rate];
        for (int k = 0; k < total; k++) {
            long sent = sentAt.get(k);
            int got = 0;
            long worst = 0;
            for (int s = 0; s < streams; s++) {
                long r = recvAt[s][k];
                if (r != 0 && sent != 0) {
                    long d = r - sent;
                    second[(k % rate) * streams + s] = d;
                    if (k >= warm) {
                        samples[n++] = d;
                    }
                    worst = Math.max(worst, d);
                    got++;
                }
            }
            missing += streams - got;
            if (k >= warm && got == streams) {
                fanoutDone[complete++] = worst;
            }
            if (k % rate == rate - 1) { // one line per second of publishing: p50/p99 of that second
                long[] sec = second.clone();
                Arrays.sort(sec);
                perSecond.append(String.format(
                        Locale.ROOT, " %s%d:%s/%s", k < warm ? "w" : "", k / rate, ms(pct(sec, 50)), ms(pct(sec, 99))));
                Arrays.fill(second, 0);
            }
        }
        samples = Arrays.copyOf(samples, n);
        Arrays.sort(samples);
        long[] fan = Arrays.copyOf(fanoutDone, complete);
        Arrays.sort(fan);
        long dup = Arrays.stream(duplicates).asLongStream().sum();
        long ooo = Arrays.stream(outOfOrder).asLongStream().sum();
        long unk = Arrays.stream(unknown).asLongStream().sum();
        boolean exactlyOnce = missing == 0 && dup == 0 && ooo == 0 && openFailures.get() == 0 && created == total;

        System.out.printf(
                Locale.ROOT,
                "[%s] published %d in %.2f s (%.1f/s); POST statuses %s errors %s; POST latency p50 %s p99 %s max %s%n",
                label,
                total,
                pubNanos / 1e9,
                total * 1e9 / pubNanos,
                postStats.statuses(),
                postStats.errors(),
                ms(pct(posts, 50)),
                ms(pct(posts, 99)),
                ms(posts.length == 0 ? 0 : posts[posts.length - 1]));
        System.out.printf(
                Locale.ROOT,
                "[%s] deliveries: %d of %d expected (%d missing), duplicates %d, sequence gaps/out-of-order %d, unrecognised %d, streams ended early %d %s%n",
                label,
                receivedTotal.get(),
                (long) created * streams,
                missing,
                dup,
                ooo,
                unk,
                endedEarly,
                reasons);
        System.out.printf(Locale.ROOT, "[%s] by second of publishing (w = warm-up), p50/p99 ms:%s%n", label, perSecond);
        System.out.printf(
                Locale.ROOT,
                "[%s] POST->SSE latency over %d samples: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n",
                label,
                n,
                ms(pct(samples, 50)),
                ms(pct(samples, 90)),
                ms(pct(samples, 99)),
                ms(pct(samples, 99.9)),
                ms(n == 0 ? 0 : samples[n - 1]));
        System.out.printf(
                Locale.ROOT,
                "[%s] per notification, until the last of %d streams had it: p50 %s  p99 %s  max %s%n",
                label,
                streams,
                ms(pct(fan, 50)),
                ms(pct(fan, 99)),
                ms(fan.length == 0 ? 0 : fan[fan.length - 1]));
        System.out.printf(
                Locale.ROOT, "[%s] every stream got every event exactly once: %s%n", label, exactlyOnce ? "yes" : "NO");
        System.out.printf(
                Locale.ROOT,
                "RESULT mode=sse label=%s streams=%d rate=%d notifications=%d created=%d samples=%d p50_ms=%s p99_ms=%s max_ms=%s missing=%d duplicates=%d out_of_order=%d ended_early=%d exactly_once=%s%n",
                label,
                streams,
                rate,
                total,
                created,
                n,
                ms(pct(samples, 50)),
                ms(pct(samples, 99)),
                ms(n == 0 ? 0 : samples[n - 1]),
                missing,
                dup,
                ooo,
                endedEarly,
                exactlyOnce);
        return exactlyOnce ? 0 : 1;
    }

    static final byte[] RETRY = "retry:".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ID = "id:".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    static final byte[] MARKER = "\"title\":\"bench-sse-".getBytes(StandardCharsets.US_ASCII);

    /**
     * Splits a (de-chunked) body into lines without building strings: with 1,000 streams the
     * reader handles hundreds of thousands of lines a second on the server's own cores.
     */
    static final class Lines {
        private final InputStream in;
        private byte[] buf = new byte[16 * 1024];
        private int start; // current line: buf[start, end)
        private int end;
        private int next; // first byte after the current line's LF
        private int limit; // bytes in buf

        Lines(InputStream in) {
            this.in = in;
        }

        /** Advances to the next line; false at end of stream. */
        boolean next() throws IOException {
            start = next;
            while (true) {
                for (int i = start; i < limit; i++) {
                    if (buf[i] == '\n') {
                        end = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                        next = i + 1;
                        return true;
                    }
                }
                // No complete line buffered: compact, grow if needed, read more.
                int pending = limit - start;
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, pending);
                } else if (pending == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                start = 0;
                next = 0;
                limit = pending;
                int r = in.read(buf, limit, buf.length - limit);
                if (r == -1) {
                    return false;
                }
                limit += r;
            }
        }

        boolean startsWith(byte[] prefix) {
            return end - start >= prefix.length
                    && Arrays.equals(buf, start, start + prefix.length, prefix, 0, prefix.length);
        }

        long number(int from) {
            long v = 0;
            for (int i = start + from; i < end; i++) {
                byte b = buf[i];
                if (b >= '0' && b <= '9') {
                    v = v * 10 + (b - '0');
                }
            }
            return v;
        }

        /** The k in {@code "title":"bench-sse-k"} of the current line, or -1. */
        int benchIndex() {
            outer:
            for (int i = start; i + MARKER.length <= end; i++) {
                for (int j = 0; j < MARKER.length; j++) {
                    if (buf[i + j] != MARKER[j]) {
                        continue outer;
                    }
                }
                int v = 0;
                int p = i + MARKER.length;
                if (p >= end || buf[p] < '0' || buf[p] > '9') {
                    return -1;
                }
                while (p < end && buf[p] >= '0' && buf[p] <= '9') {
                    v = v * 10 + (buf[p++] - '0');
                }
                return v;
            }
            return -1;
        }
    }

    /**
     * Every stream read by a few selector threads: non-blocking sockets, one read per readable
     * socket per wake-up, HTTP/1.1 chunked decoding and SSE line splitting as small state
     * machines per stream. The same checks as the thread-per-stream reader: each {@code id:} one
     * more than the last, each notification's {@code data:} once, the receipt time per stream.
     */
    static final class NioReaders {
        final int port;
        final byte[] request;
        final int streams;
        final int total;
        final long[][] recvAt;
        final int[] received;
        final int[] duplicates;
        final int[] outOfOrder;
        final int[] unknown;
        final boolean[] ended;
        final String[] endReason;
        final AtomicInteger receivedTotal;
        final CountDownLatch ready;
        final AtomicInteger openFailures;
        final Map<String, Integer> openStatuses;
        final Semaphore opening;
        final List<Selector> selectors = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        final List<SocketChannel> channels = new CopyOnWriteArrayList<>();
        volatile boolean stop;

        NioReaders(
                int port,
                String token,
                int streams,
                int total,
                int openConcurrency,
                int threads,
                long[][] recvAt,
                int[] received,
                int[] duplicates,
                int[] outOfOrder,
                int[] unknown,
                boolean[] ended,
                String[] endReason,
                AtomicInteger receivedTotal,
                CountDownLatch ready,
                AtomicInteger openFailures,
                Map<String, Integer> openStatuses)
                throws IOException {
            this.port = port;
            this.request = ("GET /api/notifications/stream HTTP/1.1\r\nHost: 127.0.0.1:" + port
                            + "\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            this.streams = streams;
            this.total = total;
            this.recvAt = recvAt;
            this.received = received;
            this.duplicates = duplicates;
            this.outOfOrder = outOfOrder;
            this.unknown = unknown;
            this.ended = ended;
            this.endReason = endReason;
            this.receivedTotal = receivedTotal;
            this.ready = ready;
            this.openFailures = openFailures;
            this.openStatuses = openStatuses;
            this.opening = new Semaphore(openConcurrency);
            for (int t = 0; t < Math.max(1, threads); t++) {
                selectors.add(Selector.open());
            }
        }

        void start() {
            for (int t = 0; t < selectors.size(); t++) {
                Selector sel = selectors.get(t);
                threads.add(
                        Thread.ofPlatform().daemon(true).name("sse-reader-" + t).start(() -> loop(sel)));
            }
            // The opener: connects at most openConcurrency streams that have not had their retry: line yet.
            threads.add(Thread.ofPlatform().daemon(true).name("sse-opener").start(() -> {
                try {
                    for (int i = 0; i < streams && !stop; i++) {
                        opening.acquire();
                        SocketChannel ch = SocketChannel.open();
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        ch.configureBlocking(false);
                        channels.add(ch);
                        Stream st = new Stream(i, ch);
                        Selector sel = selectors.get(i % selectors.size());
                        st.pendingRegistration = sel;
                        ch.connect(new InetSocketAddress("127.0.0.1", port));
                        synchronized (registrations) {
                            registrations.add(st);
                        }
                        sel.wakeup();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    System.err.println("opening streams: " + e);
                }
            }));
        }

        final List<Stream> registrations = new ArrayList<>();

        void loop(Selector sel) {
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            byte[] bytes = new byte[64 * 1024];
            try {
                while (!stop) {
                    sel.select(200);
                    List<Stream> mine = new ArrayList<>();
                    synchronized (registrations) {
                        registrations.removeIf(st -> {
                            if (st.pendingRegistration == sel) {
                                mine.add(st);
                                return true;
                            }
                            return false;
                        });
                    }
                    for (Stream st : mine) {
                        try {
                            if (st.ch.isConnected()) { // connect() completed at once
                                st.ch.write(ByteBuffer.wrap(request));
                                st.ch.register(sel, SelectionKey.OP_READ, st);
                            } else {
                                st.ch.register(sel, SelectionKey.OP_CONNECT, st);
                            }
                        } catch (IOException e) {
                            st.end(e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                    }
                    var keys = sel.selectedKeys();
                    for (SelectionKey key : keys) {
                        Stream st = (Stream) key.attachment();
                        try {
                            if (key.isConnectable()) {
                                st.ch.finishConnect();
                                st.ch.write(ByteBuffer.wrap(request)); // small: goes out whole
                                key.interestOps(SelectionKey.OP_READ);
                                continue;
                            }
                            if (!key.isReadable()) {
                                continue;
                            }
                            buf.clear();
                            int n = st.ch.read(buf);
                            if (n < 0) {
                                st.end("EOF");
                                key.cancel();
                                continue;
                            }
                            long now = System.nanoTime();
                            buf.flip();
                            buf.get(bytes, 0, n);
                            st.feed(bytes, n, now);
                        } catch (IOException e) {
                            st.end(e.getClass().getSimpleName() + ": " + e.getMessage());
                            key.cancel();
                        }
                    }
                    keys.clear();
                }
            } catch (IOException e) {
                System.err.println("selector: " + e);
            }
        }

        void close() {
            stop = true;
            for (SocketChannel ch : channels) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            for (Selector sel : selectors) {
                sel.wakeup();
            }
            for (Thread t : threads) {
                try {
                    t.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** One stream's parsing state: status line and headers, then chunks, then SSE lines. */
        final class Stream {
            final int s;
            final SocketChannel ch;
            Selector pendingRegistration;
            boolean counted;
            boolean headersDone;
            boolean chunked;
            int status = -1;
            long chunkLeft = -1; // -1: reading a chunk-size line; -2: reading the CRLF after a chunk
            long chunkSize;
            boolean sizeDone;
            byte[] line = new byte[1024]; // the current HTTP or SSE line so far
            int lineLen;
            long lastSeq = -1;

            Stream(int s, SocketChannel ch) {
                this.s = s;
                this.ch = ch;
            }

            void feed(byte[] b, int n, long now) throws IOException {
                int i = 0;
                while (i < n) {
                    if (!headersDone) {
                        byte c = b[i++];
                        if (c == '\n') {
                            httpLine();
                        } else {
                            append(c);
                        }
                        continue;
                    }
                    if (!chunked) {
                        byte c = b[i++];
                        if (c == '\n') {
                            sseLine(now);
                        } else {
                            append(c);
                        }
                        continue;
                    }
                    if (chunkLeft == -1 || chunkLeft == -2) { // size line, or the CRLF ending a chunk
                        // Parsed on the fly, apart from the line buffer: an SSE line may span chunks.
                        byte c = b[i++];
                        if (c == '\n') {
                            if (chunkLeft == -2) {
                                chunkLeft = -1;
                            } else {
                                if (chunkSize == 0) {
                                    throw new IOException("end of the chunked body");
                                }
                                chunkLeft = chunkSize;
                                chunkSize = 0;
                                sizeDone = false;
                            }
                        } else if (chunkLeft == -1 && !sizeDone) {
                            int d = Character.digit(c, 16);
                            if (d < 0) {
                                sizeDone = true; // ';' extensions or the CR
                            } else {
                                chunkSize = chunkSize * 16 + d;
                            }
                        }
                        continue;
                    }
                    // Chunk data: SSE lines (they may span chunks; the line buffer carries on).
                    int until = (int) Math.min(n, i + chunkLeft);
                    for (; i < until; i++) {
                        byte c = b[i];
                        chunkLeft--;
                        if (c == '\n') {
                            sseLine(now);
                        } else {
                            append(c);
                        }
                    }
                    if (chunkLeft == 0) {
                        chunkLeft = -2;
                    }
                }
            }

            private void append(byte c) {
                if (lineLen == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[lineLen++] = c;
            }

            private void httpLine() throws IOException {
                int len = lineLen > 0 && line[lineLen - 1] == '\r' ? lineLen - 1 : lineLen;
                String l = new String(line, 0, len, StandardCharsets.US_ASCII);
                lineLen = 0;
                if (status < 0) {
                    status = Integer.parseInt(l.split(" ", 3)[1]);
                    if (status != 200) {
                        openStatuses.merge(String.valueOf(status), 1, Integer::sum);
                        throw new IOException("status " + status);
                    }
                } else if (l.isEmpty()) {
                    headersDone = true;
                } else if (l.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:")
                        && l.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }

            private boolean starts(byte[] prefix, int len) {
                return len >= prefix.length && Arrays.equals(line, 0, prefix.length, prefix, 0, prefix.length);
            }

            private void sseLine(long now) {
                int len = lineLen > 0 && line[lineLen - 1] == '\r' ? lineLen - 1 : lineLen;
                lineLen = 0;
                if (starts(RETRY, len)) {
                    if (!counted) {
                        counted = true;
                        ready.countDown();
                        opening.release();
                    }
                } else if (starts(ID, len)) {
                    long seq = 0;
                    for (int k = ID.length; k < len; k++) {
                        byte c = line[k];
                        if (c >= '0' && c <= '9') {
                            seq = seq * 10 + (c - '0');
                        }
                    }
                    if (lastSeq >= 0 && seq != lastSeq + 1) {
                        outOfOrder[s]++;
                    }
                    lastSeq = seq;
                } else if (starts(DATA, len)) {
                    int k = benchIndex(line, len);
                    if (k < 0 || k >= total) {
                        unknown[s]++;
                    } else if (recvAt[s][k] != 0) {
                        duplicates[s]++;
                    } else {
                        recvAt[s][k] = now;
                        received[s]++;
                        receivedTotal.incrementAndGet();
                    }
                }
            }

            void end(String reason) {
                if (ended[s]) {
                    return;
                }
                endReason[s] = reason;
                ended[s] = true;
                if (!counted) {
                    counted = true;
                    openFailures.incrementAndGet();
                    ready.countDown();
                    opening.release();
                }
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** The k in {@code "title":"bench-sse-k"} of {@code line[0, end)}, or -1. */
    static int benchIndex(byte[] line, int end) {
        outer:
        for (int i = 0; i + MARKER.length <= end; i++) {
            for (int j = 0; j < MARKER.length; j++) {
                if (line[i + j] != MARKER[j]) {
                    continue outer;
                }
            }
            int v = 0;
            int p = i + MARKER.length;
            if (p >= end || line[p] < '0' || line[p] > '9') {
                return -1;
            }
            while (p < end && line[p] >= '0' && line[p] <= '9') {
                v = v * 10 + (line[p++] - '0');
            }
            return v;
        }
        return -1;
    }

    // ---------------------------------------------------------------- HTTP over plain sockets

    record Response(int status, byte[] body) {}

    /** One HTTP/1.1 keep-alive connection; reconnects are the caller's business. */
    static final class Conn implements AutoCloseable {
        final int port;
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Conn(int port) throws IOException {
            this.port = port;
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }

        Response post(String path, String token, byte[] body) throws IOException {
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + body.length
                    + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] req = Arrays.copyOf(h, h.length + body.length);
            System.arraycopy(body, 0, req, h.length, body.length);
            out.write(req);
            out.flush();
            return readResponse(in);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    static Response readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before the response");
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        Map<String, String> headers = headers(in);
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            InputStream chunked = new Chunked(in);
            byte[] b = new byte[4096];
            int r;
            while ((r = chunked.read(b)) > 0) {
                buf.write(b, 0, r);
            }
            body = buf.toByteArray();
        } else {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("short body");
            }
        }
        if ("close".equalsIgnoreCase(headers.get("connection"))) {
            throw new IOException("server closed the connection (status " + status + ")");
        }
        return new Response(status, body);
    }

    static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> headers = new HashMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int c = l.indexOf(':');
            if (c > 0) {
                headers.put(
                        l.substring(0, c).trim().toLowerCase(Locale.ROOT),
                        l.substring(c + 1).trim());
            }
        }
        return headers;
    }

    /** One line without its CR LF (or LF), or null at end of stream. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** Decodes {@code Transfer-Encoding: chunked}. */
    static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                while (size != null && size.isEmpty()) {
                    size = line(in); // the CR LF that ends the previous chunk
                }
                if (size == null) {
                    done = true;
                    return -1;
                }
                int semi = size.indexOf(';');
                left = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                if (left == 0) {
                    headers(in); // trailers
                    done = true;
                    return -1;
                }
            }
            int r = in.read(b, off, (int) Math.min(len, left));
            if (r == -1) {
                done = true;
                return -1;
            }
            left -= r;
            return r;
        }
    }

    /** One SSE stream: GET, then the body line by line. */
    static final class Sse {
        volatile Socket socket;
        InputStream body;
        int status;

        void open(int port, String token) throws IOException {
            Socket s = new Socket();
            socket = s;
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
            s.setSoTimeout(60_000); // heartbeats come every 15 s
            InputStream in = new BufferedInputStream(s.getInputStream(), 8 * 1024);
            s.getOutputStream()
                    .write(("GET /api/notifications/stream HTTP/1.1\r\nHost: 127.0.0.1:" + port
                                    + "\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String statusLine = line(in);
            if (statusLine == null) {
                throw new EOFException("closed before the status line");
            }
            status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            Map<String, String> headers = headers(in);
            body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new Chunked(in) : in;
        }

        void close() {
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static final class Stats {
        final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
        final AtomicInteger ioErrors = new AtomicInteger();

        void status(int s) {
            statuses.computeIfAbsent(s, k -> new AtomicInteger()).incrementAndGet();
        }

        void error(IOException e) {
            ioErrors.incrementAndGet();
            errors.computeIfAbsent(e.getClass().getSimpleName() + ": " + e.getMessage(), k -> new AtomicInteger())
                    .incrementAndGet();
        }

        int total() {
            return statuses.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        String statuses() {
            return new TreeMap<>(statuses).toString();
        }

        String errors() {
            return errors.isEmpty() ? "none" : new TreeMap<>(errors).toString();
        }
    }

    static byte[] json(String title, String message, String priority) {
        return ("{\"title\":\"" + title + "\",\"message\":\"" + message + "\",\"priority\":\"" + priority
                        + "\",\"source\":\"bench\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static long[] merge(long[][] parts, int[] counts) {
        int n = Arrays.stream(counts).sum();
        long[] all = new long[n];
        int i = 0;
        for (int p = 0; p < parts.length; p++) {
            System.arraycopy(parts[p], 0, all, i, counts[p]);
            i += counts[p];
        }
        Arrays.sort(all);
        return all;
    }

    /** Nearest-rank percentile of a sorted array (0 when empty). */
    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2fms", nanos / 1e6).replace("ms", "");
    }

    static List<String> tokens(Map<String, String> opt) throws IOException {
        if (opt.containsKey("token")) {
            return List.of(opt.get("token"));
        }
        if (opt.containsKey("tokens-file")) {
            List<String> t = Files.readAllLines(Path.of(opt.get("tokens-file"))).stream()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
            if (!t.isEmpty()) {
                return t;
            }
        }
        throw new IllegalArgumentException("--token or a non-empty --tokens-file is required");
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    static int intOpt(Map<String, String> opt, String name, int dflt) {
        return opt.containsKey(name) ? Integer.parseInt(opt.get(name)) : dflt;
    }
}
