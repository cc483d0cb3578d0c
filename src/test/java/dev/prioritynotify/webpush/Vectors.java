package dev.prioritynotify.webpush;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;

/** The published test vectors in {@code webpush-vectors.json} (base64url without padding). */
final class Vectors {

    private static final JsonNode ROOT = load();

    private Vectors() {}

    private static JsonNode load() {
        try (InputStream in = Vectors.class.getResourceAsStream("/webpush-vectors.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String vector, String field) {
        return Base64.getUrlDecoder().decode(text(vector, field));
    }

    static String text(String vector, String field) {
        JsonNode node = ROOT.path(vector).path(field);
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("no " + vector + "." + field + " in the vectors");
        }
        return node.asText();
    }

    static int number(String vector, String field) {
        return ROOT.path(vector).path(field).asInt();
    }
}
