package io.taclog.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A search as PostgreSQL's full-text search reads it (docs/search.md, "PostgreSQL"): the text of a {@code tsquery}
 * for {@code to_tsquery('simple', ?)}, built from the same search syntax {@link MatchText} takes for FTS5, and bound
 * as a parameter, never put into SQL.
 *
 * <p>A word becomes its tokens (runs of letters and digits, as the index of schema v21 makes them), each a quoted
 * lexeme ({@code 'word'}), several of them a phrase ({@code <->}); a trailing {@code *} is a prefix ({@code :*});
 * AND is {@code &}, OR {@code |}, {@code a NOT b} is {@code a & !b}. The index keeps the tool name as weight A and
 * the body as weight B: the column filters {@code tool:} and {@code body:} become {@code :A} and {@code :B}, and a
 * phrase of several words is looked for in each column alone ({@code (phrase:A) | (phrase:B)}), as FTS5 never
 * matches a phrase across two columns. {@code NEAR(a b, N)} of two phrases becomes every distance from 1 to N+1 in
 * both orders; {@code ^} (the first word of a column) and NEAR of more phrases have no tsquery form and are
 * refused with a {@link BadSearchException}, as is raw syntax FTS5 would refuse.
 */
public final class TsQueryText {

    /** Largest N of a NEAR on PostgreSQL: the distances are spelled out, two per step. */
    public static final int MAX_NEAR = 50;
    private static final String BOTH = "AB";

    private TsQueryText() {
    }

    /**
     * A translated search.
     *
     * @param tsquery the text for {@code to_tsquery('simple', ?)}; null when the search can match nothing (a raw
     *     phrase without a letter or digit, which FTS5 takes as matching no row)
     * @param terms the words a snippet marks: every token not under a NOT, lower case
     */
    public record Translated(String tsquery, List<Term> terms) {
    }

    /**
     * A word a snippet marks: the lower-case token, whether a longer word starting with it counts, and whether it
     * follows the term before it in one phrase (a snippet marks the words of one phrase as one span, as FTS5 does).
     */
    public record Term(String token, boolean prefix, boolean follows) {
    }

    /** The tsquery of a plain search (words, "phrases", prefix*), read as {@link MatchText#plain} reads it. */
    public static Translated plain(String text) {
        List<String> and = new ArrayList<>();
        List<Term> terms = new ArrayList<>();
        for (MatchText.Part p : MatchText.parts(text)) {
            List<String> tokens = tokens(p.phrase());
            and.add(phrase(tokens, p.prefix(), BOTH));
            addTerms(terms, tokens, p.prefix());
        }
        return new Translated(String.join(" & ", and), List.copyOf(terms));
    }

    /** The tsquery of a raw search (FTS5 syntax); throws {@link BadSearchException} for what cannot be read. */
    public static Translated raw(String text) {
        Parser p = new Parser(MatchText.checked(text));
        String q = p.or(BOTH, true);
        if (p.peek() != null) {
            throw p.error();
        }
        return new Translated(q, List.copyOf(p.terms));
    }

