package io.taclog.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns what a person typed into an FTS5 query that means exactly that and cannot fail: every word becomes a
 * quoted FTS5 string (so {@code -}, {@code :}, {@code (}, {@code AND}, {@code NEAR} and the like are text, not
 * syntax), the words must all occur (in any order), a {@code "quoted part"} must occur as that phrase, and a
 * word ending in {@code *} matches as a prefix. The result is bound as a parameter, never put into SQL.
 *
 * <p>FTS5 splits text into tokens of letters and digits, so punctuation inside a word works as a phrase:
 * {@code foo-bar} finds "foo-bar", "foo bar" and "foo_bar". A word without a letter or digit has no token and
 * is left out.
 */
public final class MatchText {

    /** Longest search text accepted, in characters: a search is typed, not pasted from a log. */
    public static final int MAX_CHARS = 1000;

    private MatchText() {
    }

    /** The FTS5 query of a plain search; throws {@link BadSearchException} when it has nothing to look for. */
    public static String plain(String text) {
        List<String> out = new ArrayList<>();
        for (Part p : parts(text)) {
            out.add(quote(p.phrase()) + (p.prefix() ? " *" : ""));
        }
        return String.join(" ", out);
    }

    /**
     * One part of a plain search: a word or a quoted phrase, as typed (control characters as spaces), that has a
     * token; all parts must occur.
     *
     * @param prefix the word ended in {@code *}: its last token matches as a prefix
     */
    public record Part(String phrase, boolean prefix) {
    }

    /**
     * The parts of a plain search, read the same way for every back end; throws {@link BadSearchException} when it
     * has nothing to look for.
     */
    public static List<Part> parts(String text) {
        String t = checked(text);
        List<Part> parts = new ArrayList<>();
        int i = 0;
        int n = t.length();
        while (i < n) {
            char ch = t.charAt(i);
            if (separator(ch)) {
                i++;
                continue;
            }
            int close = ch == '"' ? t.indexOf('"', i + 1) : -1;
            String phrase;
            if (close > 0) { // a quoted phrase, as typed
                phrase = t.substring(i + 1, close);
                i = close + 1;
            } else { // a word: up to the next separator; a lone quote is part of it
                int end = i;
                while (end < n && !separator(t.charAt(end))) {
                    end++;
                }
                phrase = t.substring(i, end);
                i = end;
            }
            boolean prefix = close < 0 && phrase.length() > 1 && phrase.endsWith("*");
            if (prefix) {
                phrase = phrase.substring(0, phrase.length() - 1);
            }
            phrase = clean(phrase);
            if (hasToken(phrase)) {
                parts.add(new Part(phrase, prefix));
            }
        }
        if (parts.isEmpty()) {
            throw new BadSearchException("nothing to search for in \"" + shortened(t) + "\": it has no letters or "
                    + "digits");
        }
        return parts;
    }

    /** A raw FTS5 query (full syntax), checked only for emptiness and length; FTS5 itself judges the syntax. */
    public static String raw(String text) {
        return checked(text);
    }

    /** An FTS5 string: in double quotes, a double quote inside doubled. */
    static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    static String checked(String text) {
        if (text == null || text.isBlank()) {
            throw new BadSearchException("nothing to search for: the search text is empty");
        }
        if (text.length() > MAX_CHARS) {
            throw new BadSearchException("the search text has " + text.length() + " characters; at most " + MAX_CHARS
                    + " are accepted");
        }
        return text;
    }

    /** Whitespace and control characters separate words (FTS5 would end a string at a NUL and then fail). */
    private static boolean separator(char ch) {
        return Character.isWhitespace(ch) || Character.isISOControl(ch) || Character.isSpaceChar(ch);
    }

    /** Control characters inside a quoted phrase become spaces. */
    private static String clean(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                if (sb == null) {
                    sb = new StringBuilder(s);
                }
                sb.setCharAt(i, ' ');
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Whether FTS5's unicode61 tokenizer finds a token in it: a letter or a digit (a phrase without is empty). */
    private static boolean hasToken(String s) {
        return s.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    private static String shortened(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
