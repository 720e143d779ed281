package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Signing in where no browser can reach the redirect URI, with the real Keycloak and Chromium:
 * the device flow (RFC 8628), and pasting back the address the browser ended at.
 */
class DeviceAndPasteTest extends WithChromium {




    /** The CLI prints an address and a code; a person types the code on another device's browser. */
    @Test
    void deviceFlowWithTheCodeTypedOnAnotherDevice() throws Exception {
        try (CliProcess cli = CliProcess.start("--config", "keycloak/demo.ini", "--device", "--no-browser", "--timeout", "120")) {
            String line = cli.awaitErrLine(text -> text.startsWith("Step 3: On any device, open "), Duration.ofSeconds(120));
            Matcher shown = Pattern.compile("open (\\S+) and enter the code (\\S+)$").matcher(line);
            assertTrue(shown.find(), line);
            chromium.driver.get(shown.group(1));
            SignIn.keycloakDevice(chromium.driver, shown.group(2), TestKeycloak.username(), TestKeycloak.password());
            assertEquals(0, cli.waitFor(Duration.ofSeconds(30)), cli.err());
            String token = cli.out().strip();
            assertEquals(token + "\n", cli.out(), "stdout is the token alone");
            assertEquals(200, TestKeycloak.userinfoStatus(token), "Keycloak accepts the device flow's token");
            assertTrue(cli.err().contains("Step 5: The sign-in was approved"), cli.err());
        }
    }

    /** With a browser at hand, it is opened at verification_uri_complete (the code filled in); the ID token is checked. */
    @Test
    void deviceFlowOpensTheCompleteAddressWhenABrowserCan() throws Exception {
        Browser completing = url -> {
            assertTrue(url.getQuery() != null && url.getQuery().contains("user_code="), "the complete address: " + url);
            chromium.driver.get(url.toString());
            SignIn.keycloakDevice(chromium.driver, null, TestKeycloak.username(), TestKeycloak.password());
        };
        Cli.Run run = Cli.run(completing, "--config", "keycloak/demo.ini", "--device", "--output", "json", "--timeout", "120");
        assertEquals(0, run.exitCode(), run.toString());
        org.json.JSONObject tokens = new org.json.JSONObject(run.out());
        assertEquals(TestKeycloak.username(), tokens.getJSONObject("id_token_claims").getString("preferred_username"),
                "the ID token was validated (without a nonce, which the device flow has not)");
        assertEquals(200, TestKeycloak.userinfoStatus(tokens.getString("access_token")));
    }

    /**
     * --paste: nothing listens on the redirect URI; Chromium ends at its address (a page that cannot
     * be reached), and that address is pasted into the CLI, first a wrong one, then the right one.
     */
    @Test
    void pasteBackOfTheAddressTheBrowserEndedAt() throws Exception {
        try (CliProcess cli = CliProcess.start(Map.of("STDIN_PIPE", "yes"), "--config", "keycloak/demo.ini", "--paste", "--timeout", "120")) {
            String url = cli.awaitAuthorizationUrl();
            cli.awaitErrLine(line -> line.startsWith("Step 4: Then paste the whole address"), Duration.ofSeconds(10));
            assertTrue(cli.listeningAddresses().isEmpty(), "nothing listens: " + cli.listeningAddresses());
            chromium.driver.get(url);
            SignIn.KEYCLOAK.signIn(chromium.driver, TestKeycloak.username(), TestKeycloak.password());
            org.openqa.selenium.support.ui.WebDriverWait wait = new org.openqa.selenium.support.ui.WebDriverWait(chromium.driver,
                    Duration.ofSeconds(10));
            wait.until(driver -> driver.getCurrentUrl().startsWith("http://localhost:5004/callback.html?"));
            String address = chromium.driver.getCurrentUrl();
            String code = Queries.query(URI.create(address)).get("code");

            cli.type(address.replace("state=", "state=x")); // another login's
            cli.awaitErrLine(line -> line.startsWith("That is not this login's response"), Duration.ofSeconds(10));
            cli.type(address);
            assertEquals(0, cli.waitFor(Duration.ofSeconds(30)), cli.err());
            assertEquals(200, TestKeycloak.userinfoStatus(cli.out().strip()));
            assertFalse(cli.err().contains(code), "the pasted code is never shown: " + cli.err());
        }
    }
}
