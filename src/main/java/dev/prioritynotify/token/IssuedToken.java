package dev.prioritynotify.token;

/** The result of issuing a token: the only moment its plaintext exists outside the caller's hands. */
public record IssuedToken(ApiToken token, String plaintext) {
    @Override
    public String toString() {
        return "IssuedToken[" + token + ", plaintext=***]";
    }
}
