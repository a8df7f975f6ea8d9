package io.taclog.search;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A snippet made in Java the way FTS5's {@code snippet()} makes one (for PostgreSQL, whose {@code ts_headline} reads
 * words differently from the index of schema v21): a window of about {@code tokens} words of the text, the one with
 * the most different searched words (then the most of them), matched words between the marks, "…" where text was
 * cut. Words are the index's: runs of letters and digits, compared in lower case.
 */
public final class Snippet {

    private Snippet() {
    }

    /** How many searched words a text holds (any occurrence), to pick the column a snippet is made from. */
    public static int matches(String text, List<TsQueryText.Term> terms) {
        if (text == null) {
            return 0;
        }
        int n = 0;
        for (int[] w : words(text)) {
            if (match(text.substring(w[0], w[1]), terms) >= 0) {
                n++;
            }
        }
        return n;
    }

    /** The snippet of {@code text}; null for null. */
    public static String of(String text, List<TsQueryText.Term> terms, String open, String close, int tokens) {
        if (text == null) {
            return null;
        }
        List<int[]> words = words(text);
        int[] term = new int[words.size()];
        for (int i = 0; i < words.size(); i++) {
            term[i] = match(text.substring(words.get(i)[0], words.get(i)[1]), terms);
        }
        int start = 0;
        if (words.size() > tokens) {
            int bestDistinct = -1;
            int bestCount = -1;
            for (int s = 0; s < words.size(); s++) {
                if (term[s] < 0) {
                    continue; // windows start on a matched word (then move back for context)
                }
                Set<Integer> distinct = new HashSet<>();
                int count = 0;
                for (int i = s; i < Math.min(words.size(), s + tokens); i++) {
                    if (term[i] >= 0) {
                        distinct.add(term[i]);
                        count++;
                    }
                }
                if (distinct.size() > bestDistinct || distinct.size() == bestDistinct && count > bestCount) {
                    bestDistinct = distinct.size();
                    bestCount = count;
                    start = s;
                }
            }
            // a few words of context before the first match, and a whole window near the end of the text
            start = Math.max(0, Math.min(start - tokens / 4, words.size() - tokens));
        }
        int end = Math.min(words.size(), start + tokens);
        StringBuilder sb = new StringBuilder();
        int from = start == 0 ? 0 : words.get(start)[0];
        if (start > 0) {
            sb.append('…');
        }
        int to = end == words.size() ? text.length() : words.get(end - 1)[1];
        int pos = from;
        for (int i = start; i < end; i++) {
            int[] w = words.get(i);
            if (term[i] >= 0) {
                int last = i; // the words of one phrase, one after the other: one span
                while (last + 1 < end && continues(text.substring(words.get(last + 1)[0], words.get(last + 1)[1]),
                        text.substring(words.get(last)[0], words.get(last)[1]), terms)) {
                    last++;
                }
                sb.append(text, pos, w[0]).append(open).append(text, w[0], words.get(last)[1]).append(close);
                pos = words.get(last)[1];
                i = last;
            }
        }
        sb.append(text, pos, to);
        if (end < words.size()) {
            sb.append('…');
        }
        return sb.toString();
    }

    /** Whether {@code word} is the next word of a phrase whose previous word {@code before} is. */
    private static boolean continues(String word, String before, List<TsQueryText.Term> terms) {
        for (int k = 0; k + 1 < terms.size(); k++) {
            if (terms.get(k + 1).follows() && matches(before, terms.get(k)) && matches(word, terms.get(k + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String word, TsQueryText.Term t) {
        String lower = word.toLowerCase(Locale.ROOT);
        return t.prefix() ? lower.startsWith(t.token()) : lower.equals(t.token());
    }

    /** The index of the term a word matches, or -1. */
    private static int match(String word, List<TsQueryText.Term> terms) {
        String lower = word.toLowerCase(Locale.ROOT);
        for (int i = 0; i < terms.size(); i++) {
            TsQueryText.Term t = terms.get(i);
            if (t.prefix() ? lower.startsWith(t.token()) : lower.equals(t.token())) {
                return i;
            }
        }
        return -1;
    }

    /** Start and end of each word: runs of letters and digits (the words the index is searched by, too). */
    static List<int[]> words(String s) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            int cp = s.codePointAt(i);
            if (!Character.isLetterOrDigit(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < n && Character.isLetterOrDigit(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            out.add(new int[] {start, i});
        }
        return out;
    }
}
