package dev.prioritynotify.auth;

/**
 * Where to send a browser after signing in: a path on this server, never another site. A value
 * such as {@code //evil.example}, {@code /\evil.example} or {@code https://evil.example} would
 * make the sign-in page an open redirect, so anything but a plain absolute path becomes {@code /}.
 */
public final class SafeNext {
    private SafeNext() {}

    public static String of(String next) {
        if (next == null
                || !next.startsWith("/")
                || next.startsWith("//")
                || next.startsWith("/\\")
                || next.length() > 2048) {
            return "/";
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return "/"; // control characters and backslashes are read as host separators by some browsers
            }
        }
        return next;
    }
}
