package login;

import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README says what the code says: its exit codes are those of their one owner, {@link LoginException.Exit}. */
class ReadmeTest {

    @Test
    void theExitCodesOfTheReadmeAreThoseOfTheCode() throws Exception {
        List<String> table = Files.readAllLines(Path.of("README.md")).stream().filter(line -> line.matches("\\| \\d+ \\| .* \\|")).toList();
        List<String> code = Stream.of(LoginException.Exit.values()).map(exit -> "| " + exit.code + " | " + exit.meaning + " |").toList();
        assertEquals(code, table);
    }

    @Test
    void theReadmeStartsWithWhatThisIsAndTheTwoCommands() throws Exception {
        List<String> first = Files.readAllLines(Path.of("README.md")).subList(0, 30);
        assertTrue(first.contains("./jbang OcsPkceLogin.java --demo"), "the demo within the first 30 lines");
        assertTrue(first.stream().anyMatch(line -> line.startsWith("./jbang OcsPkceLoginTest.java ")), "the tests within the first 30 lines");
    }
}
