import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Summarises async-profiler's collapsed stacks ({@code frame;frame;... count} per line): the top
 * frames by self samples, then the share of samples whose stack contains each given pattern
 * (a frame substring such as {@code DeliveryRepository.record}). JDK only:
 * {@code java bench/profile/Collapsed.java profile.collapsed [rows] [pattern ...]}.
 */
public final class Collapsed {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        List<String> patterns = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> matching = new HashMap<>();
        long total = 0;
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long count = Long.parseLong(line.substring(space + 1));
            String stack = line.substring(0, space);
            String[] frames = stack.split(";");
            total += count;
            self.merge(frames[frames.length - 1], count, Long::sum);
            Set<String> seen = new HashSet<>(List.of(frames));
            for (String f : seen) {
                inclusive.merge(f, count, Long::sum);
            }
            for (String p : patterns) {
                if (stack.contains(p)) {
                    matching.merge(p, count, Long::sum);
                }
            }
        }
        System.out.printf("%,d samples%n%n-- self%n", total);
        print(self, total, rows);
        System.out.printf("%n-- inclusive%n");
        print(inclusive, total, rows);
        if (!patterns.isEmpty()) {
            System.out.printf("%n-- stacks containing%n");
            for (String p : patterns) {
                System.out.printf("%5.1f %%  %s%n", 100.0 * matching.getOrDefault(p, 0L) / total, p);
            }
        }
    }

    private static void print(Map<String, Long> counts, long total, int rows) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(rows)
                .forEach(e -> System.out.printf("%5.1f %%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }
}
