package support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A controllable stand-in for a broken or hostile identity provider, on loopback: each path answers
 * as the test scripts it (a status and body, a flood, a truncated body, a redirect, or silence).
 * Only for failure tests; the end-to-end tests use a real Keycloak.
 */
public final class ScriptedProvider implements AutoCloseable {

    /** What one request gets. */
    @FunctionalInterface
    public interface Answer {
        void write(OutputStream out) throws IOException, InterruptedException;
    }

    /** A request as received: method, path, body (the token request's form), and its head. */
    public record Request(String method, String path, String body, String head) {
        Request(String method, String path, String body) {
            this(method, path, body, "");
        }
    }

    private final ServerSocket listener;
    /** An answer that depends on the request (a refresh or a code exchange at the same token endpoint). */
    @FunctionalInterface
    public interface ByRequest {
        Answer answer(Request request);
    }

    private final Map<String, ByRequest> answers = new ConcurrentHashMap<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    public ScriptedProvider() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::accept, "scripted-provider");
        acceptor.setDaemon(true);
        acceptor.start();
        answer("/.well-known/openid-configuration", json(200, discovery().toString()));
    }

    /** The issuer, which is also the Authority to configure. */
    public URI issuer() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** A valid discovery document for this provider, to change in tests. */
    public org.json.JSONObject discovery() {
        return new org.json.JSONObject()
                .put("issuer", issuer().toString())
                .put("authorization_endpoint", issuer() + "/authorize")
                .put("token_endpoint", issuer() + "/token")
                .put("jwks_uri", issuer() + "/jwks")
                .put("code_challenge_methods_supported", List.of("S256"));
    }

    /** Answers discovery with {@link #discovery()} as {@code change} makes it. */
    public ScriptedProvider discoveryWith(java.util.function.Consumer<org.json.JSONObject> change) {
        org.json.JSONObject document = discovery();
        change.accept(document);
        return answer("/.well-known/openid-configuration", json(200, document.toString()));
    }

    /**
     * A browser that signs in at once at this provider, noting each address it is sent to in
     * {@code opened}: the front channel answers with a code; for a pushed request (RFC 9126), with the
     * state and redirect URI of the last request pushed.
     */
    public system.Browser signingIn(List<URI> opened) {
        system.Browser answering = Cli.answeringWith(Map.of("code", "the-code"));
        return url -> {
            opened.add(url);
            answering.open(url.getRawQuery().contains("request_uri=") ? lastPushed() : url);
        };
    }

    /** The authorization URL of the last pushed request, as the provider sends the browser on with it. */
    public URI lastPushed() {
        return URI.create(issuer() + "/authorize?" + requests.stream().filter(r -> r.path().equals("/par")).reduce((a, b) -> b)
                .orElseThrow().body());
    }

    public ScriptedProvider answer(String path, Answer answer) {
        answers.put(path, request -> answer);
        return this;
    }

    public ScriptedProvider answerByRequest(String path, ByRequest answer) {
        answers.put(path, answer);
        return this;
    }

    public static Answer json(int status, String body) {
        return raw(status, "application/json", body);
    }

    public static Answer raw(int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return out -> {
            out.write(head(status, "Content-Type: " + contentType + "\r\nContent-Length: " + bytes.length));
            out.write(bytes);
        };
    }

    /** Promises {@code promised} bytes, sends the start of the body, and closes. */
    public static Answer truncated(String start, int promised) {
        return out -> {
            out.write(head(200, "Content-Type: application/json\r\nContent-Length: " + promised));
            out.write(start.getBytes(StandardCharsets.UTF_8));
        };
    }

    /** A body of {@code megabytes} MiB of JSON-looking text, streamed. */
    public static Answer flood(int megabytes) {
        return out -> {
            out.write(head(200, "Content-Type: application/json\r\nContent-Length: " + (megabytes << 20)));
            byte[] chunk = "{\"a\":1}".repeat(1 << 14).substring(0, 1 << 16).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < megabytes << 4; i++) {
                out.write(chunk);
            }
        };
    }

    public static Answer redirect(String location) {
        return out -> out.write(head(302, "Location: " + location + "\r\nContent-Length: 0"));
    }

    /** Accepts the request and never answers (until this provider is closed). */
    public Answer silence() {
        return out -> closed.await();
    }

    /** Sends the headers and the first bytes of a JSON answer, then nothing more. */
    public Answer headersThenSilence() {
        return out -> {
            out.write(head(200, "Content-Type: application/json\r\nContent-Length: 100"));
            out.write("{\"issuer\":".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            closed.await();
        };
    }

    private static byte[] head(int status, String headers) {
        return ("HTTP/1.1 " + status + " Scripted\r\n" + headers + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.add(socket);
                Thread handler = new Thread(() -> serve(socket), "scripted-provider-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            String[] requestLine = head.split(" ", 3);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            String path = URI.create(requestLine[1]).getPath();
            Request request = new Request(requestLine[0], path, body, head);
            requests.add(request);
            OutputStream out = socket.getOutputStream();
            answers.getOrDefault(path, any -> raw(404, "text/plain", "not scripted")).answer(request).write(out);
            out.flush();
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away, or the test ended
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; matched < 4 && (b = in.read()) != -1; ) {
            head.write(b);
            matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        listener.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
