package dev.prioritynotify.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.ConfigException;
import dev.prioritynotify.config.Settings;
import dev.prioritynotify.notification.Priority;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertPrioritiesTest {
    private static AlertPriorities from(Map<String, String> settings) {
        return AlertPriorities.of(Config.from(Settings.of(settings)).integrations());
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        AlertPriorities documented = from(Map.of(
                "ALERTMANAGER_PRIORITIES", "critical=critical,error=high,warning=high,info=low",
                "ALERTMANAGER_DEFAULT_PRIORITY", "medium"));

        assertThat(from(Map.of())).isEqualTo(documented);
        assertThat(documented.forSeverity("critical")).isEqualTo(Priority.CRITICAL);
        assertThat(documented.forSeverity("Warning")).isEqualTo(Priority.HIGH);
        assertThat(documented.forSeverity("info")).isEqualTo(Priority.LOW);
        assertThat(documented.forSeverity("page")).isEqualTo(Priority.MEDIUM);
        assertThat(documented.forSeverity(null)).isEqualTo(Priority.MEDIUM);
    }

    @Test
    void aSetMappingReplacesTheDefaultOneAndIsReadCaseInsensitively() {
        AlertPriorities p = from(Map.of("ALERTMANAGER_PRIORITIES", " Page = CRITICAL , ticket=low"));

        assertThat(p.bySeverity()).isEqualTo(Map.of("page", Priority.CRITICAL, "ticket", Priority.LOW));
        assertThat(p.forSeverity("critical")).as("no longer mapped").isEqualTo(Priority.MEDIUM);
    }

    @Test
    void badValuesStopStartUpNamingTheVariable() {
        assertThatThrownBy(() -> from(Map.of("ALERTMANAGER_PRIORITIES", "page=urgent")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "ALERTMANAGER_PRIORITIES: 'page' maps to 'urgent'; priorities are [low, medium, high, critical]");
        assertThatThrownBy(() -> from(Map.of("ALERTMANAGER_PRIORITIES", "critical")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ALERTMANAGER_PRIORITIES: write severity=priority pairs");
        assertThatThrownBy(() -> from(Map.of("ALERTMANAGER_DEFAULT_PRIORITY", "normal")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "ALERTMANAGER_DEFAULT_PRIORITY: must be one of [low, medium, high, critical], got 'normal'");
    }
}
