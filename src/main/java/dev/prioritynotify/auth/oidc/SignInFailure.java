package dev.prioritynotify.auth.oidc;

/** Why a sign-in with the provider did not happen, and the status of the page that says so. */
final class SignInFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    SignInFailure(int status, String message) {
        super(message);
        this.status = status;
    }

    SignInFailure(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    int status() {
        return status;
    }
}
