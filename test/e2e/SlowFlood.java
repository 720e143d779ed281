package login;

import system.*;
import support.*;
import keycloak.*;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local process's slowloris flood, from one thread: it holds {@code count} connections to a
 * port, each having sent the start of a request line and nothing more, and opens a new one for
 * every connection the server closes, so that the count never drops.
 */
final class SlowFlood implements AutoCloseable {

    private static final byte[] HALF_A_REQUEST = "GET /callback.html?state=".getBytes(StandardCharsets.US_ASCII);

    private final int port;
    private final Selector selector;
    private final Thread thread;
    private volatile boolean running = true;
    /** Connections that have sent their half request and are held now. */
    final AtomicInteger held = new AtomicInteger();
    /** Connections the server has closed (each was replaced by a new one). */
    final AtomicInteger closedByServer = new AtomicInteger();

    SlowFlood(int port, int count) throws IOException {
        this.port = port;
        this.selector = Selector.open();
        for (int i = 0; i < count; i++) {
            open();
        }
        thread = new Thread(this::run, "slow-flood");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until {@code count} connections are held at once. */
    boolean awaitHeld(int count, Duration limit) throws InterruptedException {
        return Threads.await(() -> held.get() >= count, limit);
    }

    private void open() throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        channel.register(selector, SelectionKey.OP_CONNECT);
    }

    private void run() {
        ByteBuffer sink = ByteBuffer.allocate(4096);
        while (running) {
            try {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    boolean wasHeld = key.isValid() && key.interestOps() == SelectionKey.OP_READ;
                    try {
                        if (!key.isValid()) {
                            throw new IOException("cancelled");
                        }
                        if (key.isConnectable()) {
                            channel.finishConnect();
                            channel.write(ByteBuffer.wrap(HALF_A_REQUEST));
                            key.interestOps(SelectionKey.OP_READ);
                            held.incrementAndGet();
                        } else if (key.isReadable()) {
                            sink.clear();
                            if (channel.read(sink) < 0) {
                                throw new IOException("closed by the server");
                            }
                        }
                    } catch (IOException | java.nio.channels.CancelledKeyException closed) {
                        if (wasHeld) {
                            held.decrementAndGet();
                        }
                        key.cancel();
                        channel.close();
                        closedByServer.incrementAndGet();
                        if (running) {
                            open();
                        }
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                // the next round tries again
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }
}
