package system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which program shows the browser's launch page, and in which form it gets the page's address: the
 * {@code Browser} setting or {@code $BROWSER} (read as words, as a shell would, without running one),
 * else the platform's own way. In WSL that is Windows' default browser ({@code wslview}, else
 * {@code cmd.exe /c start ""}), which needs the page as a Windows path ({@code wslpath -w}); so does a
 * Windows program ({@code .exe}) named by {@code $BROWSER} there.
 *
 * @param words   the command, with {@code %s} where the page's address goes
 * @param address the form of that address
 */
public record BrowserLauncher(List<String> words, Address address) {

    /** Where this runs, as far as opening a browser goes. */
    public enum Platform {
        LINUX, WSL, MAC, WINDOWS;

        /**
         * This system: WSL when Microsoft says so (its {@code WSL_DISTRO_NAME}, the interop entry of
         * binfmt_misc, or a kernel release naming Microsoft), and otherwise by {@code os.name}.
         */
        public static Platform of(Map<String, String> environment) {
            String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
            if (os.contains("mac")) {
                return MAC;
            }
            if (os.contains("win")) {
                return WINDOWS;
            }
            if (!isBlank(environment.get("WSL_DISTRO_NAME")) || Files.exists(Path.of("/proc/sys/fs/binfmt_misc/WSLInterop"))
                    || kernelRelease().contains("microsoft")) {
                return WSL;
            }
            return LINUX;
        }

        private static String kernelRelease() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/osrelease")).toLowerCase(Locale.ROOT);
            } catch (IOException | RuntimeException notLinux) {
                return "";
            }
        }
    }

    /** The page's address as the program needs it: a {@code file:} URI, or a Windows path of a file in WSL's file system. */
    public enum Address { FILE_URI, WINDOWS_PATH }

    /**
     * The launcher for {@code platform}: {@code configured} (the Browser setting, else {@code $BROWSER})
     * when there is one; {@code programs} finds a program on the PATH.
     */
    public static BrowserLauncher choose(Platform platform, Optional<String> configured, Map<String, String> environment, Programs programs)
            throws IOException {
        if (configured.isPresent() && !configured.get().isBlank()) {
            List<String> words = new ArrayList<>(words(configured.get(), programs));
            if (words.stream().noneMatch(word -> word.contains("%s"))) {
                words.add("%s");
            }
            boolean windowsProgram = platform == Platform.WSL && words.get(0).toLowerCase(Locale.ROOT).endsWith(".exe");
            return new BrowserLauncher(words, windowsProgram ? Address.WINDOWS_PATH : Address.FILE_URI);
        }
        return switch (platform) {
            case MAC -> new BrowserLauncher(List.of("open", "%s"), Address.FILE_URI);
            case WINDOWS -> new BrowserLauncher(List.of("rundll32", "url.dll,FileProtocolHandler", "%s"), Address.FILE_URI);
            // start's first quoted word is a window's title: an empty one first, so that a quoted path (with spaces) is the page
            case WSL -> programs.find("wslview").isPresent() ? new BrowserLauncher(List.of("wslview", "%s"), Address.WINDOWS_PATH)
                    : new BrowserLauncher(List.of("cmd.exe", "/c", "start", "", "%s"), Address.WINDOWS_PATH);
            case LINUX -> {
                if (isBlank(environment.get("DISPLAY")) && isBlank(environment.get("WAYLAND_DISPLAY"))) {
                    throw new IOException("this session has no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)");
                }
                yield new BrowserLauncher(List.of("xdg-open", "%s"), Address.FILE_URI);
            }
        };
    }

    /** Finds a program by name on the PATH. */
    @FunctionalInterface
    public interface Programs {
        Optional<Path> find(String name);

        /** The programs of {@code environment}'s PATH. */
        static Programs onPath(Map<String, String> environment) {
            return name -> {
                for (String folder : environment.getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                    if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, name)) && !Files.isDirectory(Path.of(folder, name))) {
                        return Optional.of(Path.of(folder, name));
                    }
                }
                return Optional.empty();
            };
        }
    }

    /**
     * {@code value} as a shell splits it into words, without running a shell: white space separates,
     * {@code '...'} keeps everything, {@code "..."} keeps everything but {@code \"}, {@code \\},
     * {@code \$} and {@code \`}, and a backslash outside quotes keeps the next character. A value
     * without quotes that names an existing program as a whole (a path with spaces, as WSL users set
     * {@code BROWSER="/mnt/c/Program Files/.../chrome.exe"}) is that one word.
     */
    public static List<String> words(String value, Programs programs) {
        String whole = value.strip();
        if (!whole.contains("\"") && !whole.contains("'") && !whole.contains("\\") && whole.contains(" ")
                && Files.isExecutable(Path.of(whole)) && !Files.isDirectory(Path.of(whole))) {
            return List.of(whole);
        }
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < whole.length(); i++) {
            char c = whole.charAt(i);
            if (c == '\'') {
                int end = whole.indexOf('\'', i + 1);
                end = end < 0 ? whole.length() : end;
                word.append(whole, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < whole.length() && whole.charAt(j) != '"'; j++) {
                    char d = whole.charAt(j);
                    if (d == '\\' && j + 1 < whole.length() && "\"\\$`".indexOf(whole.charAt(j + 1)) >= 0) {
                        word.append(whole.charAt(++j));
                    } else {
                        word.append(d);
                    }
                }
                i = j;
                inWord = true;
            } else if (c == '\\' && i + 1 < whole.length()) {
                word.append(whole.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** A Windows path as a {@code file:} URI, as Windows' URL handler takes it: {@code C:\Users\me\x.html} is {@code file:///C:/Users/me/x.html}. */
    public static String windowsFileUri(String windowsPath) {
        String slashed = windowsPath.replace('\\', '/');
        String encoded = java.net.URLEncoder.encode(slashed, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                .replace("%2F", "/").replace("%3A", ":");
        return slashed.startsWith("//") ? "file:" + encoded : "file:///" + encoded;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
