package system;

/**
 * Why a call to a server gave no answer that may be used, in one line a person can act on (made by
 * {@link HttpFailures}). Its kind says whose the fault is; the login turns it into an exit code.
 */
public final class HttpFailure extends Exception {

    /** Whose fault, and so which exit code: the machine's settings, the network, the certificate, the answer, or a signal. */
    public enum Kind {
        /** A setting of the machine cannot be used: a proxy variable, a CA file. */
        SETTING,
        /** The server could not be reached, or gave no complete answer in time. */
        UNREACHABLE,
        /** Its TLS certificate is not trusted, or names another host. */
        UNTRUSTED,
        /** It answered with what no caller may use: a redirect, more than 1 MiB, not the JSON object asked for. */
        INVALID_ANSWER,
        /** The wait was interrupted (the run is being cancelled). */
        INTERRUPTED
    }

    private final Kind kind;

    HttpFailure(Kind kind, String message) {
        this(kind, message, null);
    }

    HttpFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
