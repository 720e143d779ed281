import java.io.PrintStream;

/**
 * Progress for people, on stderr: the six steps, details with {@code --verbose}, nothing but errors
 * with {@code --quiet}. Secrets are never printed: {@link #mask} shows that one is there, not what it is.
 */
public final class Log {

    private final PrintStream err;
    private final boolean verbose;
    private final boolean quiet;

    public Log(PrintStream err, boolean verbose, boolean quiet) {
        this.err = err;
        this.verbose = verbose;
        this.quiet = quiet;
    }

    boolean verbose() {
        return verbose;
    }

    void step(int number, String text) {
        info("Step " + number + ": " + text);
    }

    void info(String text) {
        if (!quiet) {
            print(text);
        }
    }

    void detail(String text) {
        if (verbose) {
            print("  " + text);
        }
    }

    /** The one line a failure gets; with --verbose, its stack trace follows. */
    void error(String text, Throwable failure) {
        print("error: " + text);
        if (verbose && failure != null) {
            failure.printStackTrace(err);
        }
    }

    private void print(String line) {
        err.println(line);
        err.flush();
    }

    /** What --verbose shows of a secret: that it is there, not what it is. */
    static String mask(String secret) {
        return "(" + secret.length() + " characters, hidden)";
    }
}
