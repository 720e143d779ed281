package system;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Progress for people, on stderr: the six steps, details with {@code --verbose}, nothing but errors
 * with {@code --quiet}. Secrets are never printed: {@link #mask} shows that one is there, not what it is.
 *
 * <p>Everything that reaches the terminal goes through {@link #printable}, the one sanitiser: text
 * from a provider, a config file or the command line can never move the cursor, rewrite the title,
 * write the clipboard (ANSI and OSC escapes), reorder what is shown (bidi controls) or hide
 * characters (zero-width ones).
 */
public final class Log {

    /** No line of ours is longer; a provider's text within one is cut much shorter (300 by default). */
    public static final int MAX_LINE = 4096;

    private final PrintStream err;
    private final boolean verbose;
    private final boolean quiet;

    public Log(PrintStream err, boolean verbose, boolean quiet) {
        this.err = err;
        this.verbose = verbose;
        this.quiet = quiet;
    }

    public boolean verbose() {
        return verbose;
    }

    public void step(int number, String text) {
        info("Step " + number + ": " + text);
    }

    public void info(String text) {
        if (!quiet) {
            print(text);
        }
    }

    public void detail(String text) {
        if (verbose) {
            print("  " + text);
        }
    }

    /** The one line a failure gets; with --verbose, its stack trace follows (sanitised too). */
    public void error(String text, Throwable failure) {
        print("error: " + text);
        if (verbose && failure != null) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            trace.toString().lines().forEach(this::print);
        }
    }

    private void print(String line) {
        err.println(printable(line, MAX_LINE));
        err.flush();
    }

    /** {@link #printable(String, int)} with the usual limit for one value from outside: 300 characters. */
    public static String printable(String text) {
        return printable(text, 300);
    }

    /**
     * Text made safe for one terminal line: a tab becomes a space; every other control character
     * (C0, DEL and C1: ESC, CR, LF, BEL...), every format character (bidi overrides and isolates such as U+202E and U+2066,
     * zero-width ones such as U+200B, soft hyphens), line and paragraph separators, and lone
     * surrogates become '?'; and it is cut at {@code maxLength} characters.
     */
    public static String printable(String text, int maxLength) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder safe = new StringBuilder(Math.min(text.length(), maxLength + 3));
        int i = 0;
        while (i < text.length() && safe.length() < maxLength) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            safe.appendCodePoint(c == '\t' ? ' ' : isUnsafe(c) ? '?' : c);
        }
        return i < text.length() ? safe.append("...").toString() : safe.toString();
    }

    /**
     * JSON for the terminal: org.json already escapes controls and U+2000-U+20FF; this escapes the
     * rest of what {@link #printable} would remove (e.g. U+061C, U+FEFF) as JSON escapes, so the
     * document stays valid and means the same.
     */
    public static String printableJson(String json) {
        StringBuilder safe = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c != '\n' && isUnsafe(c)) {
                safe.append(String.format("\\u%04x", (int) c));
            } else {
                safe.append(c);
            }
        }
        return safe.toString();
    }

    private static boolean isUnsafe(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED;
    }

    /** What --verbose shows of a secret: that it is there, not what it is. */
    public static String mask(String secret) {
        return "(" + secret.length() + " characters, hidden)";
    }
}
