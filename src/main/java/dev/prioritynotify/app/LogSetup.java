package dev.prioritynotify.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.prioritynotify.config.Config;
import org.slf4j.LoggerFactory;

/**
 * Logs go to standard error (standard output belongs to CLI results such as a new token): one JSON
 * object per line when not on a terminal — what log collectors want — and readable text on one.
 */
public final class LogSetup {
    private LogSetup() {}

    /**
     * Whether stderr's process has a terminal. From JDK 22 {@code System.console()} returns a
     * console even when output is redirected, and {@code Console.isTerminal()} says which; on 21
     * (the release this is compiled for) a null console is the answer.
     */
    @SuppressWarnings("SystemConsoleNull") // the null check is for JDK 21; isTerminal() answers on 22 and later
    private static boolean onATerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only on a terminal
        }
    }

    public static void apply(Config.Logging logging) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        boolean json = switch (logging.format()) {
            case JSON -> true;
            case TEXT -> false;
            case AUTO -> !onATerminal();
        };
        context.reset();
        Encoder<ILoggingEvent> encoder;
        if (json) {
            JsonEncoder e = new JsonEncoder();
            e.setWithSequenceNumber(false);
            e.setWithNanoseconds(false);
            e.setWithContext(false);
            e.setWithArguments(false);
            e.setWithFormattedMessage(true);
            e.setWithMessage(false);
            encoder = e;
        } else {
            PatternLayoutEncoder e = new PatternLayoutEncoder();
            e.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
            encoder = e;
        }
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(logging.level()));
        root.addAppender(appender);
        // Third-party chatter at INFO says nothing an operator needs.
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        context.getLogger("io.javalin").setLevel(Level.WARN);
    }
}
