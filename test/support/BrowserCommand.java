package support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A $BROWSER for runs of the command line as a process: it writes the address it was given (the
 * private launch page) and its own environment into files named after the run, and keeps running, as
 * a browser does; Chromium then signs in at that page.
 */
public final class BrowserCommand {

    private final Path folder;
    private final Path script;

    public BrowserCommand(Path folder) throws IOException {
        this.folder = folder;
        this.script = Files.writeString(folder.resolve("browser.sh"),
                "#!/bin/sh\nenv > \"$1.env\"\nprintf '%s\\n' \"$2\" > \"$1.url\"\nexec sleep 60\n");
        script.toFile().setExecutable(true);
    }

    /** The environment of the run {@code name}: its $BROWSER. */
    public Map<String, String> environment(String name) {
        return Map.of("BROWSER", script + " " + folder.resolve(name) + " %s");
    }

    /** Whether the run {@code name} opened the browser. */
    public boolean opened(String name) {
        return Files.exists(folder.resolve(name + ".url"));
    }

    /** The environment the browser of run {@code name} got. */
    public String environmentOf(String name) throws IOException {
        return Files.readString(folder.resolve(name + ".env"));
    }

    /** Signs in, in Chromium, at the launch page the run {@code name} gave its browser. */
    public void signInAtKeycloak(String name) throws Exception {
        Path opened = folder.resolve(name + ".url");
        if (!Threads.await(() -> opened.toFile().length() > 0, Duration.ofSeconds(60))) {
            throw new AssertionError("the browser command of " + name + " did not run");
        }
        try (Chromium chromium = Chromium.start()) {
            chromium.driver.get(Files.readString(opened).strip());
            SignIn.KEYCLOAK.signIn(chromium.driver, TestKeycloak.username(), TestKeycloak.password());
            SignIn.awaitCallbackPage(chromium.driver, "http://localhost:5004/callback.html");
        }
    }
}
