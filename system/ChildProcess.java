/** Every program this tool starts (a browser, Maven, Keycloak) gets an environment without the tool's secrets. */
final class ChildProcess {

    /** The environment variables that are the tool's alone: the client secret of --client-credentials. */
    static final java.util.List<String> SECRET_VARIABLES = java.util.List.of("OCS_LOGIN_CLIENT_SECRET");

    private ChildProcess() {
    }

    static ProcessBuilder withoutSecrets(ProcessBuilder builder) {
        SECRET_VARIABLES.forEach(builder.environment()::remove);
        return builder;
    }
}
