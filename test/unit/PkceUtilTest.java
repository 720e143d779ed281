package login;

import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PkceUtilTest {

    @Test
    void rfc7636AppendixBVerifierGivesItsChallenge() {
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                PkceUtil.codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    @Test
    void codeVerifierIs43UnreservedCharactersFrom32RandomOctets() {
        for (int i = 0; i < 200; i++) {
            String verifier = PkceUtil.newCodeVerifier();
            assertEquals(43, verifier.length(), verifier);
            assertTrue(verifier.matches("[A-Za-z0-9_-]{43}"), verifier);
        }
    }

    @Test
    void everyVerifierStateAndNonceIsFresh() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(PkceUtil.newCodeVerifier()));
            assertTrue(seen.add(AuthorizationRequest.newState()));
            assertTrue(seen.add(AuthorizationRequest.newNonce()));
        }
    }

    @Test
    void challengeIsUnpaddedBase64UrlOfSha256() {
        String challenge = PkceUtil.codeChallenge(PkceUtil.newCodeVerifier());
        assertEquals(43, challenge.length());
        assertTrue(challenge.matches("[A-Za-z0-9_-]+"), challenge);
        assertNotEquals(challenge, PkceUtil.codeChallenge(PkceUtil.newCodeVerifier()));
    }

    @Test
    void onlyS256IsEverSent() {
        assertEquals("S256", PkceUtil.CODE_CHALLENGE_METHOD);
    }
}
