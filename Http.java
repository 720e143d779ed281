import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import kong.unirest.core.HttpRequest;
import kong.unirest.core.HttpResponse;
import kong.unirest.core.RawResponse;
import kong.unirest.core.Unirest;
import kong.unirest.core.UnirestInstance;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * Every call this tool makes to the identity provider, with limits a hostile or broken provider
 * cannot get around: a connect timeout, a deadline for the whole answer (headers and body), a cap
 * on the answer's size, no redirects followed, and JSON objects only.
 */
final class Http implements AutoCloseable {

    /** Discovery documents, token responses and key sets are a few KiB; 1 MiB leaves ample room. */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;

    /** A provider's answer that parsed as a JSON object. */
    record JsonAnswer(int status, JSONObject body) {
    }

    /** A provider's answer as it came: its status, its content type and its body. */
    record Answer(int status, String contentType, String text) {

        /** The body as a JSON object, when it is one. */
        Optional<JSONObject> object() {
            String body = text.strip();
            if (!body.startsWith("{")) {
                return Optional.empty();
            }
            try {
                return Optional.of(new JSONObject(body));
            } catch (JSONException e) {
                return Optional.empty();
            }
        }

        /** The body as a JSON object; otherwise the {@code what} at {@code url} answered something we must not accept. */
        JsonAnswer json(String what, URI url) throws LoginException {
            Optional<JSONObject> body = object();
            if (body.isEmpty()) {
                throw LoginException.providerInvalid(what, url, "answered " + describe() + ", not a JSON object");
            }
            return new JsonAnswer(status, body.get());
        }

        /** What came, in words, for messages: "HTTP 401 with an empty body", "HTTP 404 with an HTML page". */
        String describe() {
            String body = text.strip();
            String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
            String what;
            if (body.isEmpty()) {
                what = "an empty body";
            } else if (type.contains("html") || body.startsWith("<")) {
                what = "an HTML page";
            } else if (type.contains("json") || body.startsWith("{") || body.startsWith("[")) {
                what = body.startsWith("{") ? "a JSON object that is cut off or malformed" : "JSON that is not an object";
            } else {
                what = (type.isEmpty() ? "text" : Log.printable(type.split(";")[0].strip(), 40)) + " starting '"
                        + Log.printable(body, 40) + "'";
            }
            return "HTTP " + status + " with " + what;
        }
    }

    private final UnirestInstance unirest = Unirest.spawnInstance();
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Proxies proxies;
    private final Optional<Path> caFile;

    /** Calls through the environment's proxies, trusting Java's CAs. */
    Http(Duration connectTimeout, Duration readTimeout) throws LoginException {
        this(connectTimeout, readTimeout, Optional.empty());
    }

    /** Calls through the environment's proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), trusting Java's CAs and {@code caFile}'s. */
    Http(Duration connectTimeout, Duration readTimeout, Optional<Path> caFile) throws LoginException {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.proxies = Proxies.fromEnvironment();
        this.caFile = caFile;
        List<X509Certificate> extraTrust = certificates(caFile);
        unirest.config()
                .connectTimeout(Math.toIntExact(connectTimeout.toMillis()))
                .requestTimeout(Math.toIntExact(readTimeout.toMillis()))
                .followRedirects(false)
                .version(java.net.http.HttpClient.Version.HTTP_1_1) // a few small requests: no HTTP/2 stack to load, no h2c upgrade
                .sslContext(Tls.lazy(() -> Tls.trusting(extraTrust)))
                .setDefaultHeader("Accept", "application/json")
                .setDefaultHeader("User-Agent", "ocs-pkce-login");
        if (proxies.any()) {
            unirest.config().proxy(proxies).authenticator(proxies.authenticator());
        }
    }

