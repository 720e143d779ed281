package system;

import login.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** Which URL goes through which proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), and what --ca-file adds to Java's trust. */
class ProxiesTest {

    private static Optional<String> proxyFor(Map<String, String> environment, String url) throws HttpFailure {
        return Proxies.from(environment).routeFor(URI.create(url))
                .map(route -> route.address().getHostString() + ":" + route.address().getPort() + " " + route.variable());
    }

    @Test
    void httpsAndHttpEachHaveTheirVariableUpperCaseFirst() throws Exception {
        Map<String, String> environment = Map.of("HTTPS_PROXY", "http://secure.proxy:3128", "https_proxy", "http://other:1",
                "http_proxy", "plain.proxy:8080");
        assertEquals(Optional.of("secure.proxy:3128 HTTPS_PROXY"), proxyFor(environment, "https://idp.example/x"));
        assertEquals(Optional.of("plain.proxy:8080 http_proxy"), proxyFor(environment, "http://idp.example/x"));
        assertEquals(Optional.empty(), proxyFor(Map.of(), "https://idp.example/x"));
    }

    @Test
    void loopbackIsNeverProxied() throws Exception {
        Map<String, String> environment = Map.of("HTTPS_PROXY", "http://p:1", "HTTP_PROXY", "http://p:1");
        for (String url : List.of("http://localhost:5004/cb", "http://127.0.0.1:18080/x", "https://[::1]:8443/x")) {
            assertEquals(Optional.empty(), proxyFor(environment, url), url);
        }
    }

    @Test
    void noProxyTakesDomainsPortsAddressesBlocksAndTheStar() throws Exception {
        Map<String, String> environment = Map.of("HTTPS_PROXY", "http://p:1",
                "NO_PROXY", "corp.example, .internal.example,api.example:8443 10.0.0.0/8,192.0.2.7");
        for (String direct : List.of("https://corp.example/", "https://login.corp.example/", "https://internal.example/",
                "https://a.internal.example/", "https://api.example:8443/", "https://10.1.2.3/", "https://192.0.2.7/")) {
            assertEquals(Optional.empty(), proxyFor(environment, direct), direct);
        }
        for (String proxied : List.of("https://notcorp.example/", "https://api.example/", "https://11.0.0.1/", "https://192.0.2.8/",
                "https://corp.example.evil/")) {
            assertTrue(proxyFor(environment, proxied).isPresent(), proxied);
        }
        assertEquals(Optional.empty(), proxyFor(Map.of("HTTPS_PROXY", "http://p:1", "no_proxy", "*"), "https://anything.example/"));
    }

    @Test
    void aBadProxyVariableIsAConfigErrorThatNeverShowsItsPassword() {
        for (String value : List.of("https://user:hunter2@p:1", "socks5://user:hunter2@p:1", "http://user:hunter2@:1", "http://a b")) {
            HttpFailure e = assertThrows(HttpFailure.class, () -> Proxies.from(Map.of("HTTPS_PROXY", value)));
            assertEquals(HttpFailure.Kind.SETTING, e.kind(), value);
            assertTrue(e.getMessage().startsWith("The environment variable HTTPS_PROXY "), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
    }

    @Test
    void credentialsInTheProxyUrlGoToThatProxyOnly() throws Exception {
        Proxies proxies = Proxies.from(Map.of("HTTPS_PROXY", "http://us%40er:p%3Ass@p:3128"));
        var credentials = proxies.routeFor(URI.create("https://idp.example/")).orElseThrow().credentials().orElseThrow();
        assertEquals("us@er", credentials.getUserName());
        assertEquals("p:ss", new String(credentials.getPassword()));
    }

    @Test
    void theCaFileAddsToJavasTrustInsteadOfReplacingIt() throws Exception {
        X509Certificate company = CaFile.readCertificates(TestCertificates.caPem()).get(0);
        TrustManagerFactory javaDefault = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        javaDefault.init((java.security.KeyStore) null);
        Set<X509Certificate> javaCas = Arrays.stream(((X509TrustManager) javaDefault.getTrustManagers()[0]).getAcceptedIssuers())
                .collect(Collectors.toSet());
        Set<X509Certificate> trusted = Arrays.stream(((X509TrustManager) Tls.trustManagers(List.of(company))[0]).getAcceptedIssuers())
                .collect(Collectors.toSet());
        assertTrue(javaCas.size() > 10, "Java's own CAs: " + javaCas.size());
        assertTrue(trusted.containsAll(javaCas), "every CA Java trusts is still trusted");
        assertTrue(trusted.contains(company), "and the company's besides");
    }

    @Test
    void aProxyPortOutOfRangeIsAConfigError() {
        HttpFailure e = org.junit.jupiter.api.Assertions.assertThrows(HttpFailure.class,
                () -> Proxies.from(Map.of("HTTPS_PROXY", "http://user:secret@proxy.example:99999")));
        assertEquals(HttpFailure.Kind.SETTING, e.kind());
        assertTrue(e.getMessage().contains("HTTPS_PROXY has a port over 65535"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }
}
