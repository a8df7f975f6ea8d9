package io.taclog.testing.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Damages real lines the ways producers and disks do: flipped bits, cut lines, huge strings, deep nesting,
 * values of the wrong type, numbers out of any range, duplicate keys, lone surrogates and invalid UTF-8.
 * Seeded: a failing seed replays the same lines.
 */
public final class LineMutator {

    /** The kinds of damage, each named in the failure message of a test that finds a problem. */
    public enum Damage { BIT_FLIP, CUT, HUGE_STRING, DEEP_NESTING, WRONG_TYPE, NUMBER_OUT_OF_RANGE, DUPLICATE_KEY,
        LONE_SURROGATE, INVALID_UTF8 }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARK = "__taclog_fuzz_mark__";

    private final Random random;

    public LineMutator(long seed) {
        this.random = new Random(seed);
    }

    /** One damaged copy of {@code line} (without its newline; the result never contains one). */
    public byte[] mutate(String line) {
        Damage[] all = Damage.values();
        Damage d = all[random.nextInt(all.length)];
        if (d == Damage.HUGE_STRING && random.nextInt(100) != 0) {
            d = Damage.WRONG_TYPE; // huge lines are kept rare: each is up to a megabyte
        }
        byte[] out = apply(d, line);
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '\n' || out[i] == 0) {
                out[i] = ' '; // one line stays one line (a NUL is a hole in the file: NulHoleIT's subject)
            }
        }
        return out;
    }

    private byte[] apply(Damage d, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        JsonNode tree = line.startsWith("{") ? parse(line) : null;
        switch (d) {
            case BIT_FLIP -> {
                if (bytes.length > 0) {
                    int at = random.nextInt(bytes.length);
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                }
                return bytes;
            }
            case CUT -> {
                return java.util.Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
            }
            case INVALID_UTF8 -> {
                return splice(bytes, new byte[][] {{(byte) 0xC3}, {(byte) 0xFF, (byte) 0xFE},
                    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}}
                        [random.nextInt(4)]);
            }
            default -> {
                if (tree == null) {
                    return textDamage(d, line);
                }
                return jsonDamage(d, tree);
            }
        }
    }

    private byte[] splice(byte[] bytes, byte[] insert) {
        int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(insert);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    /** Coordinator log lines are text: the same damage, applied to the text. */
    private byte[] textDamage(Damage d, String line) {
        String s = switch (d) {
            case HUGE_STRING -> line + " " + "x".repeat(50_000 + random.nextInt(350_000));
            case DEEP_NESTING -> "[".repeat(5_000) + line;
            case NUMBER_OUT_OF_RANGE -> line.replaceFirst("\\d+", "9".repeat(40));
            case LONE_SURROGATE -> line + "\ud800";
            case DUPLICATE_KEY -> line + " " + line;
            default -> line.replaceFirst("\\d", "-");
        };
        return s.getBytes(StandardCharsets.UTF_8); // a lone surrogate encodes as '?': the raw form is INVALID_UTF8
    }

    private byte[] jsonDamage(Damage d, JsonNode tree) {
        List<Slot> slots = new ArrayList<>();
        collect(tree, slots);
        if (slots.isEmpty()) {
            return tree.toString().getBytes(StandardCharsets.UTF_8);
        }
        Slot s = slots.get(random.nextInt(slots.size()));
        String raw = switch (d) {
            case HUGE_STRING -> JSON.getNodeFactory().textNode("y".repeat(50_000 + random.nextInt(350_000)))
                    .toString();
            case DEEP_NESTING -> "[".repeat(2_000 + random.nextInt(8_000)) + "1"
                    + "]".repeat(2_000 + random.nextInt(8_000));
            case WRONG_TYPE -> new String[] {"12345", "-1", "\"text\"", "{}", "[]", "null", "true", "0.5",
                "{\"type\":[]}", "[\"a\",{}]"}[random.nextInt(10)];
            case NUMBER_OUT_OF_RANGE -> new String[] {"1e400", "-1e400", "123456789012345678901234567890",
                "-9223372036854775809", "4.9e-400", "18446744073709551616"}[random.nextInt(6)];
            case LONE_SURROGATE -> "\"before\\ud800after\\udc00\"";
            case DUPLICATE_KEY -> null;
            default -> "null";
        };
        if (d == Damage.DUPLICATE_KEY) {
            // the same key twice, with another value: the last one wins in most readers, the first in some
            String text = tree.toString();
            var first = tree.fieldNames();
            String key = first.hasNext() ? first.next() : "type";
            return (text.substring(0, text.length() - 1) + (tree.size() > 0 ? "," : "") + "\"" + key
                    + "\":\"duplicate\"}").getBytes(StandardCharsets.UTF_8);
        }
        s.set(JSON.getNodeFactory().textNode(MARK));
        return tree.toString().replace("\"" + MARK + "\"", raw).getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            return null;
        }
    }

    /** A place in the tree whose value can be replaced. */
    private interface Slot {
        void set(JsonNode value);
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node instanceof ObjectNode o) {
            var names = new ArrayList<String>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                slots.add(v -> o.set(name, v));
                collect(o.get(name), slots);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                int at = i;
                slots.add(v -> a.set(at, v));
                collect(a.get(i), slots);
            }
        }
    }
}
