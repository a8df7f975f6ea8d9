package io.taclog.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** A plain search becomes FTS5 strings only: what was typed is searched as text, never read as syntax. */
class MatchTextTest {

    /** One or more FTS5 strings ("..." with "" inside), each maybe followed by the prefix star. */
    private static final Pattern ONLY_STRINGS = Pattern.compile("\"(?:[^\"]|\"\")*\"(?: \\*)?(?: \"(?:[^\"]|\"\")*\"(?: \\*)?)*");

    @Test
    void everyWordBecomesAQuotedString() {
        assertEquals("\"connection\" \"refused\"", MatchText.plain("connection refused"));
        assertEquals("\"connection\" \"refused\"", MatchText.plain("  connection\t\nrefused  "));
    }

    @Test
    void ftsSyntaxCharactersAndKeywordsAreText() {
        assertEquals("\"foo-bar\"", MatchText.plain("foo-bar"));
        assertEquals("\"tool:Bash\"", MatchText.plain("tool:Bash"));
        assertEquals("\"NEAR(a\" \"b)\"", MatchText.plain("NEAR(a b)"));
        assertEquals("\"a\" \"AND\" \"b\" \"OR\" \"NOT\" \"c\"", MatchText.plain("a AND b OR NOT c"));
        assertEquals("\"^start\" \"+x\" \"{col}\"", MatchText.plain("^start +x {col}"));
    }

    @Test
    void aQuotedPartIsOnePhraseAndALoneQuoteIsText() {
        assertEquals("\"exit code 1\" \"failed\"", MatchText.plain("\"exit code 1\" failed"));
        assertEquals("\"say\"\"hi\"", MatchText.plain("say\"hi"), "a quote inside a word is doubled");
        assertEquals("\"\"\"unclosed\" \"phrase\"", MatchText.plain("\"unclosed phrase"), "an unmatched quote is text");
    }

    @Test
    void aTrailingStarIsAPrefixAndALoneStarIsNothing() {
        assertEquals("\"render\" *", MatchText.plain("render*"));
        assertEquals("\"a*b\"", MatchText.plain("a*b"));
        assertEquals("\"x\"", MatchText.plain("x *"));
    }

    @Test
    void wordsWithoutLettersOrDigitsAreLeftOutAndNothingLeftIsABadSearch() {
        assertEquals("\"rm\"", MatchText.plain("rm --- -- :"));
        BadSearchException e = assertThrows(BadSearchException.class, () -> MatchText.plain("--- ** \"\" ()"));
        assertTrue(e.getMessage().contains("no letters or digits"), e.getMessage());
        assertThrows(BadSearchException.class, () -> MatchText.plain("   "));
        assertThrows(BadSearchException.class, () -> MatchText.plain(""));
        assertThrows(BadSearchException.class, () -> MatchText.plain(null));
    }

    @Test
    void controlCharactersSeparateWordsInsteadOfEndingTheString() {
        assertEquals("\"a\" \"b\"", MatchText.plain("a\u0000b"), "FTS5 would stop at a NUL and fail");
        assertEquals("\"a b\"", MatchText.plain("\"a\u0000b\""));
        assertEquals("\"x\" \"[0my\"", MatchText.plain("x\u001b[0my"), "ESC ends a word");
    }

    @Test
    void lettersOfEveryScriptCount() {
        assertEquals("\"café\" \"日本語\"", MatchText.plain("café 日本語"));
    }

    @Test
    void tooLongIsABadSearch() {
        assertEquals(MatchText.MAX_CHARS, MatchText.plain("a".repeat(MatchText.MAX_CHARS)).length() - 2);
        assertThrows(BadSearchException.class, () -> MatchText.plain("a".repeat(MatchText.MAX_CHARS + 1)));
        assertThrows(BadSearchException.class, () -> MatchText.raw("a".repeat(MatchText.MAX_CHARS + 1)));
    }

    @Test
    void rawTextIsPassedAsTyped() {
        assertEquals("tool:Bash AND \"rm -rf\"", MatchText.raw("tool:Bash AND \"rm -rf\""));
    }

    @Property(tries = 500)
    void anyTextBecomesStringsOnlyOrABadSearch(@ForAll @StringLength(max = 60) String text) {
        String match;
        try {
            match = MatchText.plain(text);
        } catch (BadSearchException e) {
            return; // nothing to look for: a clear message, not an error of the database
        }
        assertTrue(ONLY_STRINGS.matcher(match).matches(), () -> "not only FTS5 strings: " + match);
        assertTrue(match.chars().noneMatch(Character::isISOControl), () -> "a control character survived: " + match);
    }
}
