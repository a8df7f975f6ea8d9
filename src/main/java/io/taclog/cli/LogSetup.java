package io.taclog.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The log configuration, in code: a human-readable log on stderr (stdout is reserved for command output),
 * taclog at INFO and Camel at WARN unless {@code TACLOG_LOG_LEVEL} / {@code TACLOG_CAMEL_LOG_LEVEL} say
 * otherwise. Logback finds it through the service loader; configuring from XML loaded about 600 classes and
 * an XML parser at every start. A {@code logback.xml} or {@code logback-test.xml} on the classpath still
 * wins (the tests have one).
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader cl = LogSetup.class.getClassLoader();
        if (cl.getResource("logback-test.xml") != null || cl.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("org.apache.camel").setLevel(level("TACLOG_CAMEL_LOG_LEVEL", Level.WARN));
        context.getLogger("io.taclog").setLevel(level("TACLOG_LOG_LEVEL", Level.INFO));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Level level(String variable, Level otherwise) {
        String v = System.getenv(variable);
        return v == null || v.isBlank() ? otherwise : Level.toLevel(v.trim(), otherwise);
    }
}
