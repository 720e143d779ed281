package system;

import java.io.Console;

/** Whether a person is at this process's terminal: its standard input and output are one. */
public final class Terminal {

    private Terminal() {
    }

    /** The console, when there is a terminal (Java 22 and later give a Console for redirected streams too; isTerminal() tells them apart). */
    public static java.util.Optional<Console> console() {
        Console console = System.console();
        if (console == null) {
            return java.util.Optional.empty();
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console) ? java.util.Optional.of(console) : java.util.Optional.empty();
        } catch (ReflectiveOperationException olderJava) {
            return java.util.Optional.of(console); // before Java 22, there is a Console only for a terminal
        }
    }
}
