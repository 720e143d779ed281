package cli;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import login.LoginException;
import system.ChildProcess;
import system.Log;

/**
 * {@code ocs-login exec -- COMMAND [ARGS...]}: runs the command with the access token in the
 * environment variable {@value #VARIABLE}, which only this user can read (a process's environment
 * is private; its arguments are not), and ends with the command's exit code. Ctrl-C reaches the
 * command from the terminal; a SIGTERM or SIGHUP sent to this process is passed to it.
 */
final class Exec {

    /** Where the command finds the access token. */
    static final String VARIABLE = "OCS_ACCESS_TOKEN";

    private Exec() {
    }

    /** Runs {@code command} to its end; its exit code (128 + the signal's number when a signal ended it). */
    static int run(List<String> command, String accessToken, Log log) throws LoginException {
        ProcessBuilder builder = ChildProcess.withoutSecrets(new ProcessBuilder(command)).inheritIO();
        builder.environment().put(VARIABLE, accessToken);
        AtomicReference<Process> started = new AtomicReference<>();
        AtomicReference<String> pending = new AtomicReference<>();
        // Before the command starts, so that no signal finds this process without them; one that comes first is passed on after
        handle("INT", () -> { }); // Ctrl-C reaches the command from the terminal itself: it decides, and this waits
        for (String name : List.of("TERM", "HUP")) {
            handle(name, () -> {
                if (started.get() == null) {
                    pending.set(name);
                } else {
                    pass(name, started.get());
                }
            });
        }
        Process child;
        try {
            child = builder.start();
            started.set(child);
            if (pending.get() != null) {
                pass(pending.get(), child);
            }
        } catch (IOException e) {
            throw new LoginException(LoginException.Exit.USAGE, "exec could not start " + Log.printable(command.get(0), 120) + ": "
                    + Log.printable(e.getMessage(), 200));
        }
        log.detail("Running " + Log.printable(command.get(0), 120) + " (process " + child.pid() + ") with the token in $" + VARIABLE);
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                // keep waiting: the command decides when it ends
            }
        }
    }

    /**
     * Runs {@code action} when this process gets the signal {@code name}, instead of ending: through
     * {@code sun.misc.Signal} (the JDK's jdk.unsupported module), reached by reflection so that no
     * build warns of it. Where the signal does not exist (Windows has no SIGHUP), nothing.
     */
    private static void handle(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object proxy = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
                    (self, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(self);
                        case "equals" -> self == args[0];
                        default -> "the handler of SIG" + name;
                    });
            signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance(name), proxy);
        } catch (ReflectiveOperationException | IllegalArgumentException | LinkageError notHere) {
            // the signal keeps its default
        }
    }

    /** Sends the signal {@code name} to {@code child}, by kill(1): Java sends only SIGTERM and SIGKILL itself. */
    private static void pass(String name, Process child) {
        try {
            new ProcessBuilder("kill", "-s", name, String.valueOf(child.pid())).inheritIO().start();
        } catch (IOException e) {
            child.destroy(); // SIGTERM, at least
        }
    }
}
