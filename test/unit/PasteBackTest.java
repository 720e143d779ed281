package login;

import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** --paste without a provider: what is pasted, in which order, and what is never shown. */
class PasteBackTest {

    static final URI REDIRECT_URI = URI.create("http://localhost:5004/callback.html");
    static final IdentityProvider PROVIDER = new IdentityProvider("https://idp.example", URI.create("https://idp.example/authorize"),
            URI.create("https://idp.example/token"), Optional.empty(), false, Optional.empty(), List.of(), Optional.empty(),
            Optional.empty(), List.of(), false, List.of());

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), false, false);
    /** The authorization URL, as a provider without pushed requests has it. */
    private final FrontChannel.Addresses addresses = () -> new IdentityProvider.Address(request().toUri(
            PROVIDER.authorizationEndpoint(), REDIRECT_URI), Optional.empty(), false);

    private AuthorizationRequest request() {
        return request;
    }

    /** Steps 2 to 4 with {@code paste}, for {@code redirectUri}: the code pasted back. */
    private String awaitCode(PasteBack paste, URI redirectUri, Duration timeout) throws LoginException {
        try (FrontChannel.Receiver receiver = paste.listen(redirectUri)) {
            return receiver.awaitCode(PROVIDER, request, addresses, timeout, log);
        }
    }

    private final AuthorizationRequest request = new AuthorizationRequest("c", "openid", Optional.empty(), java.util.Map.of(), AuthorizationRequest.newState(),
            AuthorizationRequest.newNonce(), PkceUtil.newCodeVerifier());

    private static PasteBack pasting(String... lines) {
        Deque<String> queue = new ArrayDeque<>(List.of(lines));
        return new PasteBack(queue::poll); // null once they are used up: the input has ended
    }

    @Test
    void wrongPastesAreRefusedUntilThisLoginsResponseArrives() throws Exception {
        String good = REDIRECT_URI + "?code=the-secret-code&state=" + request.state();
        String code = awaitCode(pasting("not an address at all", "", REDIRECT_URI + "?code=x&state=another-login", good), REDIRECT_URI,
                Duration.ofSeconds(10));
        assertEquals("the-secret-code", code);
        String shown = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, shown.lines().filter(line -> line.startsWith("That is not this login's response")).count(), shown);
        assertTrue(shown.contains("Step 3: Open this URL in a browser, on this machine or any other"), shown);
        assertFalse(shown.contains("the-secret-code") || shown.contains("another-login"), "nothing pasted is shown: " + shown);
    }

    @Test
    void theProvidersErrorEndsTheLogin() {
        LoginException e = assertThrows(LoginException.class, () -> awaitCode(pasting(REDIRECT_URI + "?error=access_denied&state="
                + request.state()), REDIRECT_URI, Duration.ofSeconds(10)));
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED, e.exit());
    }

    @Test
    void theEndOfTheInputEndsTheLogin() {
        LoginException e = assertThrows(LoginException.class, () -> awaitCode(pasting("garbage"), REDIRECT_URI, Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("The input ended before the address was pasted"), e.getMessage());
    }

    @Test
    void nothingPastedEndsAtTheTimeout() {
        LoginException e = assertThrows(LoginException.class, () -> awaitCode(new PasteBack(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                // the test is over
            }
            return null;
        }), REDIRECT_URI, Duration.ofSeconds(1)));
        assertEquals(LoginException.Exit.CALLBACK_TIMEOUT, e.exit());
    }

    @Test
    void aRedirectUriOnPortZeroCannotBePastedTo() {
        LoginException e = assertThrows(LoginException.class, () -> awaitCode(pasting(), URI.create("http://localhost:0/callback.html"), Duration.ofSeconds(1)));
        assertEquals(LoginException.Exit.CONFIG_INVALID, e.exit());
    }

    /** A flood of lines that are not this login's response (a wrong file on stdin) ends the login after a few, at once. */
    @Test
    void aFloodOfRefusedLinesEndsTheLoginAfterAFew() {
        String[] garbage = new String[100_000];
        java.util.Arrays.fill(garbage, "garbage");
        long started = System.nanoTime();
        LoginException e = assertThrows(LoginException.class, () -> awaitCode(pasting(garbage), REDIRECT_URI, Duration.ofSeconds(30)));
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED, e.exit());
        assertTrue(e.getMessage().contains(PasteBack.MAX_REFUSED + " pasted lines were not this login's response"), e.getMessage());
        String shown = err.toString(StandardCharsets.UTF_8);
        assertEquals(PasteBack.MAX_REFUSED, shown.lines().filter(line -> line.startsWith("That is not this login's response")).count());
        assertTrue(System.nanoTime() - started < 2_000_000_000L, "at once");
    }

    @Test
    void emptyLinesWithoutEndCountToo() {
        String[] empty = new String[10_000];
        java.util.Arrays.fill(empty, "");
        LoginException e = assertThrows(LoginException.class, () -> awaitCode(pasting(empty), REDIRECT_URI, Duration.ofSeconds(30)));
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED, e.exit());
    }

    /** A line without end (a binary file on stdin) is read up to a limit, never whole. */
    @Test
    void aLineIsReadUpToItsLimit() throws Exception {
        java.io.BufferedReader endless = new java.io.BufferedReader(new java.io.InputStreamReader(new java.io.InputStream() {
            private long left = 64L << 20;

            @Override
            public int read() {
                return left-- > 0 ? 'a' : -1;
            }
        }, StandardCharsets.US_ASCII));
        String line = PasteBack.boundedLine(endless);
        assertEquals(PasteBack.MAX_LINE, line.length());
        assertEquals(null, PasteBack.boundedLine(endless), "the rest of that line was skipped, and the input ended");
    }
}
