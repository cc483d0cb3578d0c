package dev.prioritynotify.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** A moment on a page: machine-readable for {@code <time datetime>}, and for people in UTC until the page's script shows the reader's zone. */
public final class Times {
    private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern(
                    "d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private Times() {}

    /** @param iso empty when there is no moment, and {@code text} says what stands instead ("Never") */
    public record Shown(String iso, String text) {
        public boolean present() {
            return !iso.isEmpty();
        }
    }

    static Shown shown(@Nullable Instant t, String absent) {
        return t == null ? new Shown("", absent) : new Shown(t.toString(), HUMAN.format(t));
    }
}
