package dev.prioritynotify.token;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What a token may do: {@code publish} creates notifications, {@code read} lists, streams and updates them. */
public enum Scope {
    PUBLISH,
    READ;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "publish" -> PUBLISH;
            case "read" -> READ;
            default -> throw new IllegalArgumentException("unknown scope '" + raw.trim() + "'; use publish or read");
        };
    }

    static Set<Scope> parseList(String commaSeparated) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String part : commaSeparated.split(",")) {
            if (!part.isBlank()) {
                scopes.add(parse(part));
            }
        }
        return scopes;
    }

    static String join(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wire).collect(Collectors.joining(","));
    }
}
