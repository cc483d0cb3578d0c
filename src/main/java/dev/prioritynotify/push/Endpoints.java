package dev.prioritynotify.push;

/** Shortening of push endpoints for logs and API answers: the origin and the first characters of the path. */
public final class Endpoints {
    private static final int PATH_CHARS = 12;

    private Endpoints() {}

    public static String truncate(String endpoint) {
        if (endpoint == null) {
            return null;
        }
        int schemeEnd = endpoint.indexOf("://");
        int pathStart = schemeEnd < 0 ? -1 : endpoint.indexOf('/', schemeEnd + 3);
        if (pathStart < 0) {
            return endpoint.length() <= 40 ? endpoint : endpoint.substring(0, 40) + "…";
        }
        int end = Math.min(endpoint.length(), pathStart + 1 + PATH_CHARS);
        return endpoint.substring(0, end) + (end < endpoint.length() ? "…" : "");
    }
}
