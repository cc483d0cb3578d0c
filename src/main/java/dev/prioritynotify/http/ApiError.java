package dev.prioritynotify.http;

/**
 * Every error the API answers with, as one catalog: each factory fixes the status for one kind of
 * failure, and the message is what the client reads in {@code detail}. Handlers throw these;
 * {@link ErrorRenderer} renders them. Messages name the offending field first ("title: ...").
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String retryAfterSeconds;

    private ApiError(int status, String detail, String retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }

    /** Set for 429 answers: seconds until a retry may succeed. */
    public String retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The body is not JSON at all. */
    public static ApiError malformedBody(String why) {
        return new ApiError(400, "body: malformed JSON (" + why + ")", null);
    }

    /** A field (body, query or path) is missing, of the wrong type, out of range or unknown. */
    public static ApiError invalid(String field, String problem) {
        return new ApiError(422, field + ": " + problem, null);
    }

    public static ApiError unauthenticated(String detail) {
        return new ApiError(401, detail, null);
    }

    public static ApiError forbidden(String detail) {
        return new ApiError(403, detail, null);
    }

    public static ApiError notFound(String what) {
        return new ApiError(404, what + " not found", null);
    }

    /** The request is well-formed but the state of things refuses it (a taken name, the last administrator). */
    public static ApiError conflict(String detail) {
        return new ApiError(409, detail, null);
    }

    public static ApiError tooLarge(String detail) {
        return new ApiError(413, detail, null);
    }

    public static ApiError rateLimited(long retryAfterSeconds) {
        return new ApiError(
                429, "too many requests; retry after " + retryAfterSeconds + " s", Long.toString(retryAfterSeconds));
    }

    public static ApiError unavailable(String detail) {
        return new ApiError(503, detail, null);
    }
}
