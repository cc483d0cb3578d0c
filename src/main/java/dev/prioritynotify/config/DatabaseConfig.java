package dev.prioritynotify.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the data lives. {@code DATABASE_URL} may be empty (SQLite in the data directory),
 * {@code sqlite:///relative/path.db}, {@code sqlite:////absolute/path.db},
 * {@code postgresql://user:pass@host:port/db}, or a {@code jdbc:} URL.
 */
public record DatabaseConfig(String jdbcUrl, Optional<String> user, Optional<Secret> password, int maxPoolSize) {

    public boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "DatabaseConfig[" + jdbcUrl.replaceAll("password=[^&]*", "password=***") + "]";
    }

    static DatabaseConfig parse(String variable, Optional<String> raw, Path dataDir, int maxPoolSize) {
        if (raw.isEmpty()) {
            return sqlite(dataDir.resolve("priority-notify.db"), maxPoolSize);
        }
        String url = raw.get();
        if (url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:postgresql:")) {
            return new DatabaseConfig(url, Optional.empty(), Optional.empty(), maxPoolSize);
        }
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            throw new ConfigException(
                    variable, "must be sqlite:///path, postgresql://user:pass@host:port/db or a jdbc: URL");
        }
        String scheme = url.substring(0, schemeEnd);
        // The seeds wrote SQLAlchemy URLs ("sqlite+aiosqlite://", "postgresql+asyncpg://"): the driver part is ignored.
        String base = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
        return switch (base) {
            case "sqlite" -> {
                String path = url.substring(schemeEnd + 3);
                if (!path.startsWith("/") || path.length() < 2) {
                    throw new ConfigException(
                            variable, "a SQLite URL needs a path: sqlite:///relative.db or sqlite:////absolute.db");
                }
                yield sqlite(Path.of(path.substring(1)), maxPoolSize);
            }
            case "postgresql", "postgres" -> postgres(variable, url.substring(schemeEnd + 3), maxPoolSize);
            default ->
                throw new ConfigException(variable, "unsupported database '" + base + "'; use sqlite or postgresql");
        };
    }

    private static DatabaseConfig sqlite(Path file, int maxPoolSize) {
        return new DatabaseConfig("jdbc:sqlite:" + file, Optional.empty(), Optional.empty(), maxPoolSize);
    }

    private static DatabaseConfig postgres(String variable, String rest, int maxPoolSize) {
        URI uri;
        try {
            uri = URI.create("postgresql://" + rest);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable, "is not a valid URL");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new ConfigException(variable, "needs a host and a database: postgresql://user:pass@host:5432/db");
        }
        Optional<String> user = Optional.empty();
        Optional<Secret> password = Optional.empty();
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = Optional.of(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
            if (parts.length == 2 && !parts[1].isEmpty()) {
                password = Optional.of(new Secret(URLDecoder.decode(parts[1], StandardCharsets.UTF_8)));
            }
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + uri.getPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        return new DatabaseConfig(jdbc, user, password, maxPoolSize);
    }
}
