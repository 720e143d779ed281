package login;

import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The verdict on an authorization response, from its query alone: no socket, no server. */
class AuthorizationResponseTest {

    static final String STATE = AuthorizationRequest.newState();
    static final String ISSUER = "https://idp.example/realms/r";
    static final AuthorizationResponse.Expected EXPECTED = new AuthorizationResponse.Expected(STATE, ISSUER, false);

    private static AuthorizationResponse judge(String query) {
        return AuthorizationResponse.judge(query, EXPECTED);
    }

    private static LoginException failure(String query) {
        return assertInstanceOf(AuthorizationResponse.Failed.class, judge(query)).failure();
    }

    private static String refusal(String query) {
        return assertInstanceOf(AuthorizationResponse.Refused.class, judge(query)).reason();
    }

    @Test
    void responseWithOurStateAndACodeIsAccepted() {
        assertEquals(new AuthorizationResponse.Accepted("the-code"), judge("code=the-code&state=" + STATE));
        assertEquals(new AuthorizationResponse.Accepted("c"), judge("code=c&state=" + STATE + "&iss=" + ISSUER));
    }

    @Test
    void responseWithAnotherOrNoStateIsRefusedNotFailed() {
        assertTrue(refusal("code=c&state=other").contains("does not belong to the login in progress"));
        assertTrue(refusal("code=c").contains("has no state"));
        assertTrue(refusal("code=c&state=").contains("does not belong"));
        assertTrue(refusal(null).contains("has no state"));
    }

    @Test
    void providerErrorWithOurStateFailsWithTheErrorAndItsDescription() {
        LoginException.AuthorizationError e = assertInstanceOf(LoginException.AuthorizationError.class,
                failure("error=access_denied&error_description=User+said+no&state=" + STATE));
        assertEquals("access_denied", e.error());
        assertEquals("User said no", e.errorDescription().orElseThrow());
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED, e.exit());
    }

    @Test
    void errorWinsOverACodeInTheSameResponse() {
        assertInstanceOf(LoginException.AuthorizationError.class, failure("code=c&error=server_error&state=" + STATE));
    }

    @Test
    void ourResponseWithoutCodeOrErrorFails() {
        assertTrue(failure("state=" + STATE).getMessage().contains("neither a code nor an error"));
        assertTrue(failure("code=&state=" + STATE).getMessage().contains("neither a code nor an error"));
    }

    @Test
    void issFromAnotherIssuerFailsOurLoginAndIsCheckedBeforeState() {
        assertTrue(failure("code=c&iss=https%3A%2F%2Fevil.example&state=" + STATE).getMessage()
                .contains("'https://evil.example', not from " + ISSUER));
        assertTrue(refusal("code=c&iss=https%3A%2F%2Fevil.example&state=other").contains("issuer"),
                "for a foreign response, iss is what is reported first");
    }

    @Test
    void missingIssFailsWhenTheProviderPromisesIt() {
        AuthorizationResponse verdict = AuthorizationResponse.judge("code=c&state=" + STATE,
                new AuthorizationResponse.Expected(STATE, ISSUER, true));
        assertTrue(assertInstanceOf(AuthorizationResponse.Failed.class, verdict).failure().getMessage().contains("has no iss"));
    }

    @Test
    void repeatedParametersAndBrokenEncodingsAreRefused() {
        assertTrue(refusal("code=a&code=b&state=" + STATE).contains("'code' appears more than once"));
        assertTrue(refusal("code=a&state=" + STATE + "&state=" + STATE).contains("'state' appears more than once"));
        for (String query : new String[] {"code=%zz&state=" + STATE, "code=%C3%28&state=" + STATE, "code=%&state=" + STATE}) {
            assertTrue(refusal(query).contains("not valid percent-encoded UTF-8"), query);
        }
    }

    @Test
    void aPastedAddressMustBeTheRedirectUriBeforeItsQueryIsJudged() {
        java.net.URI redirect = java.net.URI.create("http://localhost:5004/callback.html");
        assertEquals(new AuthorizationResponse.Accepted("c"), AuthorizationResponse.fromRedirect(
                "  http://localhost:5004/callback.html?code=c&state=" + STATE + "\n", redirect, EXPECTED), "spaces around it are fine");
        for (String other : new String[] {"http://localhost:5005/callback.html", "https://localhost:5004/callback.html",
                "http://evil.example:5004/callback.html", "http://localhost:5004/other.html", "http://localhost/callback.html"}) {
            AuthorizationResponse verdict = AuthorizationResponse.fromRedirect(other + "?code=c&state=" + STATE, redirect, EXPECTED);
            assertTrue(assertInstanceOf(AuthorizationResponse.Refused.class, verdict).reason().contains("does not start with the redirect URI"),
                    other);
        }
        assertInstanceOf(AuthorizationResponse.Refused.class, AuthorizationResponse.fromRedirect("code=c&state=" + STATE, redirect, EXPECTED));
        assertInstanceOf(AuthorizationResponse.Refused.class, AuthorizationResponse.fromRedirect("http://a b", redirect, EXPECTED));
        assertInstanceOf(LoginException.AuthorizationError.class, assertInstanceOf(AuthorizationResponse.Failed.class,
                AuthorizationResponse.fromRedirect(redirect + "?error=access_denied&state=" + STATE, redirect, EXPECTED)).failure());
    }

    @Test
    void theAcceptedVerdictNeverShowsTheCode() {
        assertFalse(judge("code=secret-code&state=" + STATE).toString().contains("secret-code"));
    }
}
