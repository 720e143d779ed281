package login;

import system.*;
import support.*;
import keycloak.*;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hostile traffic for the callback server, on loopback: garbage bytes, huge request lines and
 * headers, connections that hang half-sent, other methods, repeated and malformed parameters, wrong
 * states, and markup or CR/LF in everything that could be reflected. Counts what came back.
 */
final class HostileClient {

    /** Strings that must never come back unescaped. */
    static final List<String> PAYLOADS = List.of("<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
            "'><svg onload=alert(1)>", "\r\nSet-Cookie: pwned=1", "</p><h1>pwned</h1>");

    private final int port;
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final AtomicInteger sent = new AtomicInteger();
    final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());

    HostileClient(int port) {
        this.port = port;
    }

    /** Opens connections and leaves them hanging: half the request line sent, or nothing at all. */
    List<Socket> holdConnections(int count) throws IOException {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            if (i % 3 != 0) {
                socket.getOutputStream().write(("GET /callback.html?state=" + i + "&code=").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            held.add(socket);
            sent.incrementAndGet();
        }
        return held;
    }

    /** Sends {@code count} hostile requests from {@code threads} threads, calling {@code probe} every 500. */
    void send(int count, int threads, Runnable probe) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int number = i;
                results.add(pool.submit(() -> {
                    byte[] request = request(number);
                    RawHttp.Response response = RawHttp.send(port, request);
                    record(new String(request, 0, Math.min(request.length, 80), StandardCharsets.ISO_8859_1), response);
                    return null;
                }));
            }
            for (int i = 0; i < results.size(); i++) {
                results.get(i).get();
                if (i % 500 == 0) {
                    probe.run();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void record(String request, RawHttp.Response response) {
        sent.incrementAndGet();
        statuses.computeIfAbsent(response.status(), status -> new AtomicInteger()).incrementAndGet();
        boolean refused = response.status() == 0 || response.status() >= 400 && response.status() < 500 || response.status() == 501;
        if (!refused) {
            problems.add("not refused (" + response.status() + "): " + request.replaceAll("[\\r\\n]", " "));
        }
        for (String payload : PAYLOADS) {
            if (response.body().contains(payload) || response.head().contains("Set-Cookie")) {
                problems.add("reflected unescaped: " + payload.strip() + " for " + request.replaceAll("[\\r\\n]", " "));
            }
        }
    }

    /** The i-th hostile request: the kinds take turns. */
    private static byte[] request(int i) {
        Random random = new Random(i);
        String payload = PAYLOADS.get(i % PAYLOADS.size());
        String encoded = java.net.URLEncoder.encode(payload, StandardCharsets.UTF_8);
        return switch (i % 12) {
            case 0 -> randomBytes(random, 1 + random.nextInt(4096));
            case 1 -> i % 120 == 1 ? get("/callback.html?state=" + "A".repeat(1 << 20)) // a 1 MiB request line
                    : get("/callback.html?state=" + "S".repeat(1 + random.nextInt(60_000)) + "&code=x"); // huge state
            case 2 -> i % 120 == 2 ? request("GET /callback.html?state=x HTTP/1.1", "X-Big: " + "B".repeat(1 << 20)) // 1 MiB header
                    : request("GET /callback.html?code=a&state=b HTTP/1.1", "X-Many: " + "h".repeat(200));
            case 3 -> request(List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD", "CONNECT", "PWN")
                    .get(i % 9) + " /callback.html?code=a&state=b HTTP/1.1");
            case 4 -> get("/callback.html?code=a&code=b&state=" + i);
            case 5 -> get("/callback.html?code=a&state=" + i + "&state=" + i);
            case 6 -> get("/callback.html?code=%zz&state=%");
            case 7 -> get("/callback.html?code=%C3%28&state=%FF%FE" + i);
            case 8 -> get("/callback.html?code=a&state=" + (i % 2 == 0 ? "" : "wrong-" + i));
            case 9 -> get("/callback.html?error=" + encoded + "&error_description=" + encoded + "&code=" + encoded
                    + "&iss=" + encoded + "&state=" + encoded);
            case 10 -> get("/" + encoded + "?code=" + encoded);
            default -> get(List.of("/favicon.ico", "/", "/../../etc/passwd", "/callback.html/..", "//callback.html")
                    .get(i % 5) + "?state=" + encoded);
        };
    }

    private static byte[] get(String target) {
        return request("GET " + target + " HTTP/1.1");
    }

    private static byte[] request(String requestLine, String... headers) {
        StringBuilder text = new StringBuilder(requestLine).append("\r\nHost: localhost\r\nConnection: close\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** e.g. {0=12, 400=5000, 404=1700, 405=900} */
    String statusCounts() {
        Map<Integer, Integer> sorted = new TreeMap<>();
        statuses.forEach((status, count) -> sorted.put(status, count.get()));
        return sorted.toString();
    }

    static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed by the server
            }
        }
    }

    /** Whether the server closed a held connection (it reads end-of-stream, or a reset). */
    static boolean closedByServer(Socket socket) {
        try {
            socket.setSoTimeout(100);
            return socket.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
