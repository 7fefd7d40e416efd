package dev.smslogin.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The lines one logger category writes while open. In the unit tests JBoss Logging writes to java.util.logging (no
 * JBoss LogManager is installed), so a handler on the category's logger sees each line as the server log would hold it.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String category) {
        logger = Logger.getLogger(category);
        logger.addHandler(handler);
    }

    /** The lines of {@code type}'s logger (its class name as the category). */
    public static LogCapture of(Class<?> type) {
        return new LogCapture(type.getName());
    }

    public static LogCapture of(String category) {
        return new LogCapture(category);
    }

    /** The WARN (and ERROR) lines. */
    public List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).map(LogRecord::getMessage).toList();
    }

    /** The INFO lines. */
    public List<String> infos() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue()
                && r.getLevel().intValue() < Level.WARNING.intValue()).map(LogRecord::getMessage).toList();
    }

    /** Every line, as {@code LEVEL message}. */
    public List<String> lines() {
        return records.stream().map(r -> r.getLevel().getName() + " " + r.getMessage()).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
