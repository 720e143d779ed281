package login;

import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The callback server under at least 10,000 hostile requests while a real login waits: nothing is
 * accepted, nothing is reflected unescaped, the process keeps answering within its memory, and the
 * genuine callback still gets through at once.
 */
class HostileCallbackTest {

    private static final int HOSTILE_REQUESTS = 10_000;
    private static final int HELD_CONNECTIONS = 300;

    /** The callback server listening on {@code redirectUri}, expecting {@code expected}: as a login starts it. */
    static CallbackServer started(URI redirectUri, AuthorizationResponse.Expected expected) throws LoginException {
        CallbackServer server = CallbackServer.start(redirectUri);
        server.expect(expected);
        return server;
    }

    @Test
    void hostileTrafficDuringARealLoginIsRefusedAndTheLoginStillCompletes() throws Exception {
        TestKeycloak.get();
        try (CliProcess cli = CliProcess.start("--config", "keycloak/demo.ini", "--no-browser", "--timeout", "300");
                Chromium chromium = Chromium.start()) {
            String authorizationUrl = cli.awaitAuthorizationUrl();
            AtomicLong peakRssKiB = new AtomicLong();
            Thread sampler = sampleMemory(cli, peakRssKiB);

            HostileClient hostile = new HostileClient(5004);
            List<Socket> held = hostile.holdConnections(HELD_CONNECTIONS);
            long started = System.nanoTime();
            hostile.send(HOSTILE_REQUESTS, 16, () -> assertStillAnswering(cli));
            long hostileMillis = (System.nanoTime() - started) / 1_000_000;
            assertStillAnswering(cli);

            // The genuine login, while the slow connections are still held open.
            chromium.driver.get(authorizationUrl);
            SignIn.type(chromium.driver, "Keycloak login", By.id("username"), TestKeycloak.username(), Duration.ofSeconds(10));
            SignIn.type(chromium.driver, "Keycloak login", By.id("password"), TestKeycloak.password(), Duration.ofSeconds(2));
            long submitted = System.nanoTime();
            SignIn.click(chromium.driver, "Keycloak login", By.id("kc-login"), Duration.ofSeconds(2));
            cli.awaitErrLine(line -> line.startsWith("Step 5:"), Duration.ofSeconds(10));
            long genuineMillis = (System.nanoTime() - submitted) / 1_000_000;
            int exitCode = cli.waitFor(Duration.ofSeconds(30));
            sampler.interrupt();
            HostileClient.closeAll(held);

            System.out.printf("[hostile] %d requests sent (%d of them held open) in %d ms; answers by status (0 = closed): %s; "
                    + "accepted: %d; process alive throughout: yes; peak RSS %d MiB; genuine callback handled %d ms after "
                    + "the sign-in was submitted%n", hostile.sent.get(), HELD_CONNECTIONS, hostileMillis, hostile.statusCounts(),
                    hostile.problems.stream().filter(p -> p.startsWith("not refused")).count(), peakRssKiB.get() / 1024, genuineMillis);
            assertTrue(hostile.sent.get() >= HOSTILE_REQUESTS, "sent " + hostile.sent.get());
            assertEquals(List.of(), hostile.problems.stream().limit(10).toList());
            assertEquals(0, exitCode, cli.err());
            assertTrue(cli.out().strip().split("\\.").length == 3, "a token on stdout: " + cli.out());
            assertTrue(genuineMillis < 2000, "genuine callback took " + genuineMillis + " ms");
            assertTrue(peakRssKiB.get() > 0 && peakRssKiB.get() < 256 * 1024, "peak RSS " + peakRssKiB.get() + " KiB");
        }
    }

    @Test
    void afterHostileTrafficTheServerHoldsNoThreadOrConnection() throws Exception {
        String state = AuthorizationRequest.newState();
        CallbackServer server = started(URI.create("http://localhost:0/callback.html"),
                new AuthorizationResponse.Expected(state, "https://idp.example", false));
        int port = server.redirectUri().getPort();
        HostileClient hostile = new HostileClient(port);
        List<Socket> held = hostile.holdConnections(200);
        hostile.send(1_000, 8, () -> { });
        RawHttp.get(port, "/callback.html?code=genuine&state=" + state);
        assertEquals("genuine", server.awaitCode(Duration.ofSeconds(5)));

        assertTrue(Threads.await(() -> held.stream().allMatch(HostileClient::closedByServer), Duration.ofSeconds(5)),
                "every held connection was closed by the server");
        assertTrue(Threads.await(() -> Threads.named("callback-server-", "HTTP-Dispatcher", "idle-timeout-task",
                "req-rsp-timeout-task").isEmpty(), Duration.ofSeconds(5)), "threads left: "
                + Threads.named("callback-server-", "HTTP-Dispatcher", "idle-timeout-task", "req-rsp-timeout-task"));
        org.junit.jupiter.api.Assertions.assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        HostileClient.closeAll(held);
        assertEquals(List.of(), hostile.problems.stream().limit(10).toList());
    }

