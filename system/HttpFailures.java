package system;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Why a call to the provider failed, in one line a person can act on: an unknown host, a proxy that
 * refused or wants credentials, a timeout, a refused connection, a certificate that is not trusted.
 */
final class HttpFailures {

    private final Proxies proxies;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Optional<Path> caFile;

    HttpFailures(Proxies proxies, Duration connectTimeout, Duration readTimeout, Optional<Path> caFile) {
        this.proxies = proxies;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.caFile = caFile;
    }

    HttpFailure noAnswer(String what, URI url) {
        return new HttpFailure(HttpFailure.Kind.UNREACHABLE, "The " + what + " at " + url
                + " gave no complete answer within " + readTimeout.toSeconds() + " s (--read-timeout)");
    }

    HttpFailure unreachable(String what, URI url, Throwable failure) {
        Optional<Proxies.Route> route = proxies.routeFor(url);
        String target = url.getHost() + ":" + Urls.port(url);
        String problem;
        if (route.isPresent() && cause(failure, IOException.class).map(Throwable::getMessage).orElse("").matches(
                "(?s).*(Tunnel failed|Unexpected response code for CONNECT|[Pp]roxy [Aa]uthentication).*")) {
            String reason = Log.printable(cause(failure, IOException.class).get().getMessage(), 120);
            problem = route.get().describe() + " refused to open a tunnel to " + target + " for the " + what + " (" + reason + ")"
                    + (reason.contains("407") || reason.toLowerCase(java.util.Locale.ROOT).contains("authentication")
                            ? "; it wants credentials (http://user:password@host:port in " + route.get().variable() + ")" : "");
        } else if (cause(failure, UnknownHostException.class).isPresent() || cause(failure, UnresolvedAddressException.class).isPresent()) {
            problem = route.isPresent()
                    ? "Unknown host " + route.get().address().getHostString() + ": " + route.get().describe() + " cannot be found"
                    : "Unknown host " + url.getHost() + " for the " + what + "; check Resource/Authority and the network"
                            + (proxies.any() ? " (it is reached directly: NO_PROXY names it)" : "");
        } else if (cause(failure, HttpConnectTimeoutException.class).isPresent()) {
            problem = "Could not connect to " + route.map(Proxies.Route::describe).orElse(target) + " for the " + what + " within "
                    + connectTimeout.toSeconds() + " s (--connect-timeout)";
        } else if (cause(failure, HttpTimeoutException.class).isPresent()) {
            return noAnswer(what, url);
        } else if (cause(failure, ConnectException.class).isPresent()) {
            String reason = cause(failure, ConnectException.class).get().getMessage();
            problem = "Could not connect to " + route.map(Proxies.Route::describe).orElse(target) + " for the " + what + " ("
                    + Log.printable(reason == null ? "connection refused" : reason.toLowerCase(java.util.Locale.ROOT)) + ")";
        } else if (cause(failure, CertificateException.class).isPresent() || cause(failure, CertPathBuilderException.class).isPresent()
                || cause(failure, CertPathValidatorException.class).isPresent()) {
            return untrusted(what, url, failure);
        } else if (cause(failure, SSLException.class).isPresent()) {
            problem = "TLS with " + url.getHost() + " failed for the " + what + ": "
                    + Log.printable(cause(failure, SSLException.class).get().getMessage());
        } else {
            problem = "The " + what + " at " + url + " failed: the connection broke before the whole answer arrived"
                    + route.map(proxy -> " (through " + proxy.describe() + ")").orElse("");
        }
        return new HttpFailure(HttpFailure.Kind.UNREACHABLE, problem, failure);
    }

    /** A certificate that Java's trust (and --ca-file's) does not vouch for, or that names another host. */
    private HttpFailure untrusted(String what, URI url, Throwable failure) {
        String reason = Log.printable(cause(failure, java.security.GeneralSecurityException.class).map(Throwable::getMessage)
                .orElse(String.valueOf(failure.getMessage())), 160);
        boolean otherName = reason.contains("No subject alternative") || reason.contains("No name matching");
        String advice = otherName
                ? "its certificate is for another name; use the address the certificate names"
                : caFile.map(file -> "not even with the CA certificates of " + file + "; is that the CA that issued it?")
                        .orElse("if " + url.getHost() + " uses a company or private CA, pass that CA's certificate (PEM) with"
                                + " --ca-file FILE, or CaFile in config.ini");
        return new HttpFailure(HttpFailure.Kind.UNTRUSTED, "The TLS certificate of " + url.getHost() + " is not trusted"
                + " for the " + what + " (" + reason + "): " + advice, failure);
    }

    /** The first exception of {@code type} in the chain of causes. */
    private static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

}
