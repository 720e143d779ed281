package api;

/** Why {@code ocs-login api} ended without the answer it wanted: said in one line; the command line gives each kind its exit code. */
public final class ApiFailure extends Exception {

    /**
     * A request that cannot be sent as asked ({@code USAGE}), or no API configured ({@code NO_BASE}).
     * (An API's HTTP error is an answer, not a failure: {@link ApiCall.Result}.)
     */
    public enum Kind { USAGE, NO_BASE }

    private final Kind kind;

    public ApiFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