    /**
     * A local slowloris: far more half-sent requests than the server reads at once, held for the
     * whole test (each one the server cuts is replaced at once). Fresh requests are still answered
     * at once, and the genuine callback gets through.
     */
    @Test
    void theCallbackGetsThroughWhileAThousandSlowConnectionsAreHeld() throws Exception {
        String state = AuthorizationRequest.newState();
        CallbackServer server = started(URI.create("http://localhost:0/callback.html"),
                new AuthorizationResponse.Expected(state, "https://idp.example", false));
        int port = server.redirectUri().getPort();
        try (SlowFlood flood = new SlowFlood(port, 1_000)) {
            assertTrue(flood.awaitHeld(1_000, Duration.ofSeconds(20)), "the flood holds " + flood.held.get() + " connections");
            Thread.sleep(1000); // the flood at full strength
            long slowest = slowestOfProbes(port, 50);
            long started = System.nanoTime();
            RawHttp.Response page = RawHttp.get(port, "/callback.html?code=genuine&state=" + state);
            long genuineMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, page.status(), page.head());
            assertEquals("genuine", server.awaitCode(Duration.ofSeconds(5)));
            System.out.printf("[flood] %d slow connections held; %d cut off by the server meanwhile; slowest of 50 probes %d ms;"
                    + " genuine callback %d ms; callback-server threads at the end: %d%n", flood.held.get(),
                    flood.closedByServer.get(), slowest, genuineMillis, Threads.named("callback-server-").size());
            assertTrue(slowest < 1000 && genuineMillis < 1000, "slowest probe " + slowest + " ms, callback " + genuineMillis + " ms");
        } finally {
            server.close();
        }
    }

    /**
     * More slow connections than the server keeps open (each one it closes comes back at once): the
     * oldest make room for the newest, so the browser's fresh request is still read and answered.
     */
    @Test
    void theCallbackGetsThroughAFloodOfMoreConnectionsThanTheServerKeeps() throws Exception {
        String state = AuthorizationRequest.newState();
        CallbackServer server = started(URI.create("http://localhost:0/callback.html"),
                new AuthorizationResponse.Expected(state, "https://idp.example", false));
        int port = server.redirectUri().getPort();
        try (SlowFlood flood = new SlowFlood(port, 3 * CallbackServer.MAX_CONNECTIONS)) {
            assertTrue(Threads.await(() -> flood.closedByServer.get() > 3 * CallbackServer.MAX_CONNECTIONS, Duration.ofSeconds(20)),
                    "the flood is turning over: " + flood.closedByServer.get());
            long slowest = slowestOfProbes(port, 20);
            long started = System.nanoTime();
            assertEquals(200, RawHttp.get(port, "/callback.html?code=genuine&state=" + state).status());
            long genuineMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals("genuine", server.awaitCode(Duration.ofSeconds(5)));
            System.out.printf("[flood beyond the cap] %d connections held by the flood; %d closed by the server; slowest of 20 probes"
                    + " %d ms; genuine callback %d ms%n", flood.held.get(), flood.closedByServer.get(), slowest, genuineMillis);
            assertTrue(slowest < 3000 && genuineMillis < 3000, "slowest probe " + slowest + " ms, callback " + genuineMillis + " ms");
        } finally {
            server.close();
        }
    }

    @Test
    void aLoginThatTimesOutUnderAFloodSaysThePortWasFlooded() throws Exception {
        CallbackServer server = started(URI.create("http://localhost:0/callback.html"),
                new AuthorizationResponse.Expected(AuthorizationRequest.newState(), "https://idp.example", false));
        try (SlowFlood flood = new SlowFlood(server.redirectUri().getPort(), 600)) {
            LoginException e = org.junit.jupiter.api.Assertions.assertThrows(LoginException.class,
                    () -> server.awaitCode(Duration.ofSeconds(4)));
            assertEquals(LoginException.Exit.CALLBACK_TIMEOUT, e.exit());
            assertTrue(e.getMessage().contains("the port was flooded"), e.getMessage());
        }
    }

    /** The favicon probe: a 404 within 2 s, from a process that is still alive. */
    private static void assertStillAnswering(CliProcess cli) {
        assertTrue(cli.isAlive(), "the login process died: " + cli.err());
        try {
            long started = System.nanoTime();
            assertEquals(404, RawHttp.get(5004, "/favicon.ico").status());
            assertTrue(System.nanoTime() - started < 2_000_000_000L, "the probe took over 2 s");
        } catch (java.io.IOException e) {
            throw new AssertionError("the callback server stopped answering: " + e, e);
        }
    }

    private static Thread sampleMemory(CliProcess cli, AtomicLong peakKiB) {
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted() && cli.isAlive()) {
                try {
                    peakKiB.accumulateAndGet(cli.peakRssKiB(), Math::max);
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception processEnded) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        return sampler;
    }

    /** Sends {@code probes} requests for another path, one after another; each must be answered (404). The slowest, in ms. */
    private static long slowestOfProbes(int port, int probes) throws Exception {
        long slowest = 0;
        for (int probe = 0; probe < probes; probe++) {
            long started = System.nanoTime();
            assertEquals(404, RawHttp.get(port, "/favicon.ico").status(), "probe " + probe + " was answered");
            slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
        }
        return slowest;
    }
}
