package dev.prioritynotify.webpush;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The same operations as {@link WebPushBenchmark}, timed in thread CPU time instead of wall time,
 * the way {@code openssl speed} reports. On a shared machine other processes steal the CPU and
 * make JMH's wall-clock error bars wide; CPU time is not affected by that, so this gives the
 * per-core cost to put next to JMH's figures. Single thread only.
 *
 * <p>Run: {@code mvn -B -Pbench test-compile exec:exec -Dbench.main=dev.prioritynotify.webpush.CpuTimeBenchmark -Djmh.args=3}
 * (the argument is the seconds of CPU per measurement).
 */
public final class CpuTimeBenchmark {

    private interface Operation {
        Object run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        WebPushBenchmark benchmark = new WebPushBenchmark();
        System.out.printf(Locale.ROOT, "%-22s %-5s %14s %12s%n", "operation", "prov", "ops/cpu-s", "µs/op");
        for (String provider : new String[] {"ACCP", "JDK"}) {
            WebPushBenchmark.Shared shared = new WebPushBenchmark.Shared();
            shared.provider = provider;
            shared.setUp();
            WebPushBenchmark.Parts parts = new WebPushBenchmark.Parts();
            parts.provider = provider;
            parts.setUp();
            Map<String, Operation> operations = new LinkedHashMap<>();
            operations.put("encrypt", () -> benchmark.encrypt(shared));
            operations.put("keyPairGeneration", () -> benchmark.keyPairGeneration(parts));
            operations.put("ecdh", () -> benchmark.ecdh(parts));
            operations.put("parseSubscriptionKey", () -> benchmark.parseSubscriptionKey(parts));
            operations.put("hkdf", () -> benchmark.hkdf(parts));
            operations.put("aesGcm", () -> benchmark.aesGcm(parts));
            double sumOfParts = 0;
            double full = 0;
            for (Map.Entry<String, Operation> entry : operations.entrySet()) {
                measure(entry.getValue(), seconds); // warm-up
                double opsPerSecond = measure(entry.getValue(), seconds);
                System.out.printf(
                        Locale.ROOT,
                        "%-22s %-5s %14.0f %12.2f%n",
                        entry.getKey(),
                        provider,
                        opsPerSecond,
                        1e6 / opsPerSecond);
                switch (entry.getKey()) {
                    case "encrypt" -> full = opsPerSecond;
                    case "parseSubscriptionKey" -> {}
                    default -> sumOfParts += 1 / opsPerSecond;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-22s %-5s %14.0f %12.2f   full = %.0f %% of it%n",
                    "sum-of-parts limit",
                    provider,
                    1 / sumOfParts,
                    sumOfParts * 1e6,
                    100 * full * sumOfParts);
        }
    }

    /** Written, never read: the volatile store keeps the JIT from dropping the operation. */
    @SuppressWarnings("UnusedVariable")
    private static volatile @Nullable Object sink;

    /** Operations per second of this thread's CPU time, over about {@code seconds} of CPU. */
    private static double measure(Operation operation, double seconds) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long budget = (long) (seconds * 1e9);
        long start = threads.getCurrentThreadCpuTime();
        long count = 0;
        long elapsed;
        do {
            for (int i = 0; i < 64; i++) {
                sink = operation.run();
            }
            count += 64;
            elapsed = threads.getCurrentThreadCpuTime() - start;
        } while (elapsed < budget);
        return count / (elapsed / 1e9);
    }
}