    /** The tokens of a text as the index makes them: runs of letters and digits. */
    public static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        for (int[] w : Snippet.words(s)) {
            out.add(s.substring(w[0], w[1]));
        }
        return out;
    }

    /** A lexeme of a tsquery: in single quotes, a quote doubled and a backslash escaped. */
    static String lexeme(String token) {
        return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * A phrase in the given columns ("A" tool, "B" body, "AB" either): null when it has no token. In both columns a
     * single word needs no weight, and a phrase is looked for in each column alone.
     */
    static String phrase(List<String> tokens, boolean prefix, String cols) {
        if (tokens.isEmpty()) {
            return null;
        }
        if (cols.equals(BOTH)) {
            if (tokens.size() == 1) {
                return weighted(tokens, prefix, "");
            }
            return "(" + weighted(tokens, prefix, "A") + " | " + weighted(tokens, prefix, "B") + ")";
        }
        return weighted(tokens, prefix, cols);
    }

    private static String weighted(List<String> tokens, boolean prefix, String weight) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            boolean star = prefix && i == tokens.size() - 1;
            String mark = (star ? "*" : "") + weight;
            out.add(lexeme(tokens.get(i)) + (mark.isEmpty() ? "" : ":" + mark));
        }
        return out.size() == 1 ? out.get(0) : "(" + String.join(" <-> ", out) + ")";
    }

    private static void addTerms(List<Term> terms, List<String> tokens, boolean prefix) {
        for (int i = 0; i < tokens.size(); i++) {
            terms.add(new Term(tokens.get(i).toLowerCase(Locale.ROOT), prefix && i == tokens.size() - 1, i > 0));
        }
    }

    /** One token of FTS5's query syntax. */
    private record Tok(char kind, String text) {
        /** kinds: 's' a "string", 'w' a bareword, or the punctuation character itself */
    }

    /**
     * FTS5's query grammar (sqlite.org/fts5.html, "Full-text Query Syntax"): OR below AND (or nothing between two
     * phrases) below NOT; a column filter or NEAR(...) or ( ... ) or a phrase of strings joined by +, with * for a
     * prefix. Null as a result: matches nothing.
     */
    private static final class Parser {
        private final List<Tok> toks = new ArrayList<>();
        private final List<Term> terms = new ArrayList<>();
        private int at;

        Parser(String s) {
            int i = 0;
            int n = s.length();
            while (i < n) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c) || Character.isISOControl(c) && c != 0x1A) {
                    i++;
                } else if (c == '"') {
                    StringBuilder sb = new StringBuilder();
                    int j = i + 1;
                    while (true) {
                        if (j >= n) {
                            throw new BadSearchException("not a valid FTS5 query: unterminated string");
                        }
                        if (s.charAt(j) == '"') {
                            if (j + 1 < n && s.charAt(j + 1) == '"') {
                                sb.append('"');
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        sb.append(s.charAt(j++));
                    }
                    toks.add(new Tok('s', sb.toString()));
                    i = j + 1;
                } else if (bareword(c)) {
                    int j = i;
                    while (j < n && bareword(s.charAt(j))) {
                        j++;
                    }
                    toks.add(new Tok('w', s.substring(i, j)));
                    i = j;
                } else if ("(){}:*+^,-".indexOf(c) >= 0) {
                    toks.add(new Tok(c, String.valueOf(c)));
                    i++;
                } else {
                    throw new BadSearchException("not a valid FTS5 query: fts5: syntax error near \"" + c + "\"");
                }
            }
        }

        /** FTS5's bareword characters: letters and digits, _, the substitute character, and all non-ASCII. */
        private static boolean bareword(char c) {
            return c >= 0x80 || Character.isLetterOrDigit(c) || c == '_' || c == 0x1A;
        }

        Tok peek() {
            return at < toks.size() ? toks.get(at) : null;
        }

        private boolean keyword(String k) {
            Tok t = peek();
            return t != null && t.kind() == 'w' && t.text().equals(k);
        }

        private boolean is(char kind) {
            Tok t = peek();
            return t != null && t.kind() == kind;
        }

        BadSearchException error() {
            Tok t = peek();
            String near = t == null ? "end of query" : "\"" + t.text() + "\"";
            return new BadSearchException("not a valid FTS5 query: fts5: syntax error near " + near);
        }

        private void expect(char kind) {
            if (!is(kind)) {
                throw error();
            }
            at++;
        }

        /** {@code positive}: the words count for the snippet (not under a NOT). */
        String or(String cols, boolean positive) {
            String left = and(cols, positive);
            while (keyword("OR")) {
                at++;
                String right = and(cols, positive);
                left = left == null ? right : right == null ? left : "(" + left + " | " + right + ")";
            }
            return left;
        }

        private String and(String cols, boolean positive) {
            String left = not(cols, positive);
            boolean nothing = left == null;
            while (true) {
                if (keyword("AND")) {
                    at++;
                } else if (!startsPrimary()) {
                    break;
                }
                String right = not(cols, positive);
                nothing |= right == null;
                left = nothing ? null : "(" + left + " & " + right + ")";
            }
            return nothing ? null : left;
        }

        private String not(String cols, boolean positive) {
            String left = primary(cols, positive);
            while (keyword("NOT")) {
                at++;
                String right = primary(cols, false);
                if (left != null && right != null) {
                    left = "(" + left + " & !" + right + ")";
                }
            }
            return left;
        }

        private boolean startsPrimary() {
            Tok t = peek();
            if (t == null) {
                return false;
            }
            if (t.kind() == 'w') {
                return !t.text().equals("AND") && !t.text().equals("OR") && !t.text().equals("NOT");
            }
            return "s({-^".indexOf(t.kind()) >= 0;
        }

        private String primary(String cols, boolean positive) {
            Tok t = peek();
            if (t == null) {
                throw error();
            }
            if (t.kind() == '(') {
                at++;
                String q = or(cols, positive);
                expect(')');
                return q;
            }
            if (t.kind() == 'w' && (t.text().equals("AND") || t.text().equals("OR") || t.text().equals("NOT"))) {
                throw error();
            }
            if (t.kind() == '^') {
                throw new BadSearchException("^ (a phrase at the start of a column) is not supported on PostgreSQL");
            }
            String filter = columnFilter();
            if (filter != null) {
                String inner = intersect(cols, filter);
                return primary(inner, positive);
            }
            if (keyword("NEAR") && at + 1 < toks.size() && toks.get(at + 1).kind() == '(') {
                at += 2;
                return near(cols, positive);
            }
            Phrase p = phrase();
            if (positive) {
                addTerms(terms, p.tokens, p.prefix);
            }
            return TsQueryText.phrase(p.tokens, p.prefix, cols);
        }

        /** A column filter ({@code tool:}, {@code {tool body}:}, {@code -body:}) if one starts here: its columns. */
        private String columnFilter() {
            int start = at;
            boolean minus = false;
            if (is('-')) {
                minus = true;
                at++;
            }
            List<String> names = new ArrayList<>();
            if (is('{')) {
                at++;
                while (is('w')) {
                    names.add(toks.get(at++).text());
                }
                expect('}');
            } else if (is('w') && at + 1 < toks.size() && toks.get(at + 1).kind() == ':') {
                names.add(toks.get(at++).text());
            } else if (minus) {
                at = start;
                throw error();
            } else {
                return null;
            }
            expect(':');
            StringBuilder cols = new StringBuilder();
            for (String name : names) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.equals("tool")) {
                    cols.append('A');
                } else if (lower.equals("body")) {
                    cols.append('B');
                } else {
                    throw new BadSearchException("not a valid FTS5 query: no such column: " + name);
                }
            }
            if (names.isEmpty()) {
                at = start;
                throw error();
            }
            String named = cols.indexOf("A") >= 0 ? cols.indexOf("B") >= 0 ? BOTH : "A" : "B";
            return minus ? intersect(BOTH, named.equals(BOTH) ? "" : named.equals("A") ? "B" : "A") : named;
        }

        private static String intersect(String outer, String inner) {
            StringBuilder sb = new StringBuilder();
            for (char c : BOTH.toCharArray()) {
                if (outer.indexOf(c) >= 0 && inner.indexOf(c) >= 0) {
                    sb.append(c);
                }
            }
            if (sb.length() == 0) {
                throw new BadSearchException("the column filters leave no column to search (tool: and body: "
                        + "exclude each other)");
            }
            return sb.toString();
        }

        private record Phrase(List<String> tokens, boolean prefix) {
        }

        /** Strings or barewords joined by +, then an optional *: one phrase. */
        private Phrase phrase() {
            List<String> tokens = new ArrayList<>();
            boolean prefix = false;
            while (true) {
                Tok t = peek();
                if (t == null || (t.kind() != 's' && t.kind() != 'w')) {
                    throw error();
                }
                at++;
                tokens.addAll(tokens(t.text()));
                if (is('*')) {
                    at++;
                    prefix = true;
                }
                if (!is('+')) {
                    break;
                }
                if (prefix) { // FTS5 allows * only at the end of a phrase
                    throw error();
                }
                at++;
            }
            return new Phrase(tokens, prefix && !tokens.isEmpty());
        }

        /** After {@code NEAR(}: phrases, an optional {@code , N}, then {@code )}. */
        private String near(String cols, boolean positive) {
            List<Phrase> phrases = new ArrayList<>();
            while (is('s') || is('w')) {
                phrases.add(phrase());
            }
            int n = 10;
            if (is(',')) {
                at++;
                Tok t = peek();
                if (t == null || t.kind() != 'w' || !t.text().matches("[0-9]{1,9}")) {
                    throw error();
                }
                n = Integer.parseInt(t.text());
                at++;
            }
            expect(')');
            if (phrases.isEmpty()) {
                throw error();
            }
            if (phrases.size() > 2) {
                throw new BadSearchException("NEAR of more than two phrases is not supported on PostgreSQL");
            }
            if (n > MAX_NEAR) {
                throw new BadSearchException("NEAR(..., " + n + ") is too far on PostgreSQL: at most " + MAX_NEAR);
            }
            if (positive) {
                for (Phrase p : phrases) {
                    addTerms(terms, p.tokens, p.prefix);
                }
            }
            if (phrases.stream().anyMatch(p -> p.tokens.isEmpty())) {
                return null;
            }
            if (phrases.size() == 1) {
                return TsQueryText.phrase(phrases.get(0).tokens, phrases.get(0).prefix, cols);
            }
            List<String> alternatives = new ArrayList<>();
            for (char col : cols.toCharArray()) { // every phrase of a NEAR in one column, as FTS5 wants it
                String w = String.valueOf(col);
                String a = weighted(phrases.get(0).tokens, phrases.get(0).prefix, w);
                String b = weighted(phrases.get(1).tokens, phrases.get(1).prefix, w);
                for (int d = 1; d <= n + 1; d++) { // N words at most between the two
                    alternatives.add(a + " <" + d + "> " + b);
                    alternatives.add(b + " <" + d + "> " + a);
                }
            }
            return "(" + String.join(" | ", alternatives) + ")";
        }
    }
}
