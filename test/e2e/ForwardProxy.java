package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A forward proxy on loopback, for the proxy tests: it opens CONNECT tunnels (and records each),
 * asks for Basic credentials when it has some, or refuses every tunnel with 502. Like a company
 * proxy, it resolves names its clients cannot: keycloak.invalid is the local Keycloak.
 */
final class ForwardProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final String credentials;
    private final boolean refuse;
    /** The targets of the CONNECT requests that reached it, e.g. "keycloak.invalid:18443". */
    final List<String> connects = new CopyOnWriteArrayList<>();
    /** The credentials each tunnel was opened with ("user:password"), when it asked. */
    final List<String> authorized = new CopyOnWriteArrayList<>();

    /** @param credentials "user:password" to ask for, or null; @param refuse whether every tunnel gets 502 */
    ForwardProxy(String credentials, boolean refuse) throws IOException {
        this.credentials = credentials;
        this.refuse = refuse;
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::accept, "forward-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread connection = new Thread(() -> serve(client), "forward-proxy-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            String[] requestLine = head.split("\r\n")[0].split(" ");
            if (!requestLine[0].equals("CONNECT")) {
                out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                client.close();
                return;
            }
            connects.add(requestLine[1]);
            if (credentials != null) {
                String given = head.lines().filter(line -> line.toLowerCase().startsWith("proxy-authorization: basic "))
                        .map(line -> new String(Base64.getDecoder().decode(line.substring(27).trim()), StandardCharsets.UTF_8))
                        .findFirst().orElse(null);
                if (!credentials.equals(given)) {
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    client.close();
                    return;
                }
                authorized.add(given);
            }
            if (refuse) {
                out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                client.close();
                return;
            }
            String host = requestLine[1].substring(0, requestLine[1].lastIndexOf(':'));
            int port = Integer.parseInt(requestLine[1].substring(requestLine[1].lastIndexOf(':') + 1));
            Socket upstream = new Socket(host.equals("keycloak.invalid") ? "127.0.0.1" : host, port);
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            pipe(upstream.getInputStream(), out, client, upstream);
            pipe(in, upstream.getOutputStream(), client, upstream);
        } catch (IOException | RuntimeException e) {
            try {
                client.close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }

    private static void pipe(InputStream from, OutputStream to, Socket one, Socket other) {
        Thread pipe = new Thread(() -> {
            try {
                from.transferTo(to);
            } catch (IOException ended) {
                // one side closed
            } finally {
                try {
                    one.close();
                    other.close();
                } catch (IOException ignored) {
                    // both gone
                }
            }
        }, "forward-proxy-pipe");
        pipe.setDaemon(true);
        pipe.start();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) != -1; ) {
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
