import java.time.Duration;

/**
 * The time limits of one run.
 *
 * @param callbackTimeout how long the sign-in may take (--timeout, default 300 s)
 * @param connectTimeout  the connect timeout of each call to the provider (--connect-timeout, default 10 s)
 * @param readTimeout     the limit for each whole answer of the provider (--read-timeout, default 30 s)
 */
record Limits(Duration callbackTimeout, Duration connectTimeout, Duration readTimeout) {
}
