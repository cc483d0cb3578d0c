package dev.prioritynotify.web;

import java.util.List;

/**
 * What the frame around every page needs: the title, who is signed in, which section is open,
 * the page's own script module, and versioned links to the shared files.
 *
 * @param section the nav entry to mark as current ({@code notifications}, {@code tokens}, ...)
 * @param scripts the page's own ES modules, as versioned URLs
 * @param unread the viewer's unread count, shown in the title until the page's script keeps it current
 */
public record Layout(String title, Viewer viewer, String section, List<String> scripts, long unread, Assets assets) {
    public String asset(String path) {
        return assets.url(path);
    }

    /** The document title: the unread count first, as tabs and task bars show it. */
    public String documentTitle() {
        return (unread > 0 ? "(" + unread + ") " : "") + title + " · priority-notify";
    }

    public boolean current(String name) {
        return section.equals(name);
    }
}
