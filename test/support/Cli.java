package support;

import cli.OcsPkceLogin;
import login.PasteBack;
import system.Browser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the command line in this JVM, exactly as main does but with stdout and stderr captured. */
public final class Cli {

    /** One run: exit code, what went to stdout and to stderr, and how long it took. */
    public record Run(int exitCode, String out, String err, long millis) {
        /** The lines of stderr that report an error. */
        public List<String> errorLines() {
            return err.lines().filter(line -> line.startsWith("error: ")).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + " after " + millis + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    /**
     * The tests of the login itself never touch the user's token cache: they run with --no-cache,
     * unless they choose a cache folder themselves (the cache's own tests).
     */
    public static String[] withoutTheUsersCache(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--cache-dir") && !all.contains("--logout") && !all.contains("--no-cache")) {
            all.add("--no-cache");
        }
        return all.toArray(String[]::new);
    }

    public static Run run(Browser browser, String... args) {
        return run(browser, java.io.InputStream.nullInputStream(), args);
    }

    /** With {@code in} as the standard input (what --paste reads). */
    public static Run run(Browser browser, java.io.InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long started = System.nanoTime();
        int exitCode = OcsPkceLogin.run(browser, () -> PasteBack.of(in), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), withoutTheUsersCache(args));
        return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** A redirect URI on a port that is free now. */
    public static String freeRedirectUri() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return "http://localhost:" + probe.getLocalPort() + "/callback.html";
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A browser that plays a well-behaved provider's front channel: it sends the redirect URI a
     * response with the request's state, plus {@code parameters} (e.g. a code).
     */
    public static Browser answeringWith(Map<String, String> parameters) {
        return url -> {
            Map<String, String> request = Queries.query(url);
            URI redirectUri = URI.create(request.get("redirect_uri"));
            List<String> pairs = new ArrayList<>();
            parameters.forEach((name, value) -> pairs.add(name + "=" + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)));
            pairs.add("state=" + request.get("state"));
            RawHttp.get(redirectUri.getPort(), redirectUri.getPath() + "?" + String.join("&", pairs));
        };
    }
}
