package cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The walls between the packages, which the compiler keeps for what is package-private: the layers
 * go one way, and this holds them for what is public too. The command line ({@code cli}) may use
 * the protocol ({@code login}), the API calls made with the token ({@code api}), the demo's Keycloak
 * ({@code keycloak}) and the machine ({@code system}); {@code login}, {@code api} and {@code keycloak}
 * only the machine; the machine nothing of ours.
 */
class LayersTest {

    private static final Map<String, Set<String>> MAY_USE = Map.of(
            "cli", Set.of("login", "api", "keycloak", "system"),
            "login", Set.of("system"),
            "api", Set.of("system"),
            "keycloak", Set.of("system"),
            "system", Set.of());

    /** An import of one of our packages, or a name used in full ({@code keycloak.LocalKeycloak.IDLE_VARIABLE}). */
    private static final Pattern USE = Pattern.compile("(?<![\\w.\"])(cli|login|api|keycloak|system)\\.[A-Z]\\w*");

    @Test
    void eachPackageUsesOnlyThePackagesBelowIt() throws Exception {
        List<String> wrong = new ArrayList<>();
        int files = 0;
        for (Path file : productSources()) {
            String text = Files.readString(file);
            Matcher declared = Pattern.compile("(?m)^package (\\w+);").matcher(text);
            assertTrue(declared.find(), file + " declares its package");
            String own = declared.group(1);
            files++;
            String code = text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", ""); // names in comments are no use
            Matcher use = USE.matcher(code);
            while (use.find()) {
                String used = use.group(1);
                if (!used.equals(own) && !MAY_USE.get(own).contains(used)) {
                    wrong.add(file + ": " + own + " uses " + use.group());
                }
            }
        }
        assertEquals(List.of(), wrong, "imports go one way");
        assertTrue(files > 40, "every product file was read: " + files);
    }

    /** The tool's sources: its folders, and the files at the top that belong to its packages. */
    private static List<Path> productSources() throws Exception {
        List<Path> sources = new ArrayList<>(List.of(Path.of("OcsPkceLogin.java"), Path.of("PkceUtil.java"), Path.of("CallbackServer.java"),
                Path.of("LocalKeycloak.java")));
        for (String folder : List.of("cli", "login", "api", "system")) {
            try (Stream<Path> files = Files.list(Path.of(folder))) {
                files.filter(file -> file.toString().endsWith(".java")).sorted().forEach(sources::add);
            }
        }
        return sources;
    }
}
