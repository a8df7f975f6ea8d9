package io.taclog.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Collects the messages of one logger while open (to wait for what the code reports, not for time). */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final Logger logger;
    private final Level levelBefore;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LogCapture(Class<?> source) {
        this.logger = (Logger) LoggerFactory.getLogger(source);
        this.levelBefore = logger.getLevel();
        if (!logger.isEnabledFor(Level.WARN)) {
            logger.setLevel(Level.WARN); // whatever TACLOG_LOG_LEVEL says, warnings must reach the capture
        }
        setContext(logger.getLoggerContext());
        start();
        logger.addAppender(this);
    }

    public static LogCapture of(Class<?> source) {
        return new LogCapture(source);
    }

    @Override
    protected void append(ILoggingEvent event) {
        messages.add(event.getLevel() + " " + event.getFormattedMessage());
    }

    public boolean contains(String text) {
        return messages.stream().anyMatch(m -> m.contains(text));
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        logger.setLevel(levelBefore);
        stop();
    }
}
