package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scripts list their sources by explicit paths, not globs (JBang drops globs when a catalog
 * alias runs from a URL): every source file of a folder must be listed, and nothing else.
 */
class SourcesTest {

    /** The //SOURCES paths of {@code script}. */
    private static Set<String> listed(Path script) throws IOException {
        Set<String> paths = new TreeSet<>();
        for (String line : Files.readAllLines(script)) {
            if (line.startsWith("//SOURCES ")) {
                paths.addAll(List.of(line.substring("//SOURCES ".length()).strip().split("\\s+")));
            }
        }
        return paths;
    }

    private static Set<String> filesIn(String... folders) throws IOException {
        Set<String> files = new TreeSet<>();
        for (String folder : folders) {
            try (Stream<Path> listing = Files.list(Path.of(folder))) {
                listing.map(Path::toString).filter(name -> name.endsWith(".java")).forEach(files::add);
            }
        }
        return files;
    }

    @Test
    void theToolListsEverySourceOfItsFoldersAndNoGlob() throws IOException {
        Set<String> listed = listed(Path.of("OcsPkceLogin.java"));
        assertFalse(listed.stream().anyMatch(path -> path.contains("*")), listed.toString());
        Set<String> expected = filesIn("login", "cli", "api", "system");
        expected.addAll(List.of("PkceUtil.java", "CallbackServer.java", "LocalKeycloak.java"));
        assertEquals(expected, listed);
    }

    @Test
    void theTestRunnerListsEveryTestSourceAndNoGlob() throws IOException {
        Set<String> listed = listed(Path.of("OcsPkceLoginTest.java"));
        assertFalse(listed.stream().anyMatch(path -> path.contains("*")), listed.toString());
        Set<String> expected = filesIn("test/support", "test/unit", "test/local", "test/e2e");
        expected.add("OcsPkceLogin.java");
        assertEquals(expected, listed);
    }

    /** LocalKeycloak is a script of its own: what it lists must be enough to build it alone (its own tests run it so). */
    @Test
    void localKeycloakListsOnlyFilesThatExist() throws IOException {
        for (String path : listed(Path.of("LocalKeycloak.java"))) {
            assertFalse(!Files.isRegularFile(Path.of(path)), path + " is listed by LocalKeycloak.java but does not exist");
        }
    }

    /**
     * Every string of the tool's code is plain ASCII: what it says reads the same in any locale, where
     * Java 17 writes to a terminal without one (LANG unset: containers, CI runners, ssh) in ASCII and
     * shows anything else, such as the sign of a section in "RFC 6749 section 4.4", as '?'.
     */
    @Test
    void theToolsOwnWordsArePlainAsciiForTerminalsWithoutALocale() throws IOException {
        Pattern literal = Pattern.compile("\"(?:\\\\.|[^\"\\\\\n])*\"");
        List<String> wrong = new ArrayList<>();
        Set<String> sources = listed(Path.of("OcsPkceLogin.java"));
        sources.add("OcsPkceLogin.java");
        for (String source : sources) {
            List<String> lines = Files.readAllLines(Path.of(source));
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
                    continue; // comments are for readers of the code, who have the file's UTF-8
                }
                Matcher string = literal.matcher(lines.get(i).replaceAll("\\s//\\s.*$", ""));
                while (string.find()) {
                    if (!string.group().chars().allMatch(c -> c < 128)) {
                        wrong.add(source + ":" + (i + 1) + ": " + string.group());
                    }
                }
            }
        }
        assertEquals(List.of(), wrong);
    }
}
