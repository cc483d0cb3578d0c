package dev.prioritynotify.config;

/** A setting is missing or malformed. The message names the variable, so start-up can print one line. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String variable, String problem) {
        super(variable + ": " + problem);
    }
}
