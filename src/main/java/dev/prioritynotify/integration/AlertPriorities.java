package dev.prioritynotify.integration;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.notification.Priority;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An alert's {@code severity} label to one of our priorities ({@code ALERTMANAGER_PRIORITIES},
 * compared in lower case), and the priority of every other severity and of an alert without one
 * ({@code ALERTMANAGER_DEFAULT_PRIORITY}).
 */
public record AlertPriorities(Map<String, Priority> bySeverity, Priority otherwise) {
    public AlertPriorities {
        bySeverity = Map.copyOf(bySeverity);
    }

    public static AlertPriorities of(Config.Integrations settings) {
        Map<String, Priority> map = new LinkedHashMap<>();
        settings.alertmanagerPriorities().forEach((severity, priority) -> map.put(severity, Priority.parse(priority)));
        return new AlertPriorities(map, Priority.parse(settings.alertmanagerDefaultPriority()));
    }

    Priority forSeverity(String severity) {
        return severity == null ? otherwise : bySeverity.getOrDefault(severity.toLowerCase(Locale.ROOT), otherwise);
    }
}
