package dev.prioritynotify.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.config.ConfigException;
import dev.prioritynotify.config.Settings;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.Input;
import dev.prioritynotify.token.ApiToken;
import dev.prioritynotify.token.DeviceType;
import dev.prioritynotify.token.IssuedToken;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.token.TokenService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /api/tokens/}: a signed-in person's API tokens over HTTP, with what the CLI's
 * {@code token create} takes (name, device type, scopes, expiry). Session only: a token cannot
 * mint tokens, so a leaked one cannot outlive its own revocation.
 *
 * <p>The plaintext is in the create answer once. For a phone to scan it, the answer names a QR code
 * of the connect URI {@code prioritynotify://connect?server=...&token=...}, which only the same
 * browser sign-in can fetch, for {@link PendingQrCodes#LIFETIME}; afterwards it is 404, like a
 * token that is not the caller's.
 */
public final class TokenRoutes {
    private static final String DEVICE_TYPES = "android, gnome, browser, script, other";
    /** A hundred years: past that an expiry is a typo, and Instant arithmetic stays far from overflow. */
    private static final long MAX_DAYS = 36_500;

    private final TokenService tokens;
    private final Authenticator auth;
    private final Input input;
    private final PendingQrCodes qrCodes;
    private final Optional<String> baseUrl;

    /** @param baseUrl BASE_URL, the server a connect URI names; without it, the origin the request came to */
    public TokenRoutes(
            TokenService tokens, Authenticator auth, Input input, PendingQrCodes qrCodes, Optional<String> baseUrl) {
        this.tokens = tokens;
        this.auth = auth;
        this.input = input;
        this.qrCodes = qrCodes;
        this.baseUrl = baseUrl.map(u -> u.replaceFirst("/+$", ""));
    }

    record TokenView(
            UUID id,
            String name,
            String deviceType,
            List<String> scopes,
            Instant createdAt,
            Instant lastUsedAt,
            Instant expiresAt) {
        static TokenView of(ApiToken t) {
            return new TokenView(
                    t.id(),
                    t.name(),
                    t.deviceType().wire(),
                    t.scopes().stream().sorted().map(Scope::wire).toList(),
                    t.createdAt(),
                    t.lastUsedAt(),
                    t.expiresAt());
        }
    }

    record TokenList(List<TokenView> items) {}

    /** The one answer that holds the plaintext. */
    record IssuedView(
            UUID id,
            String name,
            String deviceType,
            List<String> scopes,
            Instant createdAt,
            Instant lastUsedAt,
            Instant expiresAt,
            String token,
            String connectUri,
            String qr,
            Instant qrExpiresAt) {}

    public void register(RoutesConfig routes) {
        routes.get("/api/tokens", this::list);
        routes.post("/api/tokens", this::create);
        routes.delete("/api/tokens/{id}", this::revoke);
        routes.get("/api/tokens/{id}/qr", this::qr);
    }

    private void list(Context ctx) {
        Caller caller = auth.requireSession(ctx);
        ctx.json(new TokenList(
                tokens.list(caller.userId()).stream().map(TokenView::of).toList()));
    }

    private void create(Context ctx) {
        Caller caller = auth.requireSession(ctx);
        ObjectNode body = input.object(ctx);
        String name = Input.requiredString(body, "name", TokenService.MAX_NAME_LENGTH);
        if (name.isBlank()) {
            throw ApiError.invalid("name", "must not be blank");
        }
        DeviceType deviceType = Input.optionalEnum(body, "device_type", DeviceType::parse, DEVICE_TYPES)
                .orElse(DeviceType.OTHER);
        Set<Scope> scopes = scopes(body);
        IssuedToken issued;
        try {
            issued = switch (expiry(body)) {
                case Expiry.Never never -> tokens.issue(caller.userId(), name, deviceType, scopes, Optional.empty());
                case Expiry.After after ->
                    tokens.issue(caller.userId(), name, deviceType, scopes, Optional.of(after.lifetime()));
                case Expiry.At at -> tokens.issueUntil(caller.userId(), name, deviceType, scopes, Optional.of(at.at()));
            };
        } catch (IllegalArgumentException e) {
            // The service's messages are "field: problem", e.g. "expires_at: must be in the future".
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            throw colon > 0
                    ? ApiError.invalid(message.substring(0, colon), message.substring(colon + 2))
                    : ApiError.invalid("body", message);
        }
        ApiToken t = issued.token();
        String connectUri = connectUri(ctx, issued.plaintext());
        Instant qrExpiresAt = qrCodes.hold(t.id(), caller.browserKey().orElseThrow(), connectUri);
        ctx.header("Cache-Control", "no-store");
        ctx.header("Location", "/api/tokens/" + t.id());
        ctx.status(201);
        TokenView v = TokenView.of(t);
        ctx.json(new IssuedView(
                v.id(),
                v.name(),
                v.deviceType(),
                v.scopes(),
                v.createdAt(),
                v.lastUsedAt(),
                v.expiresAt(),
                issued.plaintext(),
                connectUri,
                "/api/tokens/" + t.id() + "/qr",
                qrExpiresAt));
    }

    private void revoke(Context ctx) {
        Caller caller = auth.requireSession(ctx);
        UUID id = Input.pathUuid(ctx, "id");
        if (!tokens.revoke(id, caller.userId())) {
            throw ApiError.notFound("token");
        }
        qrCodes.forget(id);
        ctx.status(204);
    }

    private void qr(Context ctx) {
        Caller caller = auth.requireSession(ctx);
        UUID id = Input.pathUuid(ctx, "id");
        String connectUri = qrCodes.find(id, caller.browserKey().orElseThrow())
                .orElseThrow(() ->
                        ApiError.notFound("QR code (shown only to the sign-in that created the token, for 5 minutes)"));
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("image/png");
        ctx.result(QrPng.of(connectUri));
    }

    private String connectUri(Context ctx, String plaintext) {
        String server = baseUrl.orElseGet(() -> ctx.scheme() + "://" + ctx.host());
        return "prioritynotify://connect?server=" + URLEncoder.encode(server, StandardCharsets.UTF_8) + "&token="
                + URLEncoder.encode(plaintext, StandardCharsets.UTF_8);
    }

    /** {@code ["publish","read"]}, or {@code "publish,read"} as the CLI's {@code --scope} takes; default both. */
    private static Set<Scope> scopes(ObjectNode body) {
        JsonNode value = body.get("scopes");
        if (value == null || value.isNull()) {
            return EnumSet.allOf(Scope.class);
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        List<JsonNode> items = new java.util.ArrayList<>();
        if (value.isTextual()) {
            for (String part : value.textValue().split(",", -1)) {
                items.add(body.textNode(part));
            }
        } else if (value.isArray()) {
            value.forEach(items::add);
        } else {
            throw ApiError.invalid("scopes", "must be a list of publish, read");
        }
        for (JsonNode item : items) {
            if (!item.isTextual()) {
                throw ApiError.invalid("scopes", "must be a list of publish, read");
            }
            try {
                scopes.add(Scope.parse(item.textValue()));
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("scopes", "must be a list of publish, read; got '" + item.textValue() + "'");
            }
        }
        if (scopes.isEmpty()) {
            throw ApiError.invalid("scopes", "must name at least one of publish, read");
        }
        return scopes;
    }

    /** When a new token expires: never, after a lifetime, or at a moment. */
    private sealed interface Expiry {
        record Never() implements Expiry {}

        record After(Duration lifetime) implements Expiry {}

        record At(Instant at) implements Expiry {}
    }

    /**
     * At most one of {@code expires_in} (a duration as the CLI's {@code --expires-in} takes:
     * {@code 90d}, {@code 12h}), {@code expires_in_days} (a whole number) or {@code expires_at}
     * (ISO-8601 with an offset); none: the token does not expire.
     */
    private static Expiry expiry(ObjectNode body) {
        List<String> given = List.of("expires_in", "expires_in_days", "expires_at").stream()
                .filter(f -> body.hasNonNull(f))
                .toList();
        if (given.size() > 1) {
            throw ApiError.invalid(given.get(1), "give only one of expires_in, expires_in_days, expires_at");
        }
        if (given.isEmpty()) {
            return new Expiry.Never();
        }
        return switch (given.getFirst()) {
            case "expires_in" -> {
                String raw = Input.requiredString(body, "expires_in", 32);
                Duration lifetime;
                try {
                    lifetime = Settings.parseDuration("expires_in", raw);
                } catch (ConfigException e) {
                    throw ApiError.invalid("expires_in", "must be a duration like 90d, 12h or 30m");
                }
                if (lifetime.isZero() || lifetime.compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
                    throw ApiError.invalid("expires_in", "must be more than zero and at most " + MAX_DAYS + " days");
                }
                yield new Expiry.After(lifetime);
            }
            case "expires_in_days" -> {
                JsonNode days = body.get("expires_in_days");
                if (!days.isIntegralNumber() || days.asLong() < 1 || days.asLong() > MAX_DAYS) {
                    throw ApiError.invalid("expires_in_days", "must be a whole number from 1 to " + MAX_DAYS);
                }
                yield new Expiry.After(Duration.ofDays(days.asLong()));
            }
            default -> {
                String raw = Input.requiredString(body, "expires_at", 64);
                try {
                    yield new Expiry.At(OffsetDateTime.parse(raw.trim()).toInstant());
                } catch (DateTimeParseException e) {
                    throw ApiError.invalid(
                            "expires_at", "must be an ISO-8601 timestamp with an offset, such as 2027-01-31T12:00:00Z");
                }
            }
        };
    }
}
