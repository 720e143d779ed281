package cli;

import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import system.Log;

/**
 * What a signal (Ctrl-C's SIGINT, SIGTERM, SIGHUP) does to a run in progress: one line saying that
 * the login was cancelled, and the clean-up that would otherwise be skipped (the browser's launch
 * page, the demo's Keycloak). The JVM then exits with 128 + the signal's number, as shells expect.
 */
final class Cancellation implements AutoCloseable {

    private final Log log;
    private final Deque<AutoCloseable> cleanUps = new ConcurrentLinkedDeque<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Thread hook = new Thread(this::cancel, "cancellation");

    Cancellation(Log log) {
        this.log = log;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** {@code resource} is closed if the run is cancelled (the run closes it itself otherwise). */
    <T extends AutoCloseable> T closeIfCancelled(T resource) {
        cleanUps.push(resource);
        return resource;
    }

    private void cancel() {
        if (ended.compareAndSet(false, true)) {
            log.error("the login was cancelled: the process was asked to stop before it ended", null);
            for (AutoCloseable resource : cleanUps) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // the process is ending; the next resource still gets its turn
                }
            }
        }
    }

    /** The run ended by itself: no line, and no hook any more. */
    @Override
    public void close() {
        if (ended.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting
            }
        }
    }
}
