package support;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Looks at this JVM's threads, for tests that check nothing is left running. */
public final class Threads {

    private Threads() {
    }

    /** Names of live threads that start with one of the prefixes. */
    public static List<String> named(String... prefixes) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> List.of(prefixes).stream().anyMatch(name::startsWith))
                .toList();
    }

    /** Polls {@code condition} until it holds or {@code limit} passes. */
    public static boolean await(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
