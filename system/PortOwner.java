package system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Who listens on a port of 127.0.0.1: this user, another, or nobody. Read from the kernel's tables
 * (Linux's {@code /proc/net/tcp}), or from the listeners this user can see ({@code lsof} on macOS,
 * {@code netstat -ano} on Windows): never asked of the listener itself, which could say anything,
 * and never by sending it a secret, which it would then have.
 */
public final class PortOwner {

    /** The answer: this user's program listens, another user's does, nothing does, or it cannot be told. */
    public enum Owner { ME, ANOTHER, NOBODY, UNKNOWN }

    private PortOwner() {
    }

    /** Who listens on 127.0.0.1:{@code port} (a listener on every address counts too). */
    public static Owner of127(int port) {
        Path tcp = Path.of("/proc/net/tcp");
        if (Files.isReadable(tcp)) {
            return fromProc(port);
        }
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        return os.contains("win") ? fromPids(netstatPids(port)) : fromPids(lsofPids(port));
    }

    /** Linux: the LISTEN entries of /proc/net/tcp and tcp6 for the port, each with the uid that owns its socket. */
    private static Owner fromProc(int port) {
        long me;
        try {
            me = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return Owner.UNKNOWN;
        }
        String hexPort = String.format("%04X", port);
        // 127.0.0.1 and 0.0.0.0 in /proc's byte order; in tcp6, as v4-mapped addresses, and ::
        List<String> addresses = List.of("0100007F:" + hexPort, "00000000:" + hexPort,
                "0000000000000000FFFF00000100007F:" + hexPort, "0000000000000000FFFF000000000000:" + hexPort,
                "00000000000000000000000000000000:" + hexPort);
        Owner owner = Owner.NOBODY;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                continue; // no IPv6
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.strip().split("\\s+");
                if (fields.length > 7 && fields[3].equals("0A") && addresses.contains(fields[1].toUpperCase(Locale.ROOT))) {
                    if (Long.parseLong(fields[7]) != me) {
                        return Owner.ANOTHER;
                    }
                    owner = Owner.ME;
                }
            }
        }
        return owner;
    }

    /** Whose the processes are; a port that answers though no listener is seen is another user's (whose sockets this user cannot list). */
    private static Owner fromPids(Optional<List<Long>> pids) {
        if (pids.isEmpty()) {
            return Owner.UNKNOWN;
        }
        String me = System.getProperty("user.name");
        Owner owner = Owner.NOBODY;
        for (long pid : pids.get()) {
            boolean mine = ProcessHandle.of(pid).flatMap(process -> process.info().user())
                    .map(user -> user.equals(me) || user.endsWith("\\" + me)).orElse(false);
            if (!mine) {
                return Owner.ANOTHER;
            }
            owner = Owner.ME;
        }
        return owner;
    }

    /** macOS and other Unixes: {@code lsof}'s listeners of the port, as far as this user may see them. */
    private static Optional<List<Long>> lsofPids(int port) {
        return run(List.of("lsof", "-nP", "-iTCP:" + port, "-sTCP:LISTEN", "-Fp")).map(output -> output.lines()
                .filter(line -> line.matches("p[0-9]+")).map(line -> Long.parseLong(line.substring(1))).toList());
    }

    /** Windows: {@code netstat -ano}'s listeners of the port, with their process IDs. */
    private static Optional<List<Long>> netstatPids(int port) {
        return run(List.of("netstat", "-ano", "-p", "TCP")).map(output -> output.lines().map(String::strip)
                .map(line -> line.split("\\s+"))
                .filter(fields -> fields.length >= 5 && fields[3].equalsIgnoreCase("LISTENING")
                        && (fields[1].equals("127.0.0.1:" + port) || fields[1].equals("0.0.0.0:" + port)))
                .map(fields -> Long.parseLong(fields[4])).toList());
    }

    private static Optional<String> run(List<String> command) {
        try {
            Process process = ChildProcess.withoutSecrets(new ProcessBuilder(command)).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(command.get(0).equals("netstat") ? "NUL" : "/dev/null")))
                    .start();
            byte[] output = process.getInputStream().readNBytes(1024 * 1024);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            // lsof exits 1 when it finds nothing: that is an answer too
            return Optional.of(new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
