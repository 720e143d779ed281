package login;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import system.Log;

/**
 * {@code --paste}, steps 2 to 4 for a browser that cannot reach this machine (SSH, a container):
 * nothing listens; the user opens the authorization URL in a browser anywhere, signs in, and pastes
 * the address the browser ended at (the redirect URI with the response in its query, on a page
 * that says the site cannot be reached). It is judged exactly like a callback: {@code iss}, then
 * {@code state}, then {@code error}, then {@code code}. What is pasted is never shown: from a
 * terminal it is read without echo, and messages never repeat it.
 */
public final class PasteBack implements FrontChannel {

    /** Where the pasted lines come from: one line, or null when the input has ended. */
    @FunctionalInterface
    interface Lines {
        String next() throws IOException;
    }

    /** Where a run's --paste reads, opened only when --paste asks: main's standard input, a test's stream. */
    @FunctionalInterface
    public interface Input {
        PasteBack open() throws LoginException;
    }

    private final Lines lines;

    PasteBack(Lines lines) {
        this.lines = lines;
    }

    /** Pasted lines that are not this login's response, at most: a flood of them is not a person pasting. */
    static final int MAX_REFUSED = 10;
    /** A redirect URI with its response is well under 4 KiB; a longer line is cut off and refused. */
    static final int MAX_LINE = 16 * 1024;

    /**
     * The standard input: from the terminal without echo when it is one; otherwise line by line. A
     * closed standard input is said at once, before any call to the provider.
     */
    public static PasteBack standardInput() throws LoginException {
        if (stdinWasClosed()) {
            throw new LoginException(LoginException.Exit.AUTHORIZATION_FAILED, "This run reads from the standard input, which is"
                    + " closed (--paste reads the address there, --store-client-secret the secret); run it with a terminal or a pipe"
                    + " as its input");
        }
        Optional<Console> terminal = system.Terminal.console();
        if (terminal.isPresent()) {
            Console console = terminal.get();
            return new PasteBack(() -> {
                char[] line = console.readPassword();
                return line == null ? null : new String(line);
            });
        }
        return of(System.in);
    }

    /** The next line read (from a terminal, without echo), for a secret typed or piped in; empty at the end of the input. */
    public Optional<String> readLine() throws LoginException {
        try {
            return Optional.ofNullable(lines.next());
        } catch (IOException e) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, "The standard input cannot be read: " + e.getMessage(), e);
        }
    }

    /** Line by line from {@code in}, each line read up to {@link #MAX_LINE} characters. */
    public static PasteBack of(InputStream in) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return new PasteBack(() -> boundedLine(reader));
    }

    /** One line of at most {@link #MAX_LINE} characters (the rest of a longer one is skipped); null at the end of the input. */
    static String boundedLine(BufferedReader reader) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean any = false;
        for (int c; (c = reader.read()) != -1; ) {
            any = true;
            if (c == '\n') {
                return line.toString();
            }
            if (line.length() < MAX_LINE) {
                line.append((char) c);
            }
        }
        return any ? line.toString() : null;
    }

    /**
     * Whether this process was started with its standard input closed ({@code <&-}): the JVM's first
     * file then got descriptor 0, and "stdin" is the JDK's own {@code lib/modules}. Seen on Linux.
     */
    private static boolean stdinWasClosed() {
        try {
            java.nio.file.Path stdin = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/0"));
            return stdin.startsWith(java.nio.file.Path.of(System.getProperty("java.home")).toRealPath());
        } catch (IOException | UnsupportedOperationException | SecurityException notLinux) {
            return false;
        }
    }

    /** Nothing listens: the redirect URI is only the address the browser ends at, which the user pastes. */
    @Override
    public Receiver listen(URI redirectUri) throws LoginException {
        if (redirectUri.getPort() == 0) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, "--paste needs the redirect URI's registered port,"
                    + " not 0 (" + redirectUri + ")");
        }
        return new Listening(redirectUri, (provider, request, addresses, timeout, log) -> awaitCode(redirectUri, provider, request,
                addresses, timeout, log), () -> {
                    // nothing listens
                });
    }

    private String awaitCode(URI redirectUri, IdentityProvider provider, AuthorizationRequest request, Addresses addresses,
            Duration timeout, Log log) throws LoginException {
        AuthorizationResponse.Expected expected = new AuthorizationResponse.Expected(request.state(), provider.issuer(),
                provider.issParameterSupported());
        log.step(2, "Nothing listens on " + redirectUri + " (--paste): after the sign-in the browser ends at an address that"
                + " starts with it, on a page that may say the site cannot be reached; that is expected");
        IdentityProvider.Address address = addresses.next(); // a pushed request is said before the URL, not within
        log.step(3, "Open this URL in a browser, on this machine or any other, and sign in" + Hints.lifetime(address) + ":");
        log.info(address.url().toString());
        log.step(4, "Then paste the whole address the browser ended at, and press Enter (it is not shown):");
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int refused = 0; ; refused++) {
            if (refused == MAX_REFUSED) {
                throw new LoginException(LoginException.Exit.AUTHORIZATION_FAILED, MAX_REFUSED + " pasted lines were not this"
                        + " login's response; run again, and paste the address the browser ended at");
            }
            CompletableFuture<String> line = nextLine();
            // An address that refers to a pushed request lasts as long as that request: a new one when it has expired.
            address = Listening.renewing(address, addresses, deadline, time -> Listening.completes(line, time, "the pasted address"),
                    ", then paste", log);
            String pasted = next(line, deadline, timeout);
            if (pasted == null) {
                throw new LoginException(LoginException.Exit.AUTHORIZATION_FAILED, "The input ended before the address was pasted");
            }
            if (pasted.isBlank()) {
                continue; // an Enter too many; it counts, so that an input of empty lines ends too
            }
            AuthorizationResponse verdict = AuthorizationResponse.fromRedirect(pasted, redirectUri, expected);
            if (verdict instanceof AuthorizationResponse.Accepted accepted) {
                return accepted.code();
            }
            if (verdict instanceof AuthorizationResponse.Failed failed) {
                throw Hints.withoutPushedRequest(failed.failure(), provider, address);
            }
            log.info("That is not this login's response: " + ((AuthorizationResponse.Refused) verdict).reason()
                    + " Paste the address again:");
        }
    }

    /** The next line, read on another thread. */
    private CompletableFuture<String> nextLine() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return lines.next();
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** The line, within what is left of the time. */
    private static String next(CompletableFuture<String> line, long deadline, Duration timeout) throws LoginException {
        try {
            return line.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new LoginException(LoginException.Exit.CALLBACK_TIMEOUT, "No address was pasted within " + timeout.toSeconds()
                    + " s (--timeout SECONDS waits longer)");
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginException(LoginException.Exit.CANCELLED, "Interrupted while waiting for the pasted address");
        }
    }
}
