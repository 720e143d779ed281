package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line: values, defaults, and a clear usage error (exit 2) for every mistake. */
class ArgumentsTest {

    private static String usageError(String... args) {
        LoginException e = assertThrows(LoginException.class, () -> Arguments.parse(args));
        assertEquals(LoginException.Exit.USAGE, e.exit(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void defaultsApplyWhenNothingIsGiven() throws Exception {
        Arguments arguments = Arguments.parse();
        assertNull(arguments.configFile());
        assertEquals(Overrides.NONE, arguments.overrides());
        assertEquals(new Limits(Duration.ofSeconds(300), Duration.ofSeconds(10), Duration.ofSeconds(30)), arguments.limits());
        assertEquals(Arguments.Output.TOKEN, arguments.output());
    }

    @Test
    void valuesReachTheirFields() throws Exception {
        Arguments arguments = Arguments.parse("--config", "my.ini", "--client-id", "c", "--authority=https://a.example",
                "--timeout", "5", "-o", "JSON", "-v", "-q", "--no-browser");
        assertEquals(Path.of("my.ini"), arguments.configFile());
        assertEquals("c", arguments.overrides().get(Setting.CLIENT_ID));
        assertEquals("https://a.example", arguments.overrides().get(Setting.AUTHORITY));
        assertEquals(Duration.ofSeconds(5), arguments.limits().callbackTimeout());
        assertEquals(Arguments.Output.JSON, arguments.output());
        assertTrue(arguments.verbose() && arguments.quiet() && arguments.noBrowser());
    }

    @Test
    void anOptionGivenTwiceTakesItsLastValue() throws Exception {
        Arguments arguments = Arguments.parse("--timeout", "30", "--client-id", "a", "--timeout", "3", "--client-id", "b");
        assertEquals(Duration.ofSeconds(3), arguments.limits().callbackTimeout());
        assertEquals("b", arguments.overrides().get(Setting.CLIENT_ID));
    }

    @Test
    void aMistypedOptionGetsASuggestion() {
        assertEquals("unknown option '--verbsoe' (did you mean --verbose?)", usageError("--verbsoe"));
        assertEquals("unknown option '--client_id' (did you mean --client-id?)", usageError("--client_id", "x"));
        assertEquals("unknown option '--frobnicate'", usageError("--frobnicate"));
    }

    /** A prefix is no option (issue 22): --client-secret VALUE was once taken as --client-secret-file VALUE, and its value echoed. */
    @Test
    void anOptionIsMatchedByItsWholeNameOnly() {
        assertEquals("unknown option '--c'", usageError("--c", "x"));
        assertEquals("unknown option '--verbos' (did you mean --verbose?)", usageError("--verbos"));
        assertTrue(usageError("--client-s", "x").startsWith("unknown option '--client-s'"));
    }

    /** The option a newcomer tries first for a secret is refused with where the secret goes; the secret is never echoed. */
    @Test
    void clientSecretOnTheCommandLineIsRefusedWithoutEchoingIt() {
        for (String[] args : new String[][] {{"--client-secret", "s3cr3t-VALUE"}, {"--client-secret=s3cr3t-VALUE"},
                {"--client-credentials", "--client-secret", "s3cr3t-VALUE"}}) {
            String message = usageError(args);
            assertTrue(message.startsWith("--client-secret is not an option: every local user can read a command line. Put the secret"
                    + " in the environment variable OCS_LOGIN_CLIENT_SECRET, or in a file only you can read (chmod 600)"), message);
            assertFalse(message.contains("s3cr3t"), message);
        }
        assertFalse(usageError("--clientsecret=s3cr3t-VALUE").contains("s3cr3t"), "an unknown option's value is never echoed");
    }

    @Test
    void anOptionWithoutItsValueSaysWhatValueItNeeds() {
        assertEquals("--output needs a value (FORMAT): token, header or json", usageError("--output"));
        assertEquals("--output needs a value (FORMAT): token, header or json", usageError("-o"));
        assertEquals("--timeout needs a value (SECONDS)", usageError("--timeout"));
    }

    @Test
    void theDemoWithAConfigFileIsRefusedInsteadOfIgnoringTheFile() {
        assertEquals("--demo signs in with its own built-in config, so --config my.ini would not be read; leave out one of them",
                usageError("--demo", "--config", "my.ini"));
    }

    @Test
    void badNumbersAndFormatsAreUsageErrors() {
        assertTrue(usageError("--timeout", "abc").startsWith("--timeout must be a whole number of seconds from 1 to 86400"));
        assertTrue(usageError("--read-timeout", "0").startsWith("--read-timeout must be"));
        assertTrue(usageError("--connect-timeout", "86401").startsWith("--connect-timeout must be"));
        assertEquals("--output must be token, header or json, not 'xml'", usageError("-o", "xml"));
        assertTrue(usageError("--config").contains("config"), "a missing value names the option");
    }

    @Test
    void strayArgumentsAreRefused() {
        assertTrue(usageError("config.ini").startsWith("unexpected argument 'config.ini'"));
    }

    @Test
    void controlCharactersInArgumentsAreNotEchoed() {
        assertTrue(!usageError("--x\u001b[2J").contains("\u001b"));
    }

    @Test
    void helpListsEveryOptionInEightyColumnsAndPointsToTheExitCodes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Arguments.printHelp(new PrintStream(out, true, StandardCharsets.UTF_8));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("Usage: ocs-login [OPTIONS] [exec -- COMMAND [ARGS...] | api PATH]\n"), help);
        for (Setting setting : Setting.values()) {
            assertTrue(help.contains("  " + setting.option() + " " + setting.argument), setting.option() + " is listed: " + help);
        }
        for (String option : java.util.List.of("--config", "--device", "--paste", "--logout", "--output", "--timeout", "--demo",
                "--profile", "--method", "--header", "--input", "--include", "--token-store", "--store-client-secret", "$OCS_ACCESS_TOKEN")) {
            assertTrue(help.contains(option), option + " is listed: " + help);
        }
        for (String line : help.lines().toList()) {
            assertTrue(line.length() <= 80, "at most 80 columns: '" + line + "'");
            assertFalse(line.endsWith(" "), "no trailing space: '" + line + "'");
        }
        assertTrue(help.lines().count() <= 60, "short: " + help.lines().count() + " lines");
        assertTrue(help.contains("Exit codes: 0 when the token was printed; the others are in the README."), help);
    }

    /** Issue 27: exec and api, their options, and what cannot go with them. */
    @Test
    void execAndApiAreCommandsWithTheirOwnOptions() throws Exception {
        Arguments exec = Arguments.parse("--client-id", "c", "exec", "--", "curl", "-sS", "-H", "@-", "https://x");
        assertEquals(Arguments.Action.EXEC, exec.action());
        assertEquals(java.util.List.of("curl", "-sS", "-H", "@-", "https://x"), exec.command(), "everything after -- is the command's");
        Arguments api = Arguments.parse("api", "Tenants/{tenant}/Namespaces", "-H", "Accept: text/csv", "-H", "X-A: b", "-i");
        assertEquals(Arguments.Action.API, api.action());
        assertEquals("GET", api.api().orElseThrow().method());
        assertEquals(java.util.List.of("Accept: text/csv", "X-A: b"), api.api().orElseThrow().headers());
        assertTrue(api.api().orElseThrow().include());
        assertEquals("POST", Arguments.parse("api", "x", "--input", "-").api().orElseThrow().method(), "a body: POST unless -X says");
        assertEquals("PUT", Arguments.parse("api", "x", "-X", "put", "--input", "f").api().orElseThrow().method());
        assertEquals(Arguments.Output.HEADER, Arguments.parse("-o", "header").output());
        for (String[] wrong : java.util.List.of(new String[] {"exec"}, new String[] {"api"}, new String[] {"api", "a", "b"},
                new String[] {"-X", "POST"}, new String[] {"--input", "-"}, new String[] {"-i"}, new String[] {"exec", "--status", "--", "x"},
                new String[] {"api", "x", "--logout"}, new String[] {"api", "x", "-o", "json"}, new String[] {"api", "x", "-H", "Authorization: x"},
                new String[] {"run", "x"})) {
            LoginException e = assertThrows(LoginException.class, () -> Arguments.parse(wrong), String.join(" ", wrong));
            assertEquals(LoginException.Exit.USAGE, e.exit(), e.getMessage());
        }
        assertEquals("--paste and --input - both read stdin: give the body as --input FILE",
                assertThrows(LoginException.class, () -> Arguments.parse("--paste", "api", "x", "--input", "-")).getMessage());
        assertEquals(Arguments.SignIn.PASTE, Arguments.parse("--paste", "api", "x", "--input", "body.json").signIn());
        assertEquals("unexpected argument 'run'; every value follows its option (and the commands are exec and api)",
                assertThrows(LoginException.class, () -> Arguments.parse("run")).getMessage());
        assertEquals(java.util.Optional.of("prod"), Arguments.parse("--profile", " prod ").profile());
    }
}
