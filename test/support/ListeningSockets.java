package support;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What a process listens on, as the kernel tells it (/proc): for tests that look from outside the code under test. */
public final class ListeningSockets {

    private ListeningSockets() {
    }

    /** Every TCP address the process {@code pid} listens on, read from /proc: its socket inodes matched to listening sockets. */
    public static List<InetSocketAddress> of(long pid) throws IOException {
        Path proc = Path.of("/proc", String.valueOf(pid));
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while listing
                }
            }
        }
        List<InetSocketAddress> listening = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> rows = Files.readAllLines(proc.resolve("net").resolve(table));
            for (String row : rows.subList(1, rows.size())) {
                String[] columns = row.trim().split("\\s+");
                if (columns[3].equals("0A") && inodes.contains(columns[9])) { // 0A: LISTEN
                    listening.add(address(columns[1]));
                }
            }
        }
        return listening;
    }

    /** /proc/net/tcp's "0100007F:1394": the address's 32-bit words in host (little-endian) order, then the port. */
    private static InetSocketAddress address(String hexAddressAndPort) throws IOException {
        String[] parts = hexAddressAndPort.split(":");
        byte[] raw = new BigInteger("1" + parts[0], 16).toByteArray();
        byte[] words = java.util.Arrays.copyOfRange(raw, raw.length - parts[0].length() / 2, raw.length);
        byte[] address = new byte[words.length];
        for (int word = 0; word < words.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                address[word + i] = words[word + 3 - i];
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(address), Integer.parseInt(parts[1], 16));
    }

}
