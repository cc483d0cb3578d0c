package dev.prioritynotify.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web app's files, read from the classpath under {@code web/} (they ship inside the jar) and
 * kept in memory once read: they are small and few. Pages link to them with {@link #url}, which
 * adds the content hash, so a changed file gets a new URL and an unchanged one may be cached for
 * good.
 */
public final class Assets {
    private static final String ROOT = "web";
    /** Lower-case names, dots and slashes only: no {@code ..}, no hidden files, nothing a path could escape with. */
    private static final Pattern SAFE = Pattern.compile("(/[a-z0-9][a-z0-9_-]*)*/[a-z0-9][a-z0-9_.-]*");

    private static final Map<String, String> TYPES = Map.of(
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "png", "image/png",
            "svg", "image/svg+xml",
            "webmanifest", "application/manifest+json",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8");

    private final ClassLoader loader;
    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    public Assets() {
        this.loader = Assets.class.getClassLoader();
    }

    /** The file served at {@code path} (e.g. {@code /static/app.css}), when there is one. */
    Optional<Asset> find(String path) {
        if (!SAFE.matcher(path).matches() || path.contains("..")) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(path, this::load);
    }

    /** {@code path} with its content version, for links from pages: {@code /static/app.css?v=1a2b3c4d5e6f}. */
    public String url(String path) {
        return find(path)
                .map(a -> path + "?v=" + a.version())
                .orElseThrow(() -> new IllegalArgumentException("no web asset " + path));
    }

    private Optional<Asset> load(String path) {
        String extension = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = TYPES.get(extension);
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            return Optional.of(new Asset(bytes, type, "\"" + hash(bytes) + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException("reading web asset " + path, e);
        }
    }

    private static String hash(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
