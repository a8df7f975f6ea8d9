package io.taclog.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The search syntax as PostgreSQL's tsquery: every operator, the escaping, and what is refused. */
class TsQueryTextTest {

    private static String plain(String text) {
        return TsQueryText.plain(text).tsquery();
    }

    private static String raw(String text) {
        return TsQueryText.raw(text).tsquery();
    }

    private static void bad(String text, String message) {
        BadSearchException e = assertThrows(BadSearchException.class, () -> TsQueryText.raw(text), text);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void plainWordsAreAllRequiredAndPunctuationMakesAPhraseInOneColumn() {
        assertEquals("'connection' & 'refused'", plain("connection refused"));
        assertEquals("(('render':A <-> 'report':A) | ('render':B <-> 'report':B))", plain("render_report"));
        assertEquals("(('exit':A <-> 'code':A <-> '1':A) | ('exit':B <-> 'code':B <-> '1':B))",
                plain("\"exit code 1\""));
        assertEquals("'render':*", plain("render*"));
        assertEquals("(('foo':A <-> 'ba':*A) | ('foo':B <-> 'ba':*B))", plain("foo-ba*"));
    }

    @Test
    void plainSyntaxIsText() {
        assertEquals("'AND' & 'OR' & 'NOT'", plain("AND OR NOT"));
        assertEquals("(('tool':A <-> 'Bash':A) | ('tool':B <-> 'Bash':B))", plain("tool:Bash"));
        assertEquals("(('NEAR':A <-> 'a':A) | ('NEAR':B <-> 'a':B))", plain("NEAR(a"));
    }

    @Test
    void hostileTextIsOnlyWordsNeverQuotesOrOperators() {
        String q = plain("'; DROP TABLE conversations; --");
        assertEquals("'DROP' & 'TABLE' & 'conversations'", q);
        assertEquals("(('it':A <-> 's':A) | ('it':B <-> 's':B)) & (('a':A <-> 'b':A) | ('a':B <-> 'b':B))",
                plain("it's a\\b"));
        assertEquals("'x' & 'y':*", plain("x!|&<-> y:*"));
        assertEquals("'café' & '日本語'", plain("café 日本語"));
        // only letters and digits ever reach a lexeme; the quoting is there all the same
        assertEquals("'it''s'", TsQueryText.lexeme("it's"));
        assertEquals("'a\\\\b'", TsQueryText.lexeme("a\\b"));
    }

    @Test
    void plainRefusesWhatHasNothingToFind() {
        assertThrows(BadSearchException.class, () -> TsQueryText.plain("--- ** ''"));
        assertThrows(BadSearchException.class, () -> TsQueryText.plain(" "));
        assertThrows(BadSearchException.class, () -> TsQueryText.plain("x".repeat(MatchText.MAX_CHARS + 1)));
    }

    @Test
    void rawOperators() {
        assertEquals("('a' & 'b')", raw("a AND b"));
        assertEquals("('a' & 'b')", raw("a b"));
        assertEquals("('a' | 'b')", raw("a OR b"));
        assertEquals("('a' & !'b')", raw("a NOT b"));
        assertEquals("(('a' & !'b') & 'c')", raw("a NOT b c"), "NOT binds tighter than AND");
        assertEquals("('a' | ('b' & 'c'))", raw("a OR b AND c"), "AND binds tighter than OR");
        assertEquals("(('a' | 'b') & 'c')", raw("(a OR b) AND c"));
        assertEquals("'pref':*", raw("pref*"));
        assertEquals("(('rm':A <-> 'rf':A) | ('rm':B <-> 'rf':B))", raw("\"rm -rf\""));
        assertEquals("(('a':A <-> 'b':A) | ('a':B <-> 'b':B))", raw("a + b"));
        assertEquals("(('say':A <-> 'hi':*A) | ('say':B <-> 'hi':*B))", raw("\"say hi\"*"));
        assertEquals("'and'", raw("and"), "keywords are upper case only");
        assertEquals("(('a':A <-> 'b':A) | ('a':B <-> 'b':B))", raw("\"a\"\"b\""), "a doubled quote in a string");
    }

    @Test
    void rawColumnFiltersAreWeights() {
        assertEquals("('bash':A & ('rm':B <-> 'rf':B))", raw("tool:bash AND body:\"rm -rf\""));
        assertEquals("('x':A | 'y':A)", raw("tool:(x OR y)"));
        assertEquals("'x'", raw("{tool body}:x"));
        assertEquals("'x':B", raw("-tool:x"));
        assertEquals("'x':*B", raw("BODY:x*"));
        bad("nope:x", "no such column: nope");
        bad("tool:body:x", "no column");
    }

    @Test
    void rawNearOfTwoPhrasesIsEveryDistanceInBothOrders() {
        assertEquals("('a':A <1> 'b':A | 'b':A <1> 'a':A | 'a':A <2> 'b':A | 'b':A <2> 'a':A | "
                + "'a':B <1> 'b':B | 'b':B <1> 'a':B | 'a':B <2> 'b':B | 'b':B <2> 'a':B)", raw("NEAR(a b, 1)"));
        assertEquals("'a'", raw("NEAR(a)"));
        assertEquals(2 * 2 * 11, raw("NEAR(a b)").split("\\|").length, "N is 10 by default");
        assertEquals("'NEAR'", raw("NEAR"), "NEAR is a word unless a ( follows");
        bad("NEAR(a b c)", "more than two phrases");
        bad("NEAR(a b, 51)", "at most " + TsQueryText.MAX_NEAR);
        bad("NEAR(a b, x)", "syntax error");
        bad("NEAR()", "syntax error");
    }

    @Test
    void rawSyntaxErrorsAreRefusedAsOnSqlite() {
        bad("a AND", "syntax error near end of query");
        bad("OR a", "syntax error near \"OR\"");
        bad("NOT a", "syntax error near \"NOT\"");
        bad("(a OR b", "syntax error near end of query");
        bad("a)", "syntax error near \")\"");
        bad("\"unfinished", "unterminated string");
        bad("foo-bar", "syntax error near \"-\"");
        bad("'; DROP TABLE conversations; --", "syntax error near \"'\"");
        bad("a* + b", "syntax error");
        bad("^start", "not supported on PostgreSQL");
        assertThrows(BadSearchException.class, () -> TsQueryText.raw(""));
    }

    @Test
    void aRawPhraseWithoutAWordMatchesNothingAsInFts5() {
        assertNull(raw("\"---\""));
        assertNull(raw("a \"---\""), "AND with nothing is nothing");
        assertEquals("'a'", raw("a OR \"---\""), "OR with nothing is the other side");
        assertEquals("'a'", raw("a NOT \"---\""));
    }

    @Test
    void snippetTermsLeaveOutWhatIsUnderANot() {
        List<TsQueryText.Term> terms = TsQueryText.raw("alpha NOT beta OR \"Gamma delta\"*").terms();
        assertEquals(List.of(new TsQueryText.Term("alpha", false, false), new TsQueryText.Term("gamma", false, false),
                new TsQueryText.Term("delta", true, true)), terms);
    }

    @Test
    void snippetMarksMatchesAndPhrasesAsOneSpanAndCutsLongText() {
        List<TsQueryText.Term> terms = TsQueryText.plain("render_report foo*").terms();
        assertEquals("call «render_report» on «foobar».", Snippet.of("call render_report on foobar.", terms, "«", "»",
                24));
        String longText = "word ".repeat(100) + "the foo is here " + "tail ".repeat(100);
        String s = Snippet.of(longText, terms, "[", "]", 24);
        assertTrue(s.startsWith("…") && s.endsWith("…") && s.contains("the [foo] is here"), s);
        assertEquals(24, s.replace("…", "").trim().split("\\s+").length, s);
        assertEquals(null, Snippet.of(null, terms, "[", "]", 24));
    }
}
