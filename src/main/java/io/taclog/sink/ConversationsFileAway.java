package io.taclog.sink;

import java.nio.file.Path;

/**
 * The conversations file of an established split layout is not at its path (the directory is missing or empty, the
 * file cannot be read or written), and nothing else is there that would have to be refused. The sidecar starts
 * without it and spools conversation content (docs/storage.md, "When the second disk goes away"); the one-shot
 * writers refuse it like any other {@link ConversationsFileRefused}.
 */
final class ConversationsFileAway extends ConversationsFileRefused {

    private final transient Path file;
    private final String reason;

    ConversationsFileAway(Path file, String reason, String message) {
        super(message);
        this.file = file;
        this.reason = reason;
    }

    /** The path the file is expected at. */
    Path file() {
        return file;
    }

    /** Why it is not usable there, for the log and the {@code conversations_disk_gone} event. */
    String reason() {
        return reason;
    }
}
