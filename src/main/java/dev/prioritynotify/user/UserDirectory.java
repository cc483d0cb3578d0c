package dev.prioritynotify.user;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Every user, as an administrator manages them: list, find, make or unmake administrator (never
 * leaving the server without one), delete. Local and external users alike; what only local
 * accounts have (passwords) is {@link LocalAccounts}'.
 */
public final class UserDirectory {
    private final UserRepository users;

    public UserDirectory(UserRepository users) {
        this.users = users;
    }

    /** What changing a user's administrator flag came to. */
    public enum AdminChange {
        CHANGED,
        NO_SUCH_USER,
        /** The flag would have been taken from the last administrator; nothing changed. */
        LAST_ADMIN
    }

    public List<User> list() {
        return users.list();
    }

    public Optional<User> find(UUID id) {
        return users.findById(id);
    }

    public AdminChange setAdmin(UUID id, boolean admin) {
        if (users.setAdminUnlessLast(id, admin)) {
            return AdminChange.CHANGED;
        }
        return users.findById(id).isPresent() ? AdminChange.LAST_ADMIN : AdminChange.NO_SUCH_USER;
    }

    /**
     * Deletes the user with everything that is theirs: notifications, events, tokens, sessions,
     * devices and their deliveries go by ON DELETE CASCADE in the same statement, so their session
     * and tokens are refused on the very next request.
     */
    public boolean delete(UUID id) {
        return users.delete(id);
    }
}
