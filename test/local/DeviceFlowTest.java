package login;

import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The device flow's polling (RFC 8628 §3.4, §3.5) against a scripted provider, for the answers a
 * real one gives only at its own pace: pending, slow_down, access_denied, expired_token, and none.
 */
class DeviceFlowTest {

    private ScriptedProvider provider;
    private final List<Long> polls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startProvider() throws Exception {
        provider = new ScriptedProvider();
        provider.answer("/.well-known/openid-configuration", ScriptedProvider.json(200, provider.discovery()
                .put("device_authorization_endpoint", provider.issuer() + "/device").toString()));
        provider.answer("/device", ScriptedProvider.json(200, new JSONObject().put("device_code", "the-device-code")
                .put("user_code", "WDJB-MJHT").put("verification_uri", provider.issuer() + "/verify")
                .put("expires_in", 600).put("interval", 1).toString()));
    }

    @AfterEach
    void stopProvider() throws Exception {
        provider.close();
    }

    /** The token endpoint answers each poll with the next of {@code answers} (the last one again after that). */
    private void tokenEndpointAnswers(String... answers) {
        AtomicInteger poll = new AtomicInteger();
        provider.answer("/token", out -> {
            polls.add(System.nanoTime());
            String answer = answers[Math.min(poll.getAndIncrement(), answers.length - 1)];
            ScriptedProvider.json(answer.contains("access_token") ? 200 : 400, answer).write(out);
        });
    }

    private static String error(String code) {
        return new JSONObject().put("error", code).toString();
    }

    private Cli.Run device(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--authority", provider.issuer().toString(), "--client-id", "cli",
                "--scope", "ocsapi", "--device", "--timeout", "30"));
        args.addAll(List.of(extra));
        return Cli.run(Browser.NONE, args.toArray(String[]::new));
    }

    @Test
    void pendingThenSlowDownThenTokensWaitsAsTold() {
        tokenEndpointAnswers(error("authorization_pending"), error("slow_down"), error("authorization_pending"),
                "{\"access_token\":\"the-token\",\"token_type\":\"Bearer\",\"expires_in\":60}");
        Cli.Run run = device();
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("the-token\n", run.out());
        assertTrue(run.err().contains("open " + provider.issuer() + "/verify and enter the code WDJB-MJHT"), run.err());
        assertEquals(4, polls.size(), "four polls");
        long afterSlowDown = (polls.get(2) - polls.get(1)) / 1_000_000;
        long before = (polls.get(1) - polls.get(0)) / 1_000_000;
        assertTrue(before >= 900 && before < 3000, "1 s between polls at first: " + before + " ms");
        assertTrue(afterSlowDown >= 5900, "slow_down adds 5 s to the interval: " + afterSlowDown + " ms");
        String body = provider.requests.stream().filter(request -> request.path().equals("/token")).findFirst().orElseThrow().body();
        assertTrue(body.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code")
                && body.contains("device_code=the-device-code") && body.contains("client_id=cli") && body.contains("code_verifier="), body);
    }

    @Test
    void accessDeniedEndsTheLoginAsARefusal() {
        tokenEndpointAnswers(error("access_denied"));
        Cli.Run run = device();
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("access_denied"), run.toString());
    }

    @Test
    void anExpiredCodeEndsTheLoginAsTooLate() {
        tokenEndpointAnswers(error("authorization_pending"), error("expired_token"));
        Cli.Run run = device();
        assertEquals(LoginException.Exit.CALLBACK_TIMEOUT.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("The device code expired"), run.toString());
    }

    @Test
    void theWaitEndsAtTheTimeout() {
        tokenEndpointAnswers(error("authorization_pending"));
        Cli.Run run = device("--timeout", "3");
        assertEquals(LoginException.Exit.CALLBACK_TIMEOUT.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("not finished within 3 s"), run.toString());
        assertTrue(run.millis() < 7000, run.millis() + " ms");
    }

    @Test
    void aProviderWithoutDeviceEndpointIsToldAndPasteSuggested() {
        provider.answer("/.well-known/openid-configuration", ScriptedProvider.json(200, provider.discovery().toString()));
        Cli.Run run = device();
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("has no device_authorization_endpoint") && run.errorLines().get(0).contains("--paste"),
                run.toString());
    }

    @Test
    void aDeviceAnswerWithoutItsFieldsOrWithAForeignAddressIsRefused() {
        provider.answer("/device", ScriptedProvider.json(200, "{\"device_code\":\"d\",\"user_code\":\"U\",\"expires_in\":60}"));
        Cli.Run run = device();
        assertEquals(LoginException.Exit.PROVIDER_INVALID.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("gave no verification_url"), run.toString());
        provider.answer("/device", ScriptedProvider.json(200, new JSONObject().put("device_code", "d").put("user_code", "U")
                .put("verification_uri", "http://evil.example/verify").put("expires_in", 60).toString()));
        run = device();
        assertEquals(LoginException.Exit.PROVIDER_INVALID.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("uses plain http for evil.example"), run.toString());
        assertFalse(run.err().contains("\u001b"));
    }

    /** RFC 8628 §3.5 asks for the interval between polls; --timeout still ends the wait, whatever interval or slow_down say. */
    @Test
    void theWaitEndsAtTheTimeoutWhateverTheIntervalSays() {
        provider.answer("/device", ScriptedProvider.json(200, new JSONObject().put("device_code", "the-device-code")
                .put("user_code", "WDJB-MJHT").put("verification_uri", provider.issuer() + "/verify")
                .put("expires_in", 600).put("interval", 60).toString()));
        tokenEndpointAnswers(error("slow_down"));
        Cli.Run run = device("--timeout", "3");
        assertEquals(LoginException.Exit.CALLBACK_TIMEOUT.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("not finished within 3 s"), run.toString());
        assertTrue(run.millis() < 5000, "ended at the timeout, not after the interval: " + run.millis() + " ms");
        assertEquals(0, polls.size(), "no poll before the interval had passed");
    }

    @Test
    void slowDownNeverCarriesTheWaitPastTheTimeout() {
        tokenEndpointAnswers(error("slow_down"));
        Cli.Run run = device("--timeout", "4");
        assertEquals(LoginException.Exit.CALLBACK_TIMEOUT.code, run.exitCode(), run.toString());
        assertTrue(run.millis() < 6000, run.millis() + " ms");
    }
}
