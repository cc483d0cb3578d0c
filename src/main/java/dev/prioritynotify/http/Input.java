package dev.prioritynotify.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Strict reading of request input. Every failure is an {@link ApiError} naming the field, so a
 * client always learns exactly what to fix and the server never answers 500 for bad input.
 */
public final class Input {
    private final ObjectMapper mapper;

    public Input(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The body as a JSON object: 400 when it is not JSON, 422 when it is JSON but not an object. */
    public ObjectNode object(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) {
            throw ApiError.malformedBody("empty body");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.malformedBody("at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        }
        if (node == null || !node.isObject()) {
            throw ApiError.invalid("body", "must be a JSON object");
        }
        return (ObjectNode) node;
    }

    public static String requiredString(ObjectNode body, String field, int maxLength) {
        return requiredString(body, field, field, maxLength);
    }

    /** @param path how errors name the field when it is nested, e.g. {@code keys.auth} */
    public static String requiredString(ObjectNode body, String field, String path, int maxLength) {
        return optionalString(body, field, path, maxLength).orElseThrow(() -> ApiError.invalid(path, "is required"));
    }

    /** Absent and {@code null} are the same; a present value must be a string within {@code maxLength} characters. */
    public static Optional<String> optionalString(ObjectNode body, String field, int maxLength) {
        return optionalString(body, field, field, maxLength);
    }

    private static Optional<String> optionalString(ObjectNode body, String field, String path, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiError.invalid(path, "must be a string");
        }
        String text = value.textValue();
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw ApiError.invalid(path, "must be at most " + maxLength + " characters");
        }
        return Optional.of(text);
    }

    /** Absent and {@code null} are the same; a present value must be {@code true} or {@code false}. */
    public static Optional<Boolean> optionalBoolean(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw ApiError.invalid(field, "must be true or false");
        }
        return Optional.of(value.booleanValue());
    }

    public static <E> Optional<E> optionalEnum(
            ObjectNode body, String field, Function<String, E> parse, String allowed) {
        return optionalString(body, field, 64).map(raw -> parseEnum(field, raw, parse, allowed));
    }

    /** A JSON object, returned as compact JSON text, at most {@code maxBytes} bytes of UTF-8. */
    public Optional<String> optionalObject(ObjectNode body, String field, int maxBytes) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw ApiError.invalid(field, "must be a JSON object");
        }
        String json;
        try {
            json = mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(field, "cannot be serialised");
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw ApiError.invalid(field, "must be at most " + maxBytes / 1024 + " KiB");
        }
        return Optional.of(json);
    }

    public static UUID pathUuid(Context ctx, String name) {
        String raw = ctx.pathParam(name);
        try {
            if (raw.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(name, "must be a UUID");
        }
    }

    public static int queryInt(Context ctx, String name, int defaultValue, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiError.invalid(name, "must be a whole number");
        }
        if (value < min || value > max) {
            throw ApiError.invalid(name, "must be between " + min + " and " + max);
        }
        return value;
    }

    public static <E> Optional<E> queryEnum(Context ctx, String name, Function<String, E> parse, String allowed) {
        String raw = ctx.queryParam(name);
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(parseEnum(name, raw, parse, allowed));
    }

    public static Optional<String> queryString(Context ctx, String name, int maxLength) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        if (raw.length() > maxLength) {
            throw ApiError.invalid(name, "must be at most " + maxLength + " characters");
        }
        return Optional.of(raw);
    }

    /** ISO-8601: with an offset or {@code Z}; without one the time is read as UTC; a bare date is its midnight UTC. */
    public static Optional<Instant> queryInstant(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String text = raw.trim().replace(' ', '+'); // a '+' offset arrives as a space when not URL-encoded
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return Optional.of(LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw ApiError.invalid(name, "must be an ISO-8601 timestamp such as 2026-01-31T12:00:00Z");
        }
    }

    private static <E> E parseEnum(String field, String raw, Function<String, E> parse, String allowed) {
        try {
            return parse.apply(raw);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(field, "must be one of " + allowed);
        }
    }
}
