package system;

/**
 * Every program this tool starts (a browser, Maven, Keycloak) gets an environment without the tool's
 * secrets: every {@code OCS_LOGIN_*} variable whose name ends in {@code _SECRET} (the client secret
 * of a confidential client) is removed.
 */
public final class ChildProcess {

    private ChildProcess() {
    }

    public static ProcessBuilder withoutSecrets(ProcessBuilder builder) {
        builder.environment().keySet().removeIf(ChildProcess::holdsASecret);
        return builder;
    }

    /** Whether the variable {@code name} is one of the tool's secrets. */
    public static boolean holdsASecret(String name) {
        return name.startsWith("OCS_LOGIN_") && name.endsWith("_SECRET");
    }
}
