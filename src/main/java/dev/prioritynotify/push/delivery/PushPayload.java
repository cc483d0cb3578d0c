package dev.prioritynotify.push.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.webpush.WebPushEncryption;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON a service worker receives:
 * {@code {"title","body","icon","badge","tag","data":{"url","notification_id","priority","source","read_token"}}}.
 * It must fit one RFC 8291 record (4096 bytes on the wire), so the body is shortened to fit — a
 * notification is never refused for being long. {@code PUSH_PAYLOAD=minimal} leaves the body out,
 * so message text never passes through a push service. {@code read_token} lets the service worker
 * mark the notification read from its "Mark as read" action ({@link ReadTokens}); it travels only
 * inside the encrypted payload.
 */
public final class PushPayload {
    private static final String ELLIPSIS = "…";

    private final ObjectMapper mapper;
    private final Config.Push.Payload config;
    private final ReadTokens readTokens;

    public PushPayload(ObjectMapper mapper, Config.Push.Payload config, ReadTokens readTokens) {
        this.mapper = mapper;
        this.config = config;
        this.readTokens = readTokens;
    }

    public byte[] of(Notification n) {
        String body = config.mode() == Config.PayloadMode.MINIMAL || n.message() == null ? "" : n.message();
        // One token for all the renderings below: the body is what shortens, never the token.
        String readToken = readTokens.forReading(n);
        byte[] json = render(n, body, readToken);
        if (json.length <= WebPushEncryption.MAX_PLAINTEXT_LENGTH) {
            return json;
        }
        // Too long: keep the largest prefix of the body that fits (binary search over code points).
        int low = 0;
        int high = body.codePointCount(0, body.length());
        byte[] best = render(n, "", readToken);
        while (low <= high) {
            int mid = (low + high) >>> 1;
            byte[] candidate = render(n, prefix(body, mid) + ELLIPSIS, readToken);
            if (candidate.length <= WebPushEncryption.MAX_PLAINTEXT_LENGTH) {
                best = candidate;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return best;
    }

    /** A burst summary push: a title ("40 new notifications") and the dashboard link. */
    public byte[] summary(String title, String url) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("url", url);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("title", title);
        payload.put("body", "");
        payload.put("icon", config.icon());
        payload.put("badge", config.badge());
        payload.put("tag", "priority-notify-summary");
        payload.put("data", data);
        return write(payload);
    }

    private byte[] render(Notification n, String body, String readToken) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("url", n.url() != null ? n.url() : "/notifications/" + n.id());
        data.put("notification_id", n.id().toString());
        data.put("priority", n.priority().wire());
        data.put("source", n.source());
        data.put("read_token", readToken);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("title", n.title());
        payload.put("body", body);
        payload.put("icon", config.icon());
        payload.put("badge", config.badge());
        // The tag lets the service worker replace an earlier notification of the same group, and
        // de-duplicate a push delivered twice (delivery is at-least-once).
        payload.put("tag", n.tag() != null ? n.tag() : n.id().toString());
        payload.put("data", data);
        return write(payload);
    }

    private byte[] write(Map<String, Object> payload) {
        try {
            return mapper.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("push payload must serialise", e);
        }
    }

    private static String prefix(String s, int codePoints) {
        return s.substring(0, s.offsetByCodePoints(0, codePoints));
    }
}
