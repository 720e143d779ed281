package system;

import login.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** The one sanitiser between text from outside and the user's terminal. */
class LogTest {

    @Test
    void escapesAndControlCharactersBecomeQuestionMarks() {
        assertEquals("x?[2J?]0;pwned???fake", Log.printable("x\u001b[2J\u001b]0;pwned\u0007\r\nfake"));
        assertEquals("?52;c;aGk=?", Log.printable("\u009d52;c;aGk=\u009c"), "C1 controls: OSC and ST");
        assertEquals("a?b", Log.printable("a\u007fb"), "DEL");
    }

    @Test
    void bidiAndZeroWidthFormatCharactersBecomeQuestionMarks() {
        assertEquals("admin?txt.exe", Log.printable("admin\u202etxt.exe"));
        assertEquals("a?b?c?d?e", Log.printable("a\u2066b\u200bc\ufeffd\u061ce"));
        assertEquals("a?b?c", Log.printable("a\u2028b\u2029c"), "line and paragraph separators");
    }

    @Test
    void ordinaryTextIncludingOtherScriptsAndEmojiStays() {
        String text = "Jürgen 東京 \ud83d\ude00 - ok";
        assertEquals(text, Log.printable(text));
        assertEquals("a b", Log.printable("a\tb"), "a tab is a space");
        assertEquals("?", Log.printable("\ud83d"), "a lone surrogate");
    }

    @Test
    void lengthIsCapped() {
        assertEquals("a".repeat(300) + "...", Log.printable("a".repeat(10_000)));
        assertEquals("abc...", Log.printable("abcdef", 3));
        assertEquals("abc", Log.printable("abc", 3));
        assertEquals("(none)", Log.printable(null));
    }

    @Test
    void jsonForTheTerminalEscapesWhatWouldBeUnsafeAndMeansTheSame() {
        JSONObject original = new JSONObject().put("sub", "a\u061cb\ufeffc\u202ed\u001be").put("ok", "Jürgen \ud83d\ude00");
        String printed = Log.printableJson(original.toString(2));
        for (char c : new char[] {'\u061c', '\ufeff', '\u202e', '\u001b'}) {
            assertFalse(printed.indexOf(c) >= 0, "U+" + Integer.toHexString(c) + " is escaped: " + printed);
        }
        assertEquals(original.toMap(), new JSONObject(printed).toMap());
    }

    @Test
    void everyLineOfTheLogIsSanitisedWhateverBuiltIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, false);
        log.info("expires in \u001b]52;c;ZXZpbA==\u0007 s");
        log.detail("sub \u202eevil");
        log.error("bad \u001b[31mred", new IllegalStateException("trace \u001b[2J"));
        String err = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(err.contains("\u001b") || err.contains("\u202e") || err.contains("\u0007"), err);
        assertTrue(err.contains("error: bad ?[31mred"), err);
    }

    @Test
    void quietShowsErrorsOnly() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, true);
        log.step(1, "progress");
        log.info("more progress");
        log.error("the failure", null);
        assertEquals("error: the failure" + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
    }
}
