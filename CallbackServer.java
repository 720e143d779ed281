import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The redirect URI's server (RFC 8252 §7.3): listens on loopback only and takes exactly one
 * authorization response, the one that carries this login's {@code state}.
 *
 * <p>Anything else is refused without ending the wait: other paths get 404, other methods 405, and
 * a malformed query or a response for another login gets 400. Checks run in the order of RFC 9207
 * §2.4: {@code iss}, then {@code state}, then {@code error}, then {@code code}.
 */
public final class CallbackServer implements AutoCloseable {

    static {
        // Limits of the JDK server, read once when its classes load: a request's headers must arrive
        // within 3 s, and connections that never send anything are closed on the next 1 s tick.
        setDefault("sun.net.httpserver.maxReqTime", "3");
        setDefault("sun.net.httpserver.clockTick", "1000");
    }

    private static final int MAX_THREADS = 256;

    /** This login's {@code state}, and the issuer that must appear as {@code iss} when sent or promised. */
    public record Expected(String state, String issuer, boolean issuerRequired) {
    }

    private final String path;
    private final Expected expected;
    private final List<HttpServer> listeners = new ArrayList<>();
    private final ExecutorService workers;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final CompletableFuture<String> code = new CompletableFuture<>();
    private URI redirectUri;

    private CallbackServer(URI redirectUri, Expected expected) {
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

    /** Listens on every loopback address of the redirect URI's host (127.0.0.1 and ::1 for localhost). */
    public static CallbackServer start(URI redirectUri, Expected expected) throws LoginException {
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
                throw new LoginException(LoginException.Exit.PORT_IN_USE, "Could not listen on any loopback address of "
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
            throw new LoginException(LoginException.Exit.PORT_IN_USE, "Could not listen for the redirect URI "
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
            throw new LoginException(LoginException.Exit.CALLBACK_TIMEOUT, "Interrupted while waiting for the authorization response");
        } finally {
            close();
        }
    }

    /** Stops listening, closes every connection and ends every thread of this server. */
    @Override
    public void close() {
        listeners.forEach(listener -> listener.stop(0));
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What one request gets: a status and a page, and, for this login's response, the outcome. */
    private record Verdict(int status, String title, String detail, String code, LoginException failure) {
        static Verdict refused(int status, String detail) {
            return new Verdict(status, status == 404 ? "Not found" : "Request refused", detail, null, null);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Verdict verdict;
        try {
            verdict = judge(exchange);
            send(exchange, verdict);
        } finally {
            exchange.close();
        }
        if (verdict.code() != null) {
            code.complete(verdict.code());
        } else if (verdict.failure() != null) {
            code.completeExceptionally(verdict.failure());
        }
    }

    private Verdict judge(HttpExchange exchange) {
        if (!path.equals(exchange.getRequestURI().getRawPath())) {
            return Verdict.refused(404, "This is the redirect URI of a command-line login; there is nothing else here.");
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            return Verdict.refused(405, "The authorization response arrives by GET.");
        }
        Map<String, String> response;
        try {
            response = parseQuery(exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            return Verdict.refused(400, e.getMessage());
        }
        boolean ours = response.get("state") != null && MessageDigest.isEqual(
                response.get("state").getBytes(StandardCharsets.UTF_8), expected.state().getBytes(StandardCharsets.UTF_8));
        String iss = response.get("iss");
        if (iss != null ? !iss.equals(expected.issuer()) : expected.issuerRequired()) {
            String problem = iss == null
                    ? "The authorization response has no iss, though the identity provider promises one (RFC 9207)"
                    : "The authorization response comes from the issuer '" + LoginException.printable(iss)
                            + "', not from " + expected.issuer() + " (RFC 9207 mix-up protection)";
            return ours ? finish(null, new LoginException(LoginException.Exit.AUTHORIZATION_FAILED, problem))
                    : Verdict.refused(400, problem);
        }
        if (!ours) {
            return Verdict.refused(400, response.containsKey("state")
                    ? "This response's state does not belong to the login in progress."
                    : "This response has no state, so it cannot belong to the login in progress.");
        }
        if (response.containsKey("error")) {
            return finish(null, new LoginException.AuthorizationError(response.get("error"), response.get("error_description")));
        }
        if (response.get("code") == null || response.get("code").isEmpty()) {
            return finish(null, new LoginException(LoginException.Exit.AUTHORIZATION_FAILED,
                    "The authorization response has neither a code nor an error"));
        }
        return finish(response.get("code"), null);
    }

    /** The one response that ends the wait; any later one is refused. */
    private Verdict finish(String code, LoginException failure) {
        if (!answered.compareAndSet(false, true)) {
            return Verdict.refused(400, "This login has already received its authorization response.");
        }
        return code != null
                ? new Verdict(200, "Login complete", "You can return to the application and close this tab.", code, null)
                : new Verdict(200, "Login failed", failure.getMessage(), null, failure);
    }

    /**
     * Decodes a form-encoded query strictly: broken percent-encoding, invalid UTF-8 and repeated
     * parameters are errors (RFC 6749 §3.1: parameters MUST NOT be included more than once).
     */
    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery == null) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (parameters.put(name, value) != null) {
                throw new IllegalArgumentException("The parameter '" + name + "' appears more than once.");
            }
        }
        return parameters;
    }

    private static String decode(String encoded) {
        try {
            // Percent-decoding to bytes (as ISO-8859-1 chars), then strict UTF-8: invalid sequences fail.
            byte[] bytes = URLDecoder.decode(encoded, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new IllegalArgumentException("The query is not valid percent-encoded UTF-8.");
        }
    }

    private static void send(HttpExchange exchange, Verdict verdict) throws IOException {
        byte[] page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escapeHtml(verdict.title())
                + "</title></head>\n<body><h1>" + escapeHtml(verdict.title()) + "</h1>\n<p>" + escapeHtml(verdict.detail())
                + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "text/html; charset=utf-8");
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Content-Security-Policy", "default-src 'none'");
        headers.set("Referrer-Policy", "no-referrer");
        if (verdict.status() == 405) {
            headers.set("Allow", "GET");
        }
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(verdict.status(), head ? -1 : page.length);
        try (OutputStream body = exchange.getResponseBody()) {
            if (!head) {
                body.write(page);
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
