package dev.prioritynotify.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The warnings a part of the server (by default the push feature) logs while it is open, as their formatted messages. Logged on
 * the workers' threads; the appender takes them under its own lock, so the test reads a copy.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String loggerName) {
        logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    /** Warnings (and errors) of the {@code dev.prioritynotify.push} package from now on. */
    public static LogCapture warnings() {
        return new LogCapture("dev.prioritynotify.push");
    }

    /** Warnings (and errors) of one logger (a class's name) or package from now on. */
    public static LogCapture warningsOf(String loggerName) {
        return new LogCapture(loggerName);
    }

    public List<String> lines() {
        synchronized (appender) {
            return appender.list.stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
