package dev.prioritynotify.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.Priority;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A notification as a page shows it: every field text (empty when absent), the priority with a
 * label and a symbol besides its colour, times both machine-readable and for people (in UTC; the
 * page's script shows them in the reader's own time zone).
 */
public record NoteView(
        String id,
        String title,
        String message,
        String priority,
        String priorityLabel,
        String priorityIcon,
        String status,
        String source,
        String url,
        String tag,
        String metadata,
        String createdAt,
        String createdAtText,
        String readAt,
        String readAtText) {
    private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern(
                    "d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    static NoteView of(Notification n, ObjectMapper mapper) {
        return new NoteView(
                n.id().toString(),
                n.title(),
                orEmpty(n.message()),
                n.priority().wire(),
                label(n.priority()),
                icon(n.priority()),
                n.status().wire(),
                orEmpty(n.source()),
                orEmpty(n.url()),
                orEmpty(n.tag()),
                pretty(n.metadata(), mapper),
                iso(n.createdAt()),
                human(n.createdAt()),
                iso(n.readAt()),
                human(n.readAt()));
    }

    /** The empty shape the dashboard's script clones for a notification that arrives live. */
    static NoteView blank() {
        return new NoteView("", "", "", "medium", "", "", "unread", "", "", "", "", "", "", "", "");
    }

    public boolean unread() {
        return status.equals("unread");
    }

    public boolean archived() {
        return status.equals("archived");
    }

    public String href() {
        return "/notifications/" + id;
    }

    static String label(Priority p) {
        return switch (p) {
            case LOW -> "Low";
            case MEDIUM -> "Medium";
            case HIGH -> "High";
            case CRITICAL -> "Critical";
        };
    }

    /** A shape per priority, so that the level reads without telling colours apart. */
    static String icon(Priority p) {
        return switch (p) {
            case LOW -> "▽";
            case MEDIUM -> "◆";
            case HIGH -> "▲";
            case CRITICAL -> "‼";
        };
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String iso(Instant t) {
        return t == null ? "" : t.toString();
    }

    private static String human(Instant t) {
        return t == null ? "" : HUMAN.format(t);
    }

    private static String pretty(String json, ObjectMapper mapper) {
        if (json == null) {
            return "";
        }
        try {
            JsonNode node = mapper.readTree(json);
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            return json;
        }
    }
}
