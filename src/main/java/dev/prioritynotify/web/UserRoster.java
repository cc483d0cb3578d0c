package dev.prioritynotify.web;

import java.util.List;

/** What the user administration page reads: every user, as an administrator sees them. */
@FunctionalInterface
public interface UserRoster {
    List<UserRow> list();
}
