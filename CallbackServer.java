import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The redirect URI's server (RFC 8252 §7.3): listens on loopback only, hands the one authorization
 * response of this login to {@link #awaitCode}, and answers every request with a small page.
 *
 * <p>It owns the redirect URI: the port is the one listened on (any free one when the configured
 * port is 0), and the login uses {@link #redirectUri()} for the authorization URL and the token
 * request alike. What a response means is decided by {@link AuthorizationResponse}; here are only
 * the transport, the paths and methods (404, 405), the pages, and the wait.
 */
public final class CallbackServer implements AutoCloseable {

    static {
        // Limits of the JDK server, read once when its classes load: a request's headers must arrive
        // within 3 s, and connections that never send anything are closed on the next 1 s tick.
        setDefault("sun.net.httpserver.maxReqTime", "3");
        setDefault("sun.net.httpserver.clockTick", "1000");
    }

    private static final int MAX_THREADS = 256;

    private final String path;
    private final AuthorizationResponse.Expected expected;
    private final List<HttpServer> listeners = new ArrayList<>();
    private final ExecutorService workers;
    private final CompletableFuture<String> code = new CompletableFuture<>();
    /** Counted down once the page that told the browser this login's outcome has been sent (or failed to be). */
    private final CountDownLatch verdictPageSent = new CountDownLatch(1);
    private volatile boolean answered;
    private URI redirectUri;

    private CallbackServer(URI redirectUri, AuthorizationResponse.Expected expected) {
        this.redirectUri = redirectUri;
        this.path = redirectUri.getRawPath();
        this.expected = expected;
        AtomicInteger threads = new AtomicInteger();
        // A thread per request being read, so that slow senders (each held at most maxReqTime) never
        // hold up the browser's request, which gets its own; past 256 at once, connections are refused.
        this.workers = new ThreadPoolExecutor(0, MAX_THREADS, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(null, task, "callback-server-" + threads.incrementAndGet(), 256 * 1024);
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Step 2: listens on every loopback address of the redirect URI's host (127.0.0.1 and ::1 for localhost). */
    public static CallbackServer start(URI redirectUri, AuthorizationResponse.Expected expected) throws LoginException {
        CallbackServer server = new CallbackServer(redirectUri, expected);
        int port = redirectUri.getPort() == -1 ? 80 : redirectUri.getPort();
        try {
            for (InetAddress address : InetAddress.getAllByName(redirectUri.getHost())) {
                if (!address.isLoopbackAddress()) {
                    continue;
                }
                try {
                    HttpServer listener = HttpServer.create(new InetSocketAddress(address, port), 64);
                    listener.createContext("/", server::handle);
                    listener.setExecutor(server.workers);
                    listener.start();
                    server.listeners.add(listener);
                    port = listener.getAddress().getPort();
                } catch (BindException e) {
                    if (String.valueOf(e.getMessage()).contains("in use")) {
                        throw portInUse(redirectUri, address, port);
                    }
                    // e.g. ::1 on a machine without IPv6: the other loopback addresses will do
                }
            }
            if (server.listeners.isEmpty()) {
                throw new LoginException(LoginException.Exit.CANNOT_LISTEN, "Could not listen on any loopback address of "
                        + redirectUri.getHost() + " for the redirect URI " + redirectUri);
            }
            server.redirectUri = new URI(redirectUri.getScheme(), null, redirectUri.getHost(), port,
                    redirectUri.getPath(), null, null);
            return server;
        } catch (LoginException e) {
            server.close();
            throw e;
        } catch (IOException | URISyntaxException e) {
            server.close();
            throw new LoginException(LoginException.Exit.CANNOT_LISTEN, "Could not listen for the redirect URI "
                    + redirectUri + ": " + e, e);
        }
    }

    private static LoginException portInUse(URI redirectUri, InetAddress address, int port) {
        return new LoginException(LoginException.Exit.PORT_IN_USE, "Port " + port + " on " + address.getHostAddress()
                + " is already in use by another program; the redirect URI " + redirectUri + " is registered with the"
                + " identity provider with this port, so stop that program (or register another redirect URI and set RedirectUri)");
    }

    /** The redirect URI as listened on (the port filled in when the configured one was 0). */
    public URI redirectUri() {
        return redirectUri;
    }

    /** Step 4: waits for this login's authorization response, then stops the server, whatever the outcome. */
    public String awaitCode(Duration timeout) throws LoginException {
        try {
            return code.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new LoginException(LoginException.Exit.CALLBACK_TIMEOUT, "No authorization response reached "
                    + redirectUri + " within " + timeout.toSeconds() + " s: was the sign-in finished in the browser?"
                    + " (--timeout SECONDS waits longer)");
        } catch (ExecutionException e) {
            throw (LoginException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancelled();
        } finally {
            close();
        }
    }

    /**
     * Stops listening, closes every connection, ends every thread of this server, and ends a pending
     * wait. The page with this login's outcome, if one is being sent, gets up to a second to finish.
     */
    @Override
    public void close() {
        code.completeExceptionally(cancelled());
        if (answered) {
            try {
                verdictPageSent.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        listeners.forEach(listener -> listener.stop(0));
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static LoginException cancelled() {
        return new LoginException(LoginException.Exit.CANCELLED, "The login was cancelled while waiting for the authorization response");
    }

    /** What one request gets; {@code verdict} for the page that tells the browser this login's outcome. */
    private record Page(int status, String title, String detail, boolean verdict) {
        Page(int status, String title, String detail) {
            this(status, title, detail, false);
        }

        static Page refused(String detail) {
            return new Page(400, "Request refused", detail);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Page page = null;
        try {
            page = answer(exchange);
            send(exchange, page);
        } finally {
            exchange.close();
            if (page != null && page.verdict()) {
                verdictPageSent.countDown();
            }
        }
    }

    /**
     * Judges the request and, for this login's response, hands the outcome to the wait before any
     * page is sent: a browser that goes away mid-page cannot lose the code.
     */
    private Page answer(HttpExchange exchange) {
        if (!path.equals(exchange.getRequestURI().getRawPath())) {
            return new Page(404, "Not found", "This is the redirect URI of a command-line login; there is nothing else here.");
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            return new Page(405, "Request refused", "The authorization response arrives by GET.");
        }
        AuthorizationResponse verdict = AuthorizationResponse.judge(exchange.getRequestURI().getRawQuery(), expected);
        if (verdict instanceof AuthorizationResponse.Refused refused) {
            return Page.refused(refused.reason());
        }
        boolean first = verdict instanceof AuthorizationResponse.Accepted accepted
                ? code.complete(accepted.code())
                : code.completeExceptionally(((AuthorizationResponse.Failed) verdict).failure());
        if (!first) {
            return Page.refused("This login has already received its authorization response.");
        }
        answered = true;
        return verdict instanceof AuthorizationResponse.Failed failed
                ? new Page(200, "Login failed", failed.failure().getMessage(), true)
                : new Page(200, "Login complete", "You can return to the application and close this tab.", true);
    }

    private static void send(HttpExchange exchange, Page page) throws IOException {
        byte[] body = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escapeHtml(page.title())
                + "</title></head>\n<body><h1>" + escapeHtml(page.title()) + "</h1>\n<p>" + escapeHtml(page.detail())
                + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "text/html; charset=utf-8");
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Content-Security-Policy", "default-src 'none'");
        headers.set("Referrer-Policy", "no-referrer");
        if (page.status() == 405) {
            headers.set("Allow", "GET");
        }
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(page.status(), head ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    /** Every reflected value goes through here: the five characters that matter in HTML text and attributes. */
    static String escapeHtml(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** For tests: the addresses actually listened on. */
    List<InetSocketAddress> listeningAddresses() {
        return listeners.stream().map(HttpServer::getAddress).toList();
    }
}
