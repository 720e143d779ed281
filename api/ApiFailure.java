package api;

/** Why {@code ocs-login api} ended without the answer it wanted: said in one line; the command line gives each kind its exit code. */
public final class ApiFailure extends Exception {

    /**
     * A request that cannot be sent as asked ({@code USAGE}), no API configured ({@code NO_BASE}),
     * or an API that answered with an HTTP error or a redirect ({@code ANSWERED}).
     */
    public enum Kind { USAGE, NO_BASE, ANSWERED }

    private final Kind kind;

    public ApiFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
