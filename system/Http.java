package system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import kong.unirest.core.HttpRequest;
import kong.unirest.core.HttpRequestWithBody;
import kong.unirest.core.HttpResponse;
import kong.unirest.core.RawResponse;
import kong.unirest.core.Unirest;
import kong.unirest.core.UnirestInstance;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The transport of every call this tool makes to the identity provider, with limits a hostile or
 * broken provider cannot get around: a connect timeout, a deadline for the whole answer (headers and
 * body), a cap on the answer's size, and no redirects followed. Why a call failed is said by
 * {@link HttpFailures}; which CAs are trusted, by {@link Tls} and {@link CaFile}.
 */
public final class Http implements AutoCloseable {

    /** Discovery documents, token responses and key sets are a few KiB; 1 MiB leaves ample room. */
    public static final int MAX_ANSWER_BYTES = 1024 * 1024;

    /** A provider's answer that parsed as a JSON object. */
    public record JsonAnswer(int status, JSONObject body) {
    }

    /** A provider's answer as it came: its status, its content type and its body. */
    public record Answer(int status, String contentType, String text) {

        /** The body as a JSON object, when it is one. */
        public Optional<JSONObject> object() {
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
        public JsonAnswer json(String what, URI url) throws HttpFailure {
            Optional<JSONObject> body = object();
            if (body.isEmpty()) {
                throw new HttpFailure(HttpFailure.Kind.INVALID_ANSWER, "The " + what + " at " + url + " answered " + describe()
                        + ", not a JSON object");
            }
            return new JsonAnswer(status, body.get());
        }

        /** What came, in words, for messages: "HTTP 401 with an empty body", "HTTP 404 with an HTML page". */
        public String describe() {
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
    private final Duration readTimeout;
    private final Proxies proxies;
    private final HttpFailures failures;

    /** Calls through the environment's proxies, trusting Java's CAs. */
    public Http(Duration connectTimeout, Duration readTimeout) throws HttpFailure {
        this(connectTimeout, readTimeout, Optional.empty());
    }

    /** Calls through the environment's proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), trusting Java's CAs and {@code caFile}'s. */
    public Http(Duration connectTimeout, Duration readTimeout, Optional<Path> caFile) throws HttpFailure {
        this.readTimeout = readTimeout;
        this.proxies = Proxies.fromEnvironment();
        this.failures = new HttpFailures(proxies, connectTimeout, readTimeout, caFile);
        List<X509Certificate> extraTrust = CaFile.certificates(caFile);
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

    /** A GET whose answer must be a JSON object, whatever its status. */
    public JsonAnswer getJson(URI url, String what) throws HttpFailure {
        return get(url, what).json(what, url);
    }

    /** A GET, answered as it came; {@code what} names it in messages ("discovery document"). */
    public Answer get(URI url, String what) throws HttpFailure {
        return send(unirest.get(url.toString()), url, what);
    }

    /**
     * An {@code application/x-www-form-urlencoded} POST (RFC 6749 §4.1.3), answered as it came; with an
     * {@code Authorization} header when one is given (a client's credentials, RFC 6749 §2.3.1), never logged.
     */
    public Answer post(URI url, Map<String, Object> form, Optional<String> authorization, String what) throws HttpFailure {
        HttpRequest<?> request = unirest.post(url.toString()).fields(form);
        return send(authorization.isPresent() ? request.header("Authorization", authorization.get()) : request, url, what);
    }

    /** The head of an API's answer: its status, the reason the server gave, and its headers in order. */
    public record Head(int status, String reason, List<Map.Entry<String, String>> headers) {
        public Optional<String> header(String name) {
            return headers.stream().filter(header -> header.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
        }
    }

    /**
     * Any request of an API ({@code ocs-login api}): {@code method} to {@code url} with {@code headers}
     * and {@code body} (none when null); the answer's head goes to {@code sink}, which says where its
     * body goes (a body of any size, streamed; within the read timeout, as every answer). Redirects
     * are not followed: the caller says them.
     */
    public Head exchange(String method, URI url, List<Map.Entry<String, String>> headers, byte[] body,
            Function<Head, OutputStream> sink, String what) throws HttpFailure {
        HttpRequestWithBody request = unirest.request(method, url.toString());
        headers.forEach(header -> request.header(header.getKey(), header.getValue()));
        HttpRequest<?> sent = body == null ? request : request.body(body);
        AtomicReference<Head> head = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicReference<InputStream> stream = new AtomicReference<>();
        CompletableFuture<HttpResponse<Boolean>> call = sent.asObjectAsync(raw -> {
            List<Map.Entry<String, String>> received = new ArrayList<>();
            raw.getHeaders().all().forEach(header -> received.add(Map.entry(header.getName(), header.getValue())));
            head.set(new Head(raw.getStatus(), raw.getStatusText() == null ? "" : raw.getStatusText(), List.copyOf(received)));
            try (InputStream in = raw.getContent()) {
                if (in != null) {
                    stream.set(in);
                    in.transferTo(sink.apply(head.get()));
                }
            } catch (IOException | RuntimeException e) {
                failed.set(e);
            }
            return true;
        });
        await(call, () -> closeQuietly(stream.get()), what, url);
        if (head.get() == null) {
            throw failures.unreachable(what, url, null);
        }
        if (failed.get() != null) {
            throw failures.unreachable(what, url, failed.get());
        }
        return head.get();
    }

    private Answer send(HttpRequest<?> request, URI url, String what) throws HttpFailure {
        CappedBody body = new CappedBody();
        await(request.asObjectAsync(body::read), body::abort, what, url);
        if (body.failure != null) {
            throw failures.unreachable(what, url, body.failure);
        }
        Optional<Proxies.Route> route = proxies.routeFor(url);
        // 407 is only ever a proxy's; 502-504 with a page that is not JSON are a proxy's too (a provider answers in JSON)
        boolean proxysPage = body.contentType == null || !body.contentType.contains("json");
        if (route.isPresent() && (body.status == 407 || (body.status == 502 || body.status == 503 || body.status == 504) && proxysPage)) {
            throw new HttpFailure(HttpFailure.Kind.UNREACHABLE, route.get().describe() + " answered HTTP "
                    + body.status + " for the " + what + " at " + url + (body.status == 407
                    ? ": it wants credentials (http://user:password@host:port in " + route.get().variable() + ")" : ""));
        }
        if (body.status >= 300 && body.status < 400) {
            throw new HttpFailure(HttpFailure.Kind.INVALID_ANSWER, "The " + what + " at " + url + " redirected with HTTP " + body.status
                    + " to " + Log.printable(body.location) + "; redirects are not followed: configure the final address instead");
        }
        if (body.bytes.length > MAX_ANSWER_BYTES) {
            throw new HttpFailure(HttpFailure.Kind.INVALID_ANSWER, "The " + what + " at " + url + " answered with more than "
                    + MAX_ANSWER_BYTES / 1024 + " KiB; refused");
        }
        return new Answer(body.status, body.contentType, new String(body.bytes, StandardCharsets.UTF_8));
    }

    /**
     * Waits for an exchange, at most the read timeout for the whole answer; {@code abort} wakes a read
     * that waits for a body that never comes. No answer at all is a failure said in words.
     */
    private <T> void await(CompletableFuture<HttpResponse<T>> call, Runnable abort, String what, URI url) throws HttpFailure {
        try {
            HttpResponse<T> response = call.get(readTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            if (response.getBody() == null) { // Unirest's stand-in for an exchange that failed before any answer
                throw failures.unreachable(what, url, response.getParsingError().map(Throwable::getCause).orElse(null));
            }
        } catch (TimeoutException e) {
            abort.run();
            call.cancel(true);
            throw failures.noAnswer(what, url);
        } catch (ExecutionException e) {
            throw failures.unreachable(what, url, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpFailure(HttpFailure.Kind.INTERRUPTED, "Interrupted while calling the " + what);
        }
    }

    /** Closes a body's stream, if there is one: a read that waits on it wakes. */
    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }

    /** Ends the client; its selector thread too, so that the process can exit at once ({@link SelectorStop}). */
    @Override
    public void close() {
        if (unirest.config().isRunning() && unirest.config().getClient().getClient() instanceof java.net.http.HttpClient client) {
            SelectorStop.stop(client);
        }
        unirest.close();
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
            closeQuietly(stream);
        }
    }
}
