package dev.prioritynotify.web;

/** A file the server serves as it is: its bytes, its media type and a validator of its content. */
record Asset(byte[] bytes, String contentType, String etag) {
    /** The short content hash that versions the file's URL ({@code ?v=}). */
    String version() {
        return etag.substring(1, etag.length() - 1);
    }
}
