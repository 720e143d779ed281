package system;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** This browser, where the user named the command that opens it (the Browser setting); a browser that is no command stays itself. */
    default Browser withCommand(Optional<String> command) {
        return this;
    }

    /** Opens nothing: for {@code --no-browser}, where the user opens the printed URL. */
    Browser NONE = url -> {
    };

    /** The user's browser, as {@link SystemBrowser} finds it. */
    public static Browser system() {
        return new SystemBrowser(System.getenv());
    }

    /**
     * The Browser setting, else {@code $BROWSER} (a command, read as a shell reads words, given the
     * page as its argument, or in place of {@code %s}), else the platform's own way
     * ({@link BrowserLauncher}): {@code xdg-open} (Linux, with a display), Windows' default browser in
     * WSL, {@code open} (macOS), the URL handler of Windows.
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
        private final Optional<String> command;
        private final BrowserLauncher.Platform platform;
        private PrivateFolder launchFolder;
        private Path launchPage;

        public SystemBrowser(Map<String, String> environment) {
            this(environment, Optional.empty(), BrowserLauncher.Platform.of(environment));
        }

        /** On {@code platform}, whatever this one is: for the tests of Windows' side, which run where Windows is not. */
        SystemBrowser(Map<String, String> environment, Optional<String> command, BrowserLauncher.Platform platform) {
            this.environment = environment;
            this.command = command;
            this.platform = platform;
        }

        @Override
        public Browser withCommand(Optional<String> command) {
            return command.isPresent() ? new SystemBrowser(environment, command, platform) : this;
        }

        @Override
        public void open(URI authorizationUrl) throws Exception {
            BrowserLauncher.Programs programs = BrowserLauncher.Programs.onPath(environment);
            BrowserLauncher launcher = BrowserLauncher.choose(platform, command.or(() -> Optional.ofNullable(environment.get("BROWSER"))),
                    environment, programs);
            launchPage = writeLaunchPage(authorizationUrl, platform == BrowserLauncher.Platform.WSL);
            String address = switch (launcher.address()) {
                case WINDOWS_PATH -> windowsPath(launchPage, programs);
                case FILE_URI -> platform == BrowserLauncher.Platform.WINDOWS ? BrowserLauncher.windowsFileUri(launchPage.toString())
                        : launchPage.toUri().toString();
            };
            List<String> words = new ArrayList<>(launcher.words());
            words.replaceAll(word -> word.replace("%s", address));
            if (!words.get(0).contains("/") && !words.get(0).contains("\\")) { // a name: found on this environment's PATH
                words.set(0, programs.find(words.get(0)).map(Path::toString).orElse(words.get(0)));
            }
            start(words, environment);
        }

        /** The page as Windows names a file of WSL's ({@code \\wsl.localhost\Distro\...}), by {@code wslpath -w}. */
        private static String windowsPath(Path page, BrowserLauncher.Programs programs) throws IOException {
            String wslpath = programs.find("wslpath").map(Path::toString).orElse("wslpath");
            ChildProcess.Result result = ChildProcess.run(List.of(wslpath, "-w", page.toString()), new byte[0], Duration.ofSeconds(10));
            String path = result.stdoutText().strip();
            if (result.exitCode() != 0 || path.isEmpty()) {
                throw new IOException("wslpath -w could not name the launch page for Windows (" + Log.printable(result.stderr().strip(), 120) + ")");
            }
            return path;
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

        /** Launch pages that a killed run left behind are deleted after this long. */
        private static final Duration LEFTOVER = Duration.ofDays(1);

        /**
         * The launch page for {@code url} ({@link #pageFor}), in a folder that passes the rule
         * of {@link PrivateFolder}: {@code $XDG_RUNTIME_DIR/ocs-pkce-login} where there is one (a
         * per-user tmpfs) and the browser is not Windows', otherwise {@code launch/} in the cache root; the file 0600. The browser
         * opens it by name, so the folder must be one that nobody else can change.
         */
        private Path writeLaunchPage(URI url, boolean forWindows) throws IOException {
            UserFolders folders = new UserFolders(environment);
            try { // WSL's runtime folder (WSLg's /mnt/wslg) is not one Windows reaches: the cache's is, through \\wsl.localhost
                launchFolder = folders.runtimeFolder().isPresent() && !forWindows ? PrivateFolder.open(folders.runtimeFolder().get())
                        : PrivateFolder.open(folders.cacheRoot(), "launch");
            } catch (PrivateFolder.Unsafe e) {
                throw new IOException(e.refusing("the folder of its launch page", "open the URL yourself"), e);
            }
            for (String name : launchFolder.names()) { // pages of runs that were killed
                if (name.startsWith("login-") && launchFolder.modified(name)
                        .map(time -> time.isBefore(Instant.now().minus(LEFTOVER))).orElse(false)) {
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
        private static void start(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
            Process process;
            try {
                ProcessBuilder builder = ChildProcess.withoutSecrets(new ProcessBuilder(command));
                if (environment.containsKey("PATH")) {
                    builder.environment().put("PATH", environment.get("PATH"));
                }
                process = builder
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

    }
}
