import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises CPU samples of a JFR recording: top frames (self) and the methods most often on
 * the stack (inclusive), overall and restricted to the project's own code, plus where threads
 * blocked. JDK only: {@code java bench/profile/JfrSummary.java recording.jfr [rows]}.
 */
public final class JfrSummary {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> ownInclusive = new HashMap<>();
        Map<String, Integer> nativeSelf = new HashMap<>();
        Map<String, Long> blockedNanos = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    samples++;
                    self.merge(name(frames.getFirst()), 1, Integer::sum);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame f : frames) {
                        String n = name(f);
                        if (seen.add(n)) {
                            inclusive.merge(n, 1, Integer::sum);
                            if (n.startsWith("dev.prioritynotify.")) {
                                ownInclusive.merge(n, 1, Integer::sum);
                            }
                        }
                    }
                }
                case "jdk.NativeMethodSample" -> {
                    nativeSamples++;
                    nativeSelf.merge(name(frames.getFirst()), 1, Integer::sum);
                }
                case "jdk.JavaMonitorEnter", "jdk.ThreadPark" -> {
                    String site = firstOwnOrTop(frames);
                    blockedNanos.merge(
                            type.substring(4) + " at " + site, e.getDuration().toNanos(), Long::sum);
                }
                default -> {}
            }
        }
        System.out.printf(
                "%s: %d CPU samples (jdk.ExecutionSample), %d native samples%n", file, samples, nativeSamples);
        print("top frames (self), % of CPU samples", self, samples, rows);
        print("on the stack (inclusive), % of CPU samples", inclusive, samples, rows);
        print("project code on the stack (inclusive), % of CPU samples", ownInclusive, samples, rows);
        print("native top frames, % of native samples", nativeSelf, nativeSamples, 10);
        System.out.println(
                "\n== blocked time (park/monitor, events over the JFR threshold), by first project frame, ms");
        blockedNanos.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(15)
                .forEach(en -> System.out.printf("%10.0f  %s%n", en.getValue() / 1e6, en.getKey()));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String firstOwnOrTop(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (name(f).startsWith("dev.prioritynotify.")) {
                return name(f) + ":" + f.getLineNumber();
            }
        }
        return name(frames.getFirst());
    }

    private static void print(String title, Map<String, Integer> counts, int total, int rows) {
        System.out.println("\n== " + title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(rows)
                .forEach(en ->
                        System.out.printf("%6.1f%%  %s%n", 100.0 * en.getValue() / Math.max(1, total), en.getKey()));
    }
}
