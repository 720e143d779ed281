package system;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The INI subset that Python's configparser reads and writes: {@code [Section]} headers,
 * {@code key = value} or {@code key: value} lines, whole-line {@code #}/{@code ;} comments; section
 * names and keys matched without regard to case. Each value keeps its line, for messages.
 *
 * <p>Hand-written on purpose: commons-configuration2 does the same with 4 jars and 65 ms more at
 * every start (measured), and does not say on which line a value stands.
 *
 * @param source   the file's name, for messages
 * @param sections by lower-case name
 */
public record IniFile(String source, Map<String, Section> sections) {

    /** A config file is a few lines; anything larger is the wrong file. */
    public static final int MAX_BYTES = 64 * 1024;

    /** Why a file cannot be read as INI: it is missing, or not a small INI text file; the message names the line. */
    public static final class Unreadable extends Exception {
        private final boolean missing;

        Unreadable(boolean missing, String message, Throwable cause) {
            super(message, cause);
            this.missing = missing;
        }

        /** Whether the file does not exist (rather than exists and cannot be used). */
        public boolean missing() {
            return missing;
        }
    }

    /** One value, with the key as written and its line number. */
    public record Value(String key, String value, int line) {
    }

    /** One section, with its values by lower-case key. */
    public record Section(String name, int line, Map<String, Value> values) {
        public Optional<Value> get(String key) {
            return Optional.ofNullable(values.get(key.toLowerCase(Locale.ROOT)));
        }
    }

    /** The section {@code name} (in any case), or an empty one. */
    public Section section(String name) {
        return sections.getOrDefault(name.toLowerCase(Locale.ROOT), new Section(name, 0, Map.of()));
    }

    /** Reads {@code file}: a regular file of at most 64 KiB of UTF-8. */
    public static IniFile read(Path file) throws Unreadable {
        try {
            if (Files.exists(file) && !Files.isRegularFile(file)) { // a FIFO would block, /dev/zero would never end
                throw invalid(file + " is not a regular file; a config file is a small text file");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
            if (bytes.length > MAX_BYTES) {
                throw invalid(file + " is larger than " + MAX_BYTES / 1024 + " KiB; a config file is a few lines of text");
            }
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            return parse(file.toString(), text.lines().toList());
        } catch (NoSuchFileException e) {
            throw new Unreadable(true, file + " not found", e);
        } catch (CharacterCodingException e) {
            throw new Unreadable(false, file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new Unreadable(false, file + " cannot be read: " + e, e);
        }
    }

    /** Parses INI {@code lines}; {@code source} names them in messages. A line that does not parse is named, never shown. */
    public static IniFile parse(String source, List<String> lines) throws Unreadable {
        Map<String, Section> sections = new LinkedHashMap<>();
        Map<String, Value> current = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replace("\uFEFF", "").strip();
            int number = i + 1;
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            int separator = indexOfSeparator(line);
            if (line.startsWith("[") && line.endsWith("]")) {
                String name = line.substring(1, line.length() - 1).strip();
                current = new LinkedHashMap<>();
                if (sections.putIfAbsent(name.toLowerCase(Locale.ROOT), new Section(name, number, current)) != null) {
                    throw invalid(source + " line " + number + ": the section [" + Log.printable(name, 40) + "] appears twice");
                }
            } else if (current == null || separator <= 0) {
                // The line itself is not shown: --config pointed at the wrong file must not print its secrets.
                throw invalid(source + " line " + number + ": expected [Section] or 'key = value' inside a section; is this an INI file?");
            } else {
                String key = line.substring(0, separator).strip();
                Value value = new Value(key, line.substring(separator + 1).strip(), number);
                if (current.put(key.toLowerCase(Locale.ROOT), value) != null) {
                    throw invalid(source + " line " + number + ": key '" + Log.printable(key, 40) + "' appears twice in its section");
                }
            }
        }
        return new IniFile(source, sections);
    }

    private static int indexOfSeparator(String line) {
        int equals = line.indexOf('=');
        int colon = line.indexOf(':');
        if (equals < 0 || colon < 0) {
            return Math.max(equals, colon);
        }
        return Math.min(equals, colon);
    }

    private static Unreadable invalid(String message) {
        return new Unreadable(false, message, null);
    }
}
