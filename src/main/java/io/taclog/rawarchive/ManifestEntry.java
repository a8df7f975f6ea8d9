package io.taclog.rawarchive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.ingest.LineClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a month's manifest: a segment (the bytes {@code [from, to)} of one file generation, compressed) or a
 * missed range (bytes that were gone before they could be archived; no file).
 *
 * @param segment the segment file under raw/, null for a missed range
 * @param path the file as the sidecar saw it; {@code root} the watched path it was found under and
 *     {@code relativePath} the path below it (both null when no configured source contains it)
 * @param generation the generation's {@code ingest_files.file_id} in the database it was archived from
 * @param identity what the sidecar knew the generation by: kind, (device, inode), first-line hash, start offset
 * @param state the generation's state when the segment was written (active, detached, superseded)
 * @param sha256 SHA-256 of the uncompressed bytes
 * @param startState the parser state at {@code from}; {@code endState} at {@code to}
 * @param endMarker the offset marker at {@code to} (a hash of the last bytes of the last line)
 * @param observed commit boundaries inside the range with the time each was committed ({@code [end offset, epoch
 *     millisecond]}, at most one per second): the times a restore gives lines that carry no time of their own
 */
public record ManifestEntry(String segment, String kind, String path, String root, String relativePath,
                            long generation, GenerationIdentity identity, Long adoptedFrom, String state, long from,
                            long to, Long compressedBytes, String sha256, String startState, String endState,
                            String endMarker, int endMarkerLength, List<Observed> observed, String reason,
                            String writtenAt) {

    /** A commit boundary and its time. */
    public record Observed(long end, long epochMillis) {
    }

    public boolean missed() {
        return segment == null;
    }

    /** Bytes of the range (uncompressed). */
    public long bytes() {
        return to - from;
    }

    String toJson() {
        ObjectNode o = LineClassifier.JSON.createObjectNode();
        if (segment != null) {
            o.put("segment", segment);
        } else {
            o.put("missed", true);
            o.put("reason", reason);
        }
        o.put("kind", kind);
        o.put("path", path);
        o.put("root", root);
        o.put("relative_path", relativePath);
        o.put("generation", generation);
        o.put("device", identity.device());
        o.put("inode", identity.inode());
        o.put("first_line_hash", identity.firstLineHash());
        o.put("generation_start", identity.start());
        o.put("adopted_from", adoptedFrom);
        o.put("state", state);
        o.put("from", from);
        o.put("to", to);
        o.put("bytes", bytes());
        if (segment != null) {
            o.put("compressed_bytes", compressedBytes);
            o.put("sha256", sha256);
        }
        o.put("start_state", startState);
        o.put("end_state", endState);
        o.put("end_marker", endMarker);
        o.put("end_marker_length", endMarkerLength);
        ArrayNode obs = o.putArray("observed");
        for (Observed x : observed) {
            obs.addArray().add(x.end()).add(x.epochMillis());
        }
        o.put("written_at", writtenAt);
        return o.toString();
    }

    /** Reads a manifest line; a missing or mistyped field is an IllegalArgumentException naming it. */
    static ManifestEntry fromJson(JsonNode o) {
        if (!o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        boolean missed = o.path("missed").asBoolean(false);
        String segment = missed ? null : text(o, "segment", true);
        if (segment != null && (segment.contains("..") || segment.startsWith("/"))) {
            throw new IllegalArgumentException("segment " + segment + " is not a path inside the archive");
        }
        String kind = text(o, "kind", true);
        GenerationIdentity identity = new GenerationIdentity(kind, number(o, "device"), number(o, "inode"),
                text(o, "first_line_hash", true), number(o, "generation_start"));
        long from = number(o, "from");
        long to = number(o, "to");
        if (from < identity.start() || to < from) {
            throw new IllegalArgumentException("byte range [" + from + "," + to + ") is not a range of the generation");
        }
        List<Observed> observed = new ArrayList<>();
        for (JsonNode x : o.path("observed")) {
            if (!x.isArray() || x.size() != 2 || !x.get(0).canConvertToLong() || !x.get(1).canConvertToLong()) {
                throw new IllegalArgumentException("observed holds " + x + ", not [end offset, epoch millis]");
            }
            observed.add(new Observed(x.get(0).asLong(), x.get(1).asLong()));
        }
        return new ManifestEntry(segment, kind, text(o, "path", true), text(o, "root", false),
                text(o, "relative_path", false), number(o, "generation"), identity,
                o.path("adopted_from").canConvertToLong() ? o.get("adopted_from").asLong() : null,
                text(o, "state", false), from, to, missed ? null : number(o, "compressed_bytes"),
                missed ? null : text(o, "sha256", true), text(o, "start_state", false), text(o, "end_state", false),
                text(o, "end_marker", false), (int) o.path("end_marker_length").asLong(0), List.copyOf(observed),
                text(o, "reason", false), text(o, "written_at", false));
    }

    private static String text(JsonNode o, String field, boolean required) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("field " + field + " is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field " + field + " is not text: " + v);
        }
        return v.asText();
    }

    private static long number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("field " + field + (v == null ? " is missing" : " is not a whole "
                    + "number: " + v));
        }
        return v.asLong();
    }
}
