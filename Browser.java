import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Step 3's hook: whatever shows the authorization URL to the user. The command line opens the system
 * browser; the tests put Selenium here, as the seed's test injected its own browser script.
 */
@FunctionalInterface
public interface Browser {

    void open(URI authorizationUrl) throws Exception;

    /** Opens nothing: for {@code --no-browser}, where the user opens the printed URL. */
    Browser NONE = url -> {
    };

    /**
     * {@code $BROWSER} when set (a command, given the URL as its argument, or in place of {@code %s}),
     * else the desktop's default browser, else {@code xdg-open} / {@code open}. None of them is waited for.
     */
    static Browser system() {
        return url -> {
            String command = System.getenv("BROWSER");
            if (command != null && !command.isBlank()) {
                start(withUrl(command, url));
            } else if (!GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                    && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(url);
            } else {
                String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
                start(os.contains("mac") ? List.of("open", url.toString())
                        : os.contains("win") ? List.of("rundll32", "url.dll,FileProtocolHandler", url.toString())
                        : List.of("xdg-open", url.toString()));
            }
        };
    }

    private static List<String> withUrl(String command, URI url) {
        List<String> words = new ArrayList<>(List.of(command.strip().split("\\s+")));
        if (words.stream().noneMatch(word -> word.contains("%s"))) {
            words.add("%s");
        }
        return words.stream().map(word -> word.replace("%s", url.toString())).toList();
    }

    /** Starts the command without waiting, and away from our stdout (the token's) and stderr (the steps'). */
    private static void start(List<String> command) throws Exception {
        new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File(File.separatorChar == '\\' ? "NUL" : "/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
