package dev.prioritynotify.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw settings as the operator wrote them, with typed accessors that fail with a
 * {@link ConfigException} naming the variable. Precedence: the process environment wins over
 * {@code .env}; {@code NAME_FILE} supplies {@code NAME} from a secret file (systemd, Docker and
 * NixOS secrets work this way) and may not be combined with {@code NAME} itself.
 */
public final class Settings {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE =
            Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?", Pattern.CASE_INSENSITIVE);

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** Environment over {@code .env} in {@code workingDirectory}, then {@code _FILE} indirections resolved. */
    public static Settings load(Map<String, String> environment, Path workingDirectory) {
        Map<String, String> merged = new HashMap<>(readDotEnv(workingDirectory.resolve(".env")));
        merged.putAll(environment);
        return new Settings(merged);
    }

    /**
     * The value of {@code name}, or the content of the file named by {@code name_FILE}. Only the
     * settings the application reads are looked up this way, so unrelated {@code *_FILE}
     * variables in the environment are never touched.
     */
    public Optional<String> get(String name) {
        Optional<String> direct = nonBlank(values.get(name));
        Optional<String> file = nonBlank(values.get(name + "_FILE"));
        if (file.isEmpty()) {
            return direct;
        }
        if (direct.isPresent()) {
            throw new ConfigException(name + "_FILE", "set both " + name + " and " + name + "_FILE; choose one");
        }
        try {
            // A trailing newline is how editors and `echo` write secret files; it is never part of the secret.
            return nonBlank(Files.readString(Path.of(file.get()), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    name + "_FILE",
                    "cannot read " + file.get() + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public String string(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value < min || value > max) {
                throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be a whole number, got '" + raw.get() + "'");
        }
    }

    public boolean bool(String name, boolean defaultValue) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(name, "must be true or false, got '" + raw.get() + "'");
        };
    }

    /** Durations are written {@code 30s}, {@code 10m}, {@code 12h}, {@code 90d}; ISO-8601 ({@code PT30S}) works too. */
    public Duration duration(String name, Duration defaultValue) {
        Optional<String> raw = get(name);
        return raw.isEmpty() ? defaultValue : parseDuration(name, raw.get());
    }

    public static Duration parseDuration(String name, String raw) {
        Matcher m = DURATION.matcher(raw.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            Duration d = Duration.parse(raw.trim().toUpperCase(Locale.ROOT));
            if (d.isNegative()) {
                throw new ConfigException(name, "must not be negative");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new ConfigException(name, "must be a duration like 30s, 10m, 12h, 90d or PT30S, got '" + raw + "'");
        }
    }

    /** Sizes are written {@code 512}, {@code 64KiB}, {@code 1MiB} (KB/MB are read as powers of 1000). */
    public long size(String name, long defaultValue) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(raw.get());
        if (!m.matches()) {
            throw new ConfigException(name, "must be a size like 512, 64KiB or 1MiB, got '" + raw.get() + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long factor = switch (unit) {
            case "KB" -> 1000L;
            case "KIB" -> 1024L;
            case "MB" -> 1000_000L;
            case "MIB" -> 1024L * 1024;
            case "GB" -> 1000_000_000L;
            case "GIB" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Math.multiplyExact(n, factor);
    }

    public <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, raw.get().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> allowed = java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT))
                    .toList();
            throw new ConfigException(name, "must be one of " + allowed + ", got '" + raw.get() + "'");
        }
    }

    public List<String> list(String name) {
        return get(name)
                .map(v -> java.util.Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(List.of());
    }

    /** Lines {@code NAME=value}; {@code #} comments, optional {@code export }, single or double quotes. */
    static Map<String, String> readDotEnv(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                if (l.startsWith("export ")) {
                    l = l.substring("export ".length()).strip();
                }
                int eq = l.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigException(".env", "line " + lineNo + " is not NAME=value");
                }
                String value = l.substring(eq + 1).strip();
                if (value.length() >= 2
                        && ((value.startsWith("\"") && value.endsWith("\""))
                                || (value.startsWith("'") && value.endsWith("'")))) {
                    value = value.substring(1, value.length() - 1);
                }
                out.put(l.substring(0, eq).strip(), value);
            }
        } catch (IOException e) {
            throw new ConfigException(".env", "cannot read (" + e.getClass().getSimpleName() + ")");
        }
        return out;
    }
}
