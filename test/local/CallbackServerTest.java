package login;

import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallbackServerTest {

    static final String STATE = "s-" + AuthorizationRequest.newState();
    static final String ISSUER = "https://idp.example/realms/r";

    private CallbackServer server;

    private int start(boolean issuerRequired) throws LoginException {
        server = started(URI.create("http://localhost:0/callback.html"),
                new AuthorizationResponse.Expected(STATE, ISSUER, issuerRequired));
        return server.redirectUri().getPort();
    }

    private int start() throws LoginException {
        return start(false);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The callback server listening on {@code redirectUri}, expecting {@code expected}: as a login starts it. */
    static CallbackServer started(URI redirectUri, AuthorizationResponse.Expected expected) throws LoginException {
        CallbackServer server = CallbackServer.start(redirectUri);
        server.expect(expected);
        return server;
    }

    @Test
    void callbackWithMatchingStateYieldsTheCodeAndASuccessPage() throws Exception {
        int port = start();
        RawHttp.Response response = RawHttp.get(port, "/callback.html?code=the-code&state=" + STATE);
        assertEquals(200, response.status());
        assertTrue(response.body().contains("Login complete"), response.body());
        assertTrue(response.body().contains("return to the application"), response.body());
        assertEquals("text/html; charset=utf-8", response.header("Content-Type"));
        assertEquals("the-code", server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void callbackWithMismatchedStateIsRejectedAndTheWaitGoesOn() throws Exception {
        int port = start();
        RawHttp.Response forged = RawHttp.get(port, "/callback.html?code=forged&state=someone-elses");
        assertEquals(400, forged.status());
        assertTrue(forged.body().contains("state does not belong to the login in progress"), forged.body());
        RawHttp.get(port, "/callback.html?code=genuine&state=" + STATE);
        assertEquals("genuine", server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void callbackWithoutStateIsRejectedAndTheWaitGoesOn() throws Exception {
        int port = start();
        assertEquals(400, RawHttp.get(port, "/callback.html?code=forged").status());
        assertEquals(400, RawHttp.get(port, "/callback.html?code=forged&state=").status());
        RawHttp.get(port, "/callback.html?code=genuine&state=" + STATE);
        assertEquals("genuine", server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void errorResponseEndsTheLoginWithTheProvidersErrorAndDescription() throws Exception {
        int port = start();
        RawHttp.Response page = RawHttp.get(port, "/callback.html?error=access_denied&error_description=User+said+no&state=" + STATE);
        assertTrue(page.body().contains("Login failed") && page.body().contains("access_denied"), page.body());
        LoginException.AuthorizationError e = assertThrows(LoginException.AuthorizationError.class,
                () -> server.awaitCode(Duration.ofSeconds(5)));
        assertEquals("access_denied", e.error());
        assertEquals("User said no", e.errorDescription().orElseThrow());
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED, e.exit());
    }

    @Test
    void responseWithNeitherCodeNorErrorEndsTheLoginWithAClearError() throws Exception {
        int port = start();
        RawHttp.get(port, "/callback.html?state=" + STATE);
        LoginException e = assertThrows(LoginException.class, () -> server.awaitCode(Duration.ofSeconds(5)));
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED, e.exit());
        assertTrue(e.getMessage().contains("neither a code nor an error"), e.getMessage());
    }

    @Test
    void otherPathsGet404AndDoNotEndTheWait() throws Exception {
        int port = start();
        assertEquals(404, RawHttp.get(port, "/favicon.ico").status());
        assertEquals(404, RawHttp.get(port, "/callback.html/x?code=a&state=" + STATE).status());
        assertEquals(404, RawHttp.get(port, "/").status());
        RawHttp.get(port, "/callback.html?code=genuine&state=" + STATE);
        assertEquals("genuine", server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void onlyGetIsAccepted() throws Exception {
        int port = start();
        RawHttp.Response post = RawHttp.send(port, ("POST /callback.html?code=a&state=" + STATE
                + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(405, post.status());
        assertEquals("GET", post.header("Allow"));
        RawHttp.get(port, "/callback.html?code=genuine&state=" + STATE);
        assertEquals("genuine", server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void aSecondCallbackIsRefused() throws Exception {
        int port = start();
        assertEquals(200, RawHttp.get(port, "/callback.html?code=first&state=" + STATE).status());
        RawHttp.Response second = RawHttp.get(port, "/callback.html?code=second&state=" + STATE);
        assertEquals(400, second.status());
        assertTrue(second.body().contains("already received"), second.body());
        assertEquals("first", server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void waitingEndsWithATimeoutAndStopsTheServer() throws Exception {
        int port = start();
        long started = System.nanoTime();
        LoginException e = assertThrows(LoginException.class, () -> server.awaitCode(Duration.ofSeconds(1)));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(LoginException.Exit.CALLBACK_TIMEOUT, e.exit());
        assertTrue(e.getMessage().contains("within 1 s"), e.getMessage());
        assertTrue(millis >= 1000 && millis < 4000, millis + " ms");
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void busyPortIsReportedAsSuch() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            URI redirectUri = URI.create("http://localhost:" + other.getLocalPort() + "/callback.html");
            LoginException e = assertThrows(LoginException.class,
                    () -> started(redirectUri, new AuthorizationResponse.Expected(STATE, ISSUER, false)));
            assertEquals(LoginException.Exit.PORT_IN_USE, e.exit());
            assertTrue(e.getMessage().startsWith("Port " + other.getLocalPort() + " on 127.0.0.1 is already in use"), e.getMessage());
            assertTrue(e.getMessage().contains(redirectUri + " is registered"), e.getMessage());
        }
    }

    /** Whether this machine can listen on ::1 at all. */
    static boolean hasIpv6Loopback() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void listensOnBothLoopbackAddressesForLocalhostWhateverTheResolverSays() throws Exception {
        start();
        Set<InetAddress> listening = ListeningSockets.of(ProcessHandle.current().pid()).stream().filter(address -> address.getPort() == server.redirectUri().getPort()).toList().stream().map(InetSocketAddress::getAddress).collect(Collectors.toSet());
        Set<InetAddress> expected = hasIpv6Loopback()
                ? Set.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"))
                : Set.of(InetAddress.getByName("127.0.0.1"));
        assertEquals(expected, listening, "(this machine's resolver gives " + Arrays.toString(InetAddress.getAllByName("localhost")) + ")");
    }

    @Test
    void anotherProgramOnIpv6LoopbackStopsTheLoginInsteadOfGettingTheCode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(hasIpv6Loopback(), "this machine has no ::1");
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            URI redirectUri = URI.create("http://localhost:" + squatter.getLocalPort() + "/callback.html");
            LoginException e = assertThrows(LoginException.class,
                    () -> started(redirectUri, new AuthorizationResponse.Expected(STATE, ISSUER, false)));
            assertEquals(LoginException.Exit.PORT_IN_USE, e.exit());
            assertTrue(e.getMessage().startsWith("Port " + squatter.getLocalPort() + " on 0:0:0:0:0:0:0:1 is already in use"), e.getMessage());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", squatter.getLocalPort()).close(),
                    "nothing is left listening on 127.0.0.1");
        }
    }

    @Test
    void anIpv4LiteralRedirectUriListensOnThatAddressOnly() throws Exception {
        server = started(URI.create("http://127.0.0.1:0/cb"), new AuthorizationResponse.Expected(STATE, ISSUER, false));
        assertEquals(java.util.List.of(InetAddress.getByName("127.0.0.1")),
                ListeningSockets.of(ProcessHandle.current().pid()).stream().filter(address -> address.getPort() == server.redirectUri().getPort()).toList().stream().map(InetSocketAddress::getAddress).toList());
    }

    /** The browser resets the connection before the page can be sent: the code still reaches the login. */
    @Test
    void aCallbackWhosePageCannotBeSentStillEndsTheWait() throws Exception {
        int port = start();
        try (Socket browser = new Socket("127.0.0.1", port)) {
            browser.setSoLinger(true, 0); // close() sends a reset
            browser.getOutputStream().write(("GET /callback.html?code=the-code&state=" + STATE + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            browser.getOutputStream().flush();
        }
        assertEquals("the-code", server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void closingTheServerEndsAPendingWaitAtOnce() throws Exception {
        start();
        new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                // close anyway
            }
            server.close();
        }).start();
        long started = System.nanoTime();
        LoginException e = assertThrows(LoginException.class, () -> server.awaitCode(Duration.ofSeconds(60)));
        assertEquals(LoginException.Exit.CANCELLED, e.exit());
        assertTrue(System.nanoTime() - started < 3_000_000_000L, "ended at once");
    }

    @Test
    void issuerFromAnotherProviderWithOurStateEndsTheLoginAsAMixUp() throws Exception {
        int port = start();
        RawHttp.Response page = RawHttp.get(port, "/callback.html?code=a&iss=https%3A%2F%2Fevil.example&state=" + STATE);
        assertTrue(page.body().contains("Login failed"), page.body());
        LoginException e = assertThrows(LoginException.class, () -> server.awaitCode(Duration.ofSeconds(5)));
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED, e.exit());
        assertTrue(e.getMessage().contains("'https://evil.example', not from " + ISSUER), e.getMessage());
    }

    @Test
    void issIsCheckedBeforeStateAndAForeignResponseOnlyGets400() throws Exception {
        int port = start();
        RawHttp.Response foreign = RawHttp.get(port, "/callback.html?code=a&iss=https%3A%2F%2Fevil.example&state=other");
        assertEquals(400, foreign.status());
        assertTrue(foreign.body().contains("issuer"), "iss is reported first: " + foreign.body());
        RawHttp.get(port, "/callback.html?code=genuine&iss=" + ISSUER + "&state=" + STATE);
        assertEquals("genuine", server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void missingIssIsRejectedWhenTheProviderPromisesIt() throws Exception {
        int port = start(true);
        RawHttp.get(port, "/callback.html?code=a&state=" + STATE);
        LoginException e = assertThrows(LoginException.class, () -> server.awaitCode(Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("has no iss"), e.getMessage());
    }

    @Test
    void repeatedParametersAreRejectedNotFirstWins() throws Exception {
        int port = start();
        for (String query : new String[] {"code=a&state=" + STATE + "&state=" + STATE, "code=a&code=b&state=" + STATE,
                "code=a&state=" + STATE + "&iss=" + ISSUER + "&iss=" + ISSUER}) {
            RawHttp.Response response = RawHttp.get(port, "/callback.html?" + query);
            assertEquals(400, response.status(), query);
            assertTrue(response.body().contains("appears more than once"), response.body());
        }
        RawHttp.get(port, "/callback.html?code=genuine&state=" + STATE);
        assertEquals("genuine", server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void brokenPercentEncodingAndInvalidUtf8AreRejected() throws Exception {
        int port = start();
        for (String query : new String[] {"code=%zz&state=" + STATE, "code=%C3%28&state=" + STATE, "code=%&state=" + STATE,
                "code=a&state=" + STATE + "%ff"}) {
            assertEquals(400, RawHttp.get(port, "/callback.html?" + query).status(), query);
        }
        RawHttp.get(port, "/callback.html?code=genuine&state=" + STATE);
        assertEquals("genuine", server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void reflectedValuesAreHtmlEscaped() throws Exception {
        int port = start();
        RawHttp.Response page = RawHttp.get(port, "/callback.html?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
                + "&error_description=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert('x')%3E%0D%0ASet-Cookie%3A%20a%3Db&state=" + STATE);
        assertFalse(page.body().contains("<script>") || page.body().contains("<img"), page.body());
        assertTrue(page.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), page.body());
        assertTrue(page.body().contains("&quot;&gt;&lt;img src=x onerror=alert(&#39;x&#39;)&gt;"), page.body());
        assertEquals(null, page.header("Set-Cookie"));
        assertThrows(LoginException.AuthorizationError.class, () -> server.awaitCode(Duration.ofSeconds(5)));
    }

    @Test
    void noResponseIsEverCachedOrFramed() throws Exception {
        int port = start();
        for (String target : new String[] {"/favicon.ico", "/callback.html?state=x", "/callback.html?code=a&state=" + STATE}) {
            RawHttp.Response response = RawHttp.get(port, target);
            assertEquals("no-store", response.header("Cache-Control"), target);
            assertEquals("default-src 'none'", response.header("Content-Security-Policy"), target);
            assertEquals("nosniff", response.header("X-Content-Type-Options"), target);
        }
    }

    @Test
    void serverHoldsNoThreadOrConnectionAfterTheFlowEnds() throws Exception {
        int port = start();
        try (Socket idle = new Socket("127.0.0.1", port)) {
            RawHttp.get(port, "/callback.html?code=a&state=" + STATE);
            server.awaitCode(Duration.ofSeconds(5));
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
            idle.setSoTimeout(2000);
            assertEquals(-1, idle.getInputStream().read(), "the idle connection was closed by the server");
        }
        assertTrue(Threads.await(() -> Threads.named("callback-server-", "HTTP-Dispatcher").isEmpty(), Duration.ofSeconds(3)),
                "threads left: " + Threads.named("callback-server-", "HTTP-Dispatcher"));
    }
}
