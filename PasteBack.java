import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code --paste}, steps 2 to 4 for a browser that cannot reach this machine (SSH, a container):
 * nothing listens; the user opens the authorization URL in a browser anywhere, signs in, and pastes
 * the address the browser ended at (the redirect URI with the response in its query, on a page
 * that says the site cannot be reached). It is judged exactly like a callback: {@code iss}, then
 * {@code state}, then {@code error}, then {@code code}. What is pasted is never shown: from a
 * terminal it is read without echo, and messages never repeat it.
 */
final class PasteBack implements OcsPkceLogin.FrontChannel {

    /** Where the pasted lines come from: one line, or null when the input has ended. */
    @FunctionalInterface
    interface Lines {
        String next() throws IOException;
    }

    private final Lines lines;

    PasteBack(Lines lines) {
        this.lines = lines;
    }

    /** From the terminal without echo when {@code in} is the terminal; otherwise line by line from {@code in}. */
    static PasteBack from(InputStream in) {
        Console console = System.console();
        if (in == System.in && console != null && isTerminal(console)) {
            return new PasteBack(() -> {
                char[] line = console.readPassword();
                return line == null ? null : new String(line);
            });
        }
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return new PasteBack(reader::readLine);
    }

    /** Java 22 and later give a Console for redirected streams too; {@code isTerminal()} tells them apart. */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException olderJava) {
            return true; // before Java 22, there is a Console only for a terminal
        }
    }

    @Override
    public OcsPkceLogin.AuthorizationCode authorize(IdentityProvider provider, AuthorizationRequest request, URI redirectUri,
            Duration timeout, Log log) throws LoginException {
        if (redirectUri.getPort() == 0) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, "--paste needs the redirect URI's registered port,"
                    + " not 0 (" + redirectUri + ")");
        }
        AuthorizationResponse.Expected expected = new AuthorizationResponse.Expected(request.state(), provider.issuer(),
                provider.issParameterSupported());
        log.step(2, "Nothing listens on " + redirectUri + " (--paste): after the sign-in the browser ends at an address that"
                + " starts with it, on a page that may say the site cannot be reached; that is expected");
        log.step(3, "Open this URL in a browser, on this machine or any other, and sign in:");
        log.info(request.toUri(provider.authorizationEndpoint(), redirectUri).toString());
        log.step(4, "Then paste the whole address the browser ended at, and press Enter (it is not shown):");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String pasted = next(deadline, timeout);
            if (pasted == null) {
                throw new LoginException(LoginException.Exit.AUTHORIZATION_FAILED, "The input ended before the address was pasted");
            }
            if (pasted.isBlank()) {
                continue;
            }
            AuthorizationResponse verdict = AuthorizationResponse.fromRedirect(pasted, redirectUri, expected);
            if (verdict instanceof AuthorizationResponse.Accepted accepted) {
                return new OcsPkceLogin.AuthorizationCode(accepted.code(), redirectUri);
            }
            if (verdict instanceof AuthorizationResponse.Failed failed) {
                throw failed.failure();
            }
            log.info("That is not this login's response: " + ((AuthorizationResponse.Refused) verdict).reason()
                    + " Paste the address again:");
        }
    }

    /** The next line, within what is left of the time. */
    private String next(long deadline, Duration timeout) throws LoginException {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return lines.next();
            } catch (IOException e) {
                return null;
            }
        });
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
