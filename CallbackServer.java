package login;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The redirect URI's server (RFC 8252 §7.3): listens on loopback only, hands the one authorization
 * response of this login to {@link #awaitCode}, and answers every request with a small page.
 *
 * <p>It owns the redirect URI: the port is the one listened on (any free one when the configured
 * port is 0), and the login uses {@link #redirectUri()} for the authorization URL and the token
 * request alike. What a response means is decided by {@link AuthorizationResponse}; here are only
 * the transport, the paths and methods (404, 405), the pages, and the wait.
 *
 * <p>It listens before the provider is known (so that a busy port is said before anything slow),
 * and judges responses once {@link #expect} has said what this login's must be: until then every
 * request is refused.
 *
 * <p>One thread reads every connection without blocking, and a request is judged only once its
 * head has fully arrived (within 3 s, at most 8 KiB); then it gets its page and the connection is
 * closed. A connection that sends slowly, or nothing, costs a buffer and not a thread, so no number
 * of them can keep the browser's request from being read at once. (The JDK's HttpServer gives each
 * connection a blocking thread as soon as its first byte arrives: a local flood of slow connections
 * exhausts any limit on those threads.) Past 1024 open connections, the oldest is closed.
 *
 * <p>(Part of the {@code login} package, kept at the top of the repository to be read first.)
 */
final class CallbackServer implements AutoCloseable {

    /** A request's head (request line and headers) must arrive within this time... */
    static final Duration HEAD_TIMEOUT = Duration.ofSeconds(3);
    /** ...and be at most this long: a browser's callback request is well under 2 KiB. */
    static final int MAX_HEAD_BYTES = 8 * 1024;
    /** Open connections at most; a new one beyond that closes the oldest, so file descriptors never run out. */
    static final int MAX_CONNECTIONS = 1024;
    /** A browser may leave a connection or two unused; this many unfinished ones are a flood. */
    private static final int FLOOD = 64;

    private final String path;
    /** What this login's response must be; null until the login knows (a request before then is refused). */
    private volatile AuthorizationResponse.Expected expected;
    private final Selector selector;
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    /** Open connections, oldest first. Only the server's thread touches it. */
    private final Map<SocketChannel, Connection> connections = new LinkedHashMap<>();
    private final CompletableFuture<String> code = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean closing;
    /** Connections closed before they finished a request: too late, or to make room for newer ones. */
    private volatile int unfinished;
    private URI redirectUri;

    private CallbackServer(URI redirectUri) throws IOException {
        this.redirectUri = redirectUri;
        this.path = redirectUri.getRawPath();
        this.selector = Selector.open();
        this.thread = new Thread(this::serve, "callback-server-1");
        thread.setDaemon(true);
    }

    /**
     * Step 2: listens on every loopback address of the redirect URI's host: for {@code localhost} both
     * 127.0.0.1 and ::1, whatever the resolver says, since a browser may try either; no other program
     * may hold one of them while we hold the other. ::1 is left out only where the machine has no IPv6.
     */
    static CallbackServer start(URI redirectUri) throws LoginException {
        CallbackServer server = null;
        int port = redirectUri.getPort() == -1 ? 80 : redirectUri.getPort();
        try {
            server = new CallbackServer(redirectUri);
            for (InetAddress address : loopbackAddresses(redirectUri.getHost())) {
                ServerSocketChannel listener = ServerSocketChannel.open(address instanceof Inet4Address
                        ? java.net.StandardProtocolFamily.INET : java.net.StandardProtocolFamily.INET6);
                try {
                    listener.bind(new InetSocketAddress(address, port), 512);
                } catch (BindException e) {
                    listener.close();
                    if (String.valueOf(e.getMessage()).contains("in use")) {
                        throw portInUse(redirectUri, address, port);
                    }
                    if (address instanceof Inet4Address) {
                        throw e;
                    }
                    continue; // ::1 on a machine without IPv6 ("Cannot assign requested address"): 127.0.0.1 will do
                } catch (SocketException e) {
                    listener.close();
                    if (address instanceof Inet4Address) {
                        throw e;
                    }
                    continue; // no IPv6 at all ("Protocol family unavailable")
                }
                listener.configureBlocking(false);
                listener.register(server.selector, SelectionKey.OP_ACCEPT);
                server.listeners.add(listener);
                port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            }
            if (server.listeners.isEmpty()) {
                throw new LoginException(LoginException.Exit.CANNOT_LISTEN, "Could not listen on any loopback address of "
                        + redirectUri.getHost() + " for the redirect URI " + redirectUri);
            }
            server.redirectUri = new URI(redirectUri.getScheme(), null, redirectUri.getHost(), port,
                    redirectUri.getPath(), null, null);
            server.thread.start();
            return server;
        } catch (LoginException e) {
            closeQuietly(server);
            throw e;
        } catch (IOException | URISyntaxException | IllegalArgumentException | UnsupportedOperationException e) {
            closeQuietly(server);
            throw new LoginException(LoginException.Exit.CANNOT_LISTEN, "Could not listen for the redirect URI "
                    + redirectUri + ": " + e, e);
        }
    }

    /** 127.0.0.1, then ::1, for localhost; otherwise the one loopback literal of the URI. */
    private static List<InetAddress> loopbackAddresses(String host) throws IOException {
        if (host.equalsIgnoreCase("localhost")) {
            return List.of(InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}),
                    InetAddress.getByAddress("localhost", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
        }
        InetAddress literal = InetAddress.getByName(host); // LoginConfig allows loopback literals only, so no lookup is made
        if (!literal.isLoopbackAddress()) {
            throw new IOException(host + " is not a loopback address");
        }
        return List.of(literal);
    }

    private static LoginException portInUse(URI redirectUri, InetAddress address, int port) {
        return new LoginException(LoginException.Exit.PORT_IN_USE, "Port " + port + " on " + address.getHostAddress()
                + " is already in use by another program; the redirect URI " + redirectUri + " is registered with the"
                + " identity provider with this port, so stop that program (or register another redirect URI and set RedirectUri)");
    }

    /** The redirect URI as listened on (the port filled in when the configured one was 0). */
    URI redirectUri() {
        return redirectUri;
    }

    /** What this login's authorization response must be: from now on, responses are judged. */
    void expect(AuthorizationResponse.Expected expected) {
        this.expected = expected;
    }

    /** Whether this login's response (a code, or a failure) came within {@code time}; false when the wait goes on. */
    boolean responded(Duration time) throws LoginException {
        return Listening.completes(code, time, "the authorization response");
    }

    /** Step 4: waits for this login's authorization response, then stops the server, whatever the outcome. */
    String awaitCode(Duration timeout) throws LoginException {
        return awaitCode(timeout, timeout);
    }

    /** The same, within {@code left}: what is left of the login's {@code timeout}, which a timeout names. */
    String awaitCode(Duration left, Duration timeout) throws LoginException {
        try {
            return code.get(left.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new LoginException(LoginException.Exit.CALLBACK_TIMEOUT, "No authorization response reached "
                    + redirectUri + " within " + timeout.toSeconds() + " s: was the sign-in finished in the browser? If the"
                    + " browser shows an error of the provider, check ClientId (an unknown client) and that the client's redirect"
                    + " URIs hold " + redirectUri + " exactly (invalid redirect_uri); if it says the site cannot be reached, the"
                    + " browser runs on another machine: use --paste, or forward the port (" + Hints.forwardPort(redirectUri.getPort())
                    + "). --timeout SECONDS waits longer"
                    + (unfinished < FLOOD ? "" : "; meanwhile the port was flooded: "
                    + unfinished + " connections that never finished a request were closed, so another program on this"
                    + " machine may be in the way"));
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
     * Ends a pending wait, lets the page being sent (if any) finish, stops listening, and closes every
     * connection; the server's thread ends with it.
     */
    @Override
    public void close() {
        code.completeExceptionally(cancelled());
        closing = true;
        selector.wakeup();
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!thread.isAlive()) {
            closeEverything(); // never started, or ended: nothing else touches the channels now
        }
    }

    private static void closeQuietly(CallbackServer server) {
        if (server != null) {
            server.close();
        }
    }

    private static LoginException cancelled() {
        return new LoginException(LoginException.Exit.CANCELLED, "The login was cancelled while waiting for the authorization response");
    }

    /** The server's one thread: accepts, reads heads as they arrive, answers complete ones, closes late ones. */
    private void serve() {
        try {
            while (!closing) {
                selector.select(250);
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext() && !closing) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept((ServerSocketChannel) key.channel());
                    } else if (key.isReadable()) {
                        read((SocketChannel) key.channel());
                    }
                }
                closeLateConnections();
            }
        } catch (IOException | RuntimeException e) {
            code.completeExceptionally(new LoginException(LoginException.Exit.CANNOT_LISTEN,
                    "The server of the redirect URI " + redirectUri + " failed: " + e, e));
        } finally {
            closeEverything();
        }
    }

    private void accept(ServerSocketChannel listener) throws IOException {
        for (SocketChannel channel; (channel = acceptOne(listener)) != null; ) {
            if (connections.size() >= MAX_CONNECTIONS) {
                dropOldest();
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            connections.put(channel, new Connection(System.nanoTime() + HEAD_TIMEOUT.toNanos()));
        }
    }

    /** The next pending connection, or null; out of file descriptors, it makes room by closing the oldest. */
    private SocketChannel acceptOne(ServerSocketChannel listener) {
        try {
            return listener.accept();
        } catch (IOException e) {
            if (!connections.isEmpty()) {
                dropOldest();
            }
            return null;
        }
    }

    private void read(SocketChannel channel) {
        Connection connection = connections.get(channel);
        if (connection == null) {
            return;
        }
        try {
            int read = channel.read(connection.head);
            String head = connection.completeHead();
            if (head != null) {
                respond(channel, head);
            } else if (!connection.head.hasRemaining()) {
                respond(channel, null); // 8 KiB and still no end of the head
            } else if (read < 0) {
                drop(channel); // the peer gave up before finishing its request
            }
        } catch (IOException e) {
            drop(channel);
        }
    }

    /** Answers a complete head (or, when null, an oversized one) and closes the connection. */
    private void respond(SocketChannel channel, String head) throws IOException {
        Pages.Page page = head == null ? new Pages.Page(431, "Request refused", "The request's head is larger than " + MAX_HEAD_BYTES + " bytes.")
                : answer(head);
        boolean headRequest = head != null && head.startsWith("HEAD ");
        channel.write(ByteBuffer.wrap(page.toHttp(headRequest))); // a page fits the socket's empty send buffer at once
        drop(channel);
    }

    /**
     * Judges the request and, for this login's response, hands the outcome to the wait before the
     * page is sent: a browser that goes away mid-page cannot lose the code.
     */
    private Pages.Page answer(String head) {
        String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || !requestLine[1].startsWith("/")) {
            return Pages.Page.refused("This is not an HTTP/1.1 request for a path.");
        }
        String target = requestLine[1];
        int question = target.indexOf('?');
        if (!path.equals(question < 0 ? target : target.substring(0, question))) {
            return new Pages.Page(404, "Not found", "This is the redirect URI of a command-line login; there is nothing else here.");
        }
        if (!"GET".equals(requestLine[0])) {
            return new Pages.Page(405, "Request refused", "The authorization response arrives by GET.");
        }
        AuthorizationResponse.Expected now = expected;
        if (now == null) {
            return Pages.Page.refused("No login is waiting for an authorization response yet.");
        }
        AuthorizationResponse verdict = AuthorizationResponse.judge(question < 0 ? null : target.substring(question + 1), now);
        if (verdict instanceof AuthorizationResponse.Refused refused) {
            return Pages.Page.refused(refused.reason());
        }
        boolean first = verdict instanceof AuthorizationResponse.Accepted accepted
                ? code.complete(accepted.code())
                : code.completeExceptionally(((AuthorizationResponse.Failed) verdict).failure());
        if (!first) {
            return Pages.Page.refused("This login has already received its authorization response.");
        }
        return verdict instanceof AuthorizationResponse.Failed failed
                ? new Pages.Page(200, "Login failed", failed.failure().getMessage())
                : new Pages.Page(200, "Login complete", "You can return to the application and close this tab.");
    }

    private void closeLateConnections() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<SocketChannel, Connection>> oldestFirst = connections.entrySet().iterator(); oldestFirst.hasNext(); ) {
            Map.Entry<SocketChannel, Connection> entry = oldestFirst.next();
            if (entry.getValue().deadline - now > 0) {
                return; // the rest are younger
            }
            oldestFirst.remove();
            closeChannel(entry.getKey());
            unfinished++;
        }
    }

    /** Makes room: the oldest connection has not finished its request, and never will now. */
    private void dropOldest() {
        drop(connections.keySet().iterator().next());
        unfinished++;
    }

    private void drop(SocketChannel channel) {
        connections.remove(channel);
        closeChannel(channel);
    }

    private void closeEverything() {
        connections.keySet().forEach(CallbackServer::closeChannel);
        connections.clear();
        listeners.forEach(CallbackServer::closeChannel);
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    private static void closeChannel(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed by the peer
        }
    }

    /** What has arrived of one connection's request head, and when it must be complete. */
    private static final class Connection {
        final ByteBuffer head = ByteBuffer.allocate(MAX_HEAD_BYTES);
        final long deadline;
        private int searched;

        Connection(long deadline) {
            this.deadline = deadline;
        }

        /** The head up to its blank line (CR LF CR LF), once it has arrived; else null. Each byte is looked at once. */
        String completeHead() {
            byte[] bytes = head.array();
            for (int i = Math.max(searched, 3); i < head.position(); i++) {
                if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                    return new String(bytes, 0, i - 1, StandardCharsets.ISO_8859_1);
                }
            }
            searched = head.position();
            return null;
        }
    }
}