    /** The certificates of --ca-file (CaFile), read now so that a bad file is a config error, not a TLS one. */
    private static List<X509Certificate> certificates(Optional<Path> caFile) throws LoginException {
        if (caFile.isEmpty()) {
            return List.of();
        }
        try {
            return Tls.readCertificates(caFile.get());
        } catch (IOException | CertificateException e) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, "The CA file " + caFile.get() + " cannot be used: "
                    + Log.printable(e.getMessage(), 160) + " (expected PEM certificates, -----BEGIN CERTIFICATE-----)", e);
        }
    }

    /** A GET whose answer must be a JSON object, whatever its status. */
    JsonAnswer getJson(URI url, String what) throws LoginException {
        return get(url, what).json(what, url);
    }

    /** A GET, answered as it came. */
    Answer get(URI url, String what) throws LoginException {
        return send(unirest.get(url.toString()), url, what);
    }

    /** An {@code application/x-www-form-urlencoded} POST (RFC 6749 §4.1.3), answered as it came. */
    Answer post(URI url, Map<String, Object> form, String what) throws LoginException {
        return send(unirest.post(url.toString()).fields(form), url, what);
    }

    private Answer send(HttpRequest<?> request, URI url, String what) throws LoginException {
        CappedBody body = new CappedBody();
        CompletableFuture<HttpResponse<CappedBody>> call = request.asObjectAsync(body::read);
        try {
            HttpResponse<CappedBody> response = call.get(readTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            if (response.getBody() == null) { // Unirest's stand-in for an exchange that failed before any answer
                throw unreachable(what, url, response.getParsingError().map(Throwable::getCause).orElse(null));
            }
        } catch (TimeoutException e) {
            body.abort();
            call.cancel(true);
            throw noAnswer(what, url);
        } catch (ExecutionException e) {
            throw unreachable(what, url, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginException(LoginException.Exit.PROVIDER_UNREACHABLE, "Interrupted while calling the " + what);
        }
        if (body.failure != null) {
            throw unreachable(what, url, body.failure);
        }
        Optional<Proxies.Route> route = proxies.routeFor(url);
        // 407 is only ever a proxy's; 502-504 with a page that is not JSON are a proxy's too (a provider answers in JSON)
        boolean proxysPage = body.contentType == null || !body.contentType.contains("json");
        if (route.isPresent() && (body.status == 407 || (body.status == 502 || body.status == 503 || body.status == 504) && proxysPage)) {
            throw new LoginException(LoginException.Exit.PROVIDER_UNREACHABLE, route.get().describe() + " answered HTTP "
                    + body.status + " for the " + what + " at " + url + (body.status == 407
                    ? ": it wants credentials (http://user:password@host:port in " + route.get().variable() + ")" : ""));
        }
        if (body.status >= 300 && body.status < 400) {
            throw LoginException.providerInvalid(what, url, "redirected with HTTP " + body.status + " to " + Log.printable(body.location)
                    + "; redirects are not followed: configure the final address instead");
        }
        if (body.bytes.length > MAX_ANSWER_BYTES) {
            throw LoginException.providerInvalid(what, url, "answered with more than " + MAX_ANSWER_BYTES / 1024 + " KiB; refused");
        }
        return new Answer(body.status, body.contentType, new String(body.bytes, StandardCharsets.UTF_8));
    }

    private LoginException noAnswer(String what, URI url) {
        return new LoginException(LoginException.Exit.PROVIDER_UNREACHABLE, "The " + what + " at " + url
                + " gave no complete answer within " + readTimeout.toSeconds() + " s (--read-timeout)");
    }

    private LoginException unreachable(String what, URI url, Throwable failure) {
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
        return new LoginException(LoginException.Exit.PROVIDER_UNREACHABLE, problem, failure);
    }

    /** A certificate that Java's trust (and --ca-file's) does not vouch for, or that names another host. */
    private LoginException untrusted(String what, URI url, Throwable failure) {
        String reason = Log.printable(cause(failure, java.security.GeneralSecurityException.class).map(Throwable::getMessage)
                .orElse(String.valueOf(failure.getMessage())), 160);
        boolean otherName = reason.contains("No subject alternative") || reason.contains("No name matching");
        String advice = otherName
                ? "its certificate is for another name; use the address the certificate names"
                : caFile.map(file -> "not even with the CA certificates of " + file + "; is that the CA that issued it?")
                        .orElse("if " + url.getHost() + " uses a company or private CA, pass that CA's certificate (PEM) with"
                                + " --ca-file FILE, or CaFile in config.ini");
        return new LoginException(LoginException.Exit.TLS_UNTRUSTED, "The TLS certificate of " + url.getHost() + " is not trusted"
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

    /**
     * Ends the JDK HTTP client's selector thread, so that the process can exit at once: the JVM waits
     * up to 300 ms at exit for a thread in native code, and that thread sits in epoll. Java 21+ has
     * {@code HttpClient.shutdownNow()}; on Java 17 to 20 its internal selector manager is shut down
     * (which needs {@code --add-opens java.net.http/jdk.internal.net.http=ALL-UNNAMED}, in the script's
     * //JAVA_OPTIONS); without either, the client just ends with the process.
     */
    @Override
    public void close() {
        if (unirest.config().isRunning()) {
            java.net.http.HttpClient client = unirest.config().getClient().getClient() instanceof java.net.http.HttpClient jdk ? jdk : null;
            if (client != null) {
                stopSelector(client);
            }
        }
        unirest.close();
    }

    private static void stopSelector(java.net.http.HttpClient client) {
        try {
            java.net.http.HttpClient.class.getMethod("shutdownNow").invoke(client); // Java 21+
            return;
        } catch (ReflectiveOperationException olderJava) {
            // below
        }
        try {
            Object implementation = field(client, "impl");
            Object selectorManager = field(implementation, "selmgr");
            java.lang.reflect.Method shutdown = selectorManager.getClass().getDeclaredMethod("shutdown");
            shutdown.setAccessible(true);
            shutdown.invoke(selectorManager);
        } catch (ReflectiveOperationException | RuntimeException notOpened) {
            // the client ends with the process, 300 ms later
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    /**
     * Reads at most {@link #MAX_ANSWER_BYTES} + 1 bytes of an answer, and never throws: Unirest would
     * otherwise read the whole rest of the body to report the failure.
     */
    private static final class CappedBody {
        volatile int status;
        volatile String contentType;
        volatile String location;
        volatile byte[] bytes = new byte[0];
        volatile Throwable failure;
        private volatile InputStream stream;

        CappedBody read(RawResponse raw) {
            status = raw.getStatus();
            contentType = raw.getHeaders().getFirst("Content-Type");
            location = raw.getHeaders().getFirst("Location");
            try (InputStream in = raw.getContent()) {
                if (in == null) {
                    return this; // no body at all (a proxy's 407 to CONNECT comes this way)
                }
                stream = in;
                bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            return this;
        }

        /** Wakes a read that waits for a body that never comes. */
        void abort() {
            InputStream in = stream;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing is all we wanted
                }
            }
        }
    }
}
