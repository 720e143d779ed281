package login;

/**
 * The provider's endpoints and documents this client talks to, as messages name them, and what a
 * refusal of each means for the login: its exit code.
 */
enum Endpoint {
    DISCOVERY("discovery document", LoginException.Exit.PROVIDER_INVALID),
    KEY_SET("key set (jwks_uri)", LoginException.Exit.PROVIDER_INVALID),
    PUSHED_AUTHORIZATION_REQUEST("pushed authorization request endpoint", LoginException.Exit.AUTHORIZATION_FAILED),
    DEVICE_AUTHORIZATION("device authorization endpoint", LoginException.Exit.AUTHORIZATION_FAILED),
    TOKEN("token endpoint", LoginException.Exit.TOKEN_REJECTED),
    REVOCATION("revocation endpoint", LoginException.Exit.AUTHORIZATION_FAILED);

    /** How messages name it: "the token endpoint". */
    final String what;
    /** The exit code when it refuses a request (RFC 6749 §5.2's error, or another 4xx). */
    final LoginException.Exit refusal;

    Endpoint(String what, LoginException.Exit refusal) {
        this.what = what;
        this.refusal = refusal;
    }

    @Override
    public String toString() {
        return what;
    }
}
