package system;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Step 3's hook: whatever shows the authorization URL to the user. The command line opens the
 * user's browser; the tests put Selenium here, as the seed's test injected its own browser script.
 * Closing it says that the login has ended.
 */
@FunctionalInterface
public interface Browser extends AutoCloseable {

    /** Shows {@code authorizationUrl} to the user; throws when that is known to have failed. */
    void open(URI authorizationUrl) throws Exception;

    /** The login has ended: what was prepared for it can go. */
    @Override
    default void close() {
    }

    /** Opens nothing: for {@code --no-browser}, where the user opens the printed URL. */
    Browser NONE = url -> {
    };

    /** The user's browser, as {@link SystemBrowser} finds it. */
    public static Browser system() {
        return new SystemBrowser(System.getenv());
    }

    /**
     * {@code $BROWSER} when set (a command, given the URL as its argument, or in place of {@code %s}),
     * else {@code xdg-open} (Linux, with a display), {@code open} (macOS) or the URL handler of Windows.
     *
     * <p>It never gets the authorization URL itself: every local user can read any process's command
     * line (on Linux, {@code /proc/PID/cmdline}), and with this login's {@code state} and
     * {@code code_challenge} another user could sign in with their own account and hand us their code
     * (login CSRF). The browser gets a launch page instead: a file only this user can read, in a
     * folder only this user can enter, which forwards to the URL and is deleted when the login ends.
     */
    public final class SystemBrowser implements Browser {
        /** How long a launcher (xdg-open, open) gets to report failure; a browser itself keeps running and is not waited for. */
        private static final long LAUNCHER_WAIT_MILLIS = 2000;

        private final Map<String, String> environment;
        private PrivateFolder launchFolder;
        private Path launchPage;

        public SystemBrowser(Map<String, String> environment) {
            this.environment = environment;
        }

        @Override
        public void open(URI authorizationUrl) throws Exception {
            List<String> launcher = launcher();
            launchPage = writeLaunchPage(authorizationUrl);
            List<String> command = new ArrayList<>(launcher);
            command.replaceAll(word -> word.replace("%s", launchPage.toUri().toString()));
            start(command);
        }

        /** Deletes the launch page: the browser has loaded it long ago, or the login is over anyway. */
        @Override
        public void close() {
            if (launchFolder != null) {
                try {
                    launchFolder.delete(launchPage.getFileName().toString());
                } catch (IOException e) {
                    // it is in a private folder, and its state is spent once the login has ended
                }
                launchFolder.close();
                launchFolder = null;
            }
        }

        /** The command, with %s where the page's URL goes; or why there is no browser to open. */
        private List<String> launcher() throws IOException {
            String browser = environment.get("BROWSER");
            if (browser != null && !browser.isBlank()) {
                List<String> words = new ArrayList<>(List.of(browser.strip().split("\\s+")));
                if (words.stream().noneMatch(word -> word.contains("%s"))) {
                    words.add("%s");
                }
                return words;
            }
            String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
            if (os.contains("mac")) {
                return List.of("open", "%s");
            }
            if (os.contains("win")) {
                return List.of("rundll32", "url.dll,FileProtocolHandler", "%s");
            }
            if (isBlank(environment.get("DISPLAY")) && isBlank(environment.get("WAYLAND_DISPLAY"))) {
                throw new IOException("this session has no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)");
            }
            return List.of("xdg-open", "%s");
        }

        /** Launch pages that a killed run left behind are deleted after this long. */
        private static final java.time.Duration LEFTOVER = java.time.Duration.ofDays(1);

        /**
         * The launch page for {@code url} ({@link #pageFor}), in a folder that passes the rule
         * of {@link PrivateFolder}: {@code $XDG_RUNTIME_DIR/ocs-pkce-login} where there is one (a
         * per-user tmpfs), otherwise {@code launch/} in the cache root; the file 0600. The browser
         * opens it by name, so the folder must be one that nobody else can change.
         */
        private Path writeLaunchPage(URI url) throws IOException {
            UserFolders folders = new UserFolders(environment);
            try {
                launchFolder = folders.runtimeFolder().isPresent() ? PrivateFolder.open(folders.runtimeFolder().get())
                        : PrivateFolder.open(folders.cacheRoot(), "launch");
            } catch (PrivateFolder.Unsafe e) {
                throw new IOException(e.refusing("the folder of its launch page", "open the URL yourself"), e);
            }
            for (String name : launchFolder.names()) { // pages of runs that were killed
                if (name.startsWith("login-") && launchFolder.modified(name)
                        .map(time -> time.isBefore(java.time.Instant.now().minus(LEFTOVER))).orElse(false)) {
                    launchFolder.delete(name);
                }
            }
            return launchFolder.writeNew("login-", ".html", pageFor(url).getBytes(StandardCharsets.UTF_8));
        }

        /** The launch page: it sends the browser on to {@code url}, by script, or by a click on its link. */
        static String pageFor(URI url) {
            String link = Html.escape(url.toString());
            return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<meta name=\"referrer\" content=\"no-referrer\"><title>Signing in</title></head>\n<body>"
                    + "<p>Taking you to the sign-in page. If nothing happens, <a id=\"go\" href=\"" + link + "\">continue here</a>.</p>\n"
                    + "<script>location.replace(document.getElementById(\"go\").href);</script></body></html>\n";
        }

        /**
         * Starts the command away from our stdout (the token's) and stderr (the steps'), and waits a
         * moment: a launcher that fails says so by its exit status; one still running is a browser.
         */
        private static void start(List<String> command) throws IOException, InterruptedException {
            Process process;
            try {
                process = ChildProcess.withoutSecrets(new ProcessBuilder(command))
                        .redirectInput(ProcessBuilder.Redirect.from(new File(File.separatorChar == '\\' ? "NUL" : "/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
            } catch (IOException e) {
                throw new IOException(command.get(0) + " could not be started (" + e.getMessage() + ")", e);
            }
            if (process.waitFor(LAUNCHER_WAIT_MILLIS, TimeUnit.MILLISECONDS) && process.exitValue() != 0) {
                throw new IOException(command.get(0) + " failed with exit status " + process.exitValue());
            }
        }

        private static boolean isBlank(String value) {
            return value == null || value.isBlank();
        }
    }
}
