package io.taclog.validate;

import io.taclog.ingest.ParsedLine;
import io.taclog.model.CodexReviewSeen;
import io.taclog.model.Fact;
import io.taclog.source.SourceFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every Codex review line (a parent's {@code entered_review_mode}, a review sub-agent's {@code session_meta}) of a
 * re-parsed file generation is one row of {@code codex_reviews}, keyed by the line it was read from (schema v17),
 * and no row of such a generation lacks its line. Until v17 review lines without a time of their own that shared a
 * batch were one row; this check finds that kind of loss.
 *
 * <p>Rows stored before v17 are keyed {@code at <time>} (and rows of archives written before it have no key at all):
 * they cannot be traced to their lines. A line of a stream that has such rows and no row of its own is counted in a
 * note, not as missing.
 */
public final class CodexReviewCheck implements ContentCheck {

    /** Expected rows by file generation: side, agent session id and source line, joined by NUL. */
    private final Map<Long, Set<String>> expected = new TreeMap<>();
    private final Set<Long> verifiedFiles = new HashSet<>();
    private final Map<String, Long> offsetOf = new HashMap<>();
    private long untraceable;
    private long fromCopies;

    @Override
    public String name() {
        return "codex reviews";
    }

    @Override
    public void accept(SourceFile file, ParsedLine line) {
        verifiedFiles.add(file.fileId());
        for (Fact f : ContentCheck.factsOf(line)) {
            if (f instanceof CodexReviewSeen r) {
                String key = key(r.reviewAgent() ? "review" : "parent", r.stream().agentSessionId(), r.sourceLine());
                expected.computeIfAbsent(file.fileId(), k -> new HashSet<>()).add(key);
                offsetOf.put(key, line.line().offset());
            }
        }
    }

    private static String key(String side, String session, String sourceLine) {
        return side + "\0" + session + "\0" + sourceLine;
    }

    private static String describe(String key) {
        String[] p = key.split("\0", -1);
        return p[0] + " " + p[1] + " at line " + p[2];
    }

    @Override
    public List<String> compare(Connection db) throws SQLException {
        untraceable = 0;
        fromCopies = 0;
        Map<Long, Set<String>> stored = new HashMap<>();
        Set<String> legacyStreams = new HashSet<>();
        Set<String> places = new HashSet<>(); // side, session and place in the file of every hashed row
        try (PreparedStatement ps = db.prepareStatement("SELECT side, agent_session_id, source_line "
                + "FROM codex_reviews");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String line = rs.getString(3);
                Long fileId = fileOf(line);
                if (fileId == null) {
                    legacyStreams.add(rs.getString(1) + "\0" + rs.getString(2));
                } else {
                    String place = CodexReviewSeen.placeInFile(line);
                    if (place != null) {
                        places.add(rs.getString(1) + "\0" + rs.getString(2) + "\0" + place);
                    }
                }
                if (fileId != null && verifiedFiles.contains(fileId)) {
                    stored.computeIfAbsent(fileId, k -> new HashSet<>())
                            .add(key(rs.getString(1), rs.getString(2), line));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (long fileId : new TreeSet<>(verifiedFiles)) {
            Set<String> want = expected.getOrDefault(fileId, Set.of());
            Set<String> have = stored.getOrDefault(fileId, Set.of());
            Set<Long> failedToStore = null;
            for (String k : want) {
                if (have.contains(k) || have.contains(withoutHash(k))) {
                    continue; // its row, or its row stored before the key had the line's hash
                }
                if (places.contains(stream(k) + "\0" + CodexReviewSeen.placeInFile(lineOf(k)))) {
                    fromCopies++; // stored once, from another copy of the file read first
                    continue;
                }
                if (failedToStore == null) {
                    failedToStore = Bookkeeping.storeFailures(db, fileId);
                }
                if (failedToStore.contains(offsetOf.get(k))) {
                    continue; // quarantined: the ledger accounts for it as a rejected line
                }
                if (legacyStreams.contains(stream(k))) {
                    untraceable++;
                } else {
                    problems.add("the review line " + describe(k) + " of file " + fileId
                            + " is in the raw files but not in codex_reviews");
                }
            }
            for (String k : have) {
                if (!want.contains(k) && want.stream().noneMatch(w -> withoutHash(w).equals(k))) {
                    problems.add("codex_reviews holds " + describe(k) + ", which no line of file " + fileId
                            + " gives");
                }
            }
        }
        return problems;
    }

    /** Side and session of a key. */
    private static String stream(String key) {
        return key.substring(0, key.lastIndexOf('\0'));
    }

    /** The source line of a key. */
    private static String lineOf(String key) {
        return key.substring(key.lastIndexOf('\0') + 1);
    }

    /** A key as it was stored before the source line had the line's hash: {@code <file id>:<offset>}. */
    private static String withoutHash(String key) {
        int hash = key.lastIndexOf(':');
        return CodexReviewSeen.placeInFile(lineOf(key)) == null ? key : key.substring(0, hash);
    }

    /** The file generation a v17 key names ({@code <file id>:<offset>}); null for a key stored before v17. */
    private static Long fileOf(String sourceLine) {
        if (sourceLine == null) {
            return null;
        }
        int colon = sourceLine.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        for (int i = 0; i < colon; i++) {
            if (!Character.isDigit(sourceLine.charAt(i))) {
                return null;
            }
        }
        return Long.parseLong(sourceLine.substring(0, colon));
    }

    @Override
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (untraceable > 0) {
            notes.add(String.format("%d Codex review line(s) of streams whose review rows were stored before schema "
                    + "v17 cannot be traced to a row (those rows are keyed by their time, not by their line)",
                    untraceable));
        }
        if (fromCopies > 0) {
            notes.add(String.format("%d Codex review line(s) of copies of a rollout are stored once, from the copy "
                    + "read first", fromCopies));
        }
        return notes;
    }
}
