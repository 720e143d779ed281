package cli;

import java.io.OutputStream;
import java.io.PrintStream;
import system.IniFile;
import system.Log;

/**
 * The training run of the launcher's AOT cache (Java 25+; {@code ./jbang} sets
 * {@code -Docs.aot.training=true} on the first run after each build). An AOT cache holds the classes
 * its training run loaded, and that first run may have been {@code --help} or a cached token; so,
 * after its real work, it walks the other paths too, offline: the command line's here, the login's
 * in {@link login.Training}. Nothing is printed, and nothing is kept.
 */
final class AotTraining {

    private AotTraining() {
    }

    static void walkTheOtherPaths() {
        Log quiet = new Log(new PrintStream(OutputStream.nullOutputStream()), false, true);
        try (Cancellation cancellation = new Cancellation(quiet)) {
            Arguments.parse("--config", "config.ini", "--timeout", "5", "-o", "json", "--verbose");
            ConfigFiles.fromIni("training", IniFile.parse("training", java.util.List.of("[Configuration]",
                    "Resource = https://issuer.invalid", "TenantId = 0a1b2c3d-1234-5678-9abc-def012345678", "ClientId = c")),
                    Overrides.NONE);
            login.Training.walkTheOtherPaths(quiet);
        } catch (Exception | AssertionError e) {
            // training is best effort: whatever was loaded is in the cache
        }
    }
}
