package login;

import java.time.Duration;

/**
 * The time limits of one run.
 *
 * @param callbackTimeout how long the run may wait for the sign-in, a wait for another run's lock included (--timeout, default 300 s)
 * @param connectTimeout  the connect timeout of each call to the provider (--connect-timeout, default 10 s)
 * @param readTimeout     the limit for each whole answer of the provider (--read-timeout, default 30 s)
 */
public record Limits(Duration callbackTimeout, Duration connectTimeout, Duration readTimeout) {

    /** The defaults, which --help names: the one owner of each. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    /** These limits, with what is left of {@link #callbackTimeout} after the time since {@code startedNanos} (at least a second). */
    public Limits after(long startedNanos) {
        Duration left = callbackTimeout.minusNanos(System.nanoTime() - startedNanos);
        return new Limits(left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left, connectTimeout, readTimeout);
    }
}
