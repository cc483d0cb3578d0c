/**
 * Publishing in the formats other tools already speak, so they need no change but our URL and one
 * of our tokens: Alertmanager's webhook ({@code POST /api/integrations/alertmanager}, Grafana's
 * too), Gotify's {@code POST /message}, ntfy's publish ({@code POST}/{@code PUT /<topic>}, JSON to
 * {@code /}), and any JSON webhook mapped by templates in its URL
 * ({@code POST /api/integrations/webhook}).
 * Each route translates its format into one {@link dev.prioritynotify.notification.NewNotification}
 * per message and hands it to the {@link dev.prioritynotify.integration.Publisher} this package
 * declares; storage, the stream and Web Push happen exactly as for {@code POST /api/notifications}.
 * Who is calling is the auth feature's {@link dev.prioritynotify.auth.Authenticator}; this package
 * only knows where each tool puts its token. docs/api.md ("Alertmanager", "Migrating from Gotify /
 * ntfy") documents every mapping.
 */
package dev.prioritynotify.integration;
