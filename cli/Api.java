package cli;

import api.ApiCall;
import api.ApiFailure;
import api.ApiRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import login.Limits;
import login.LoginConfig;
import login.LoginException;
import login.Session;
import system.Http;
import system.HttpFailure;
import system.Log;
import system.Terminal;

/**
 * {@code ocs-login api PATH}: the request, made ready first, then sent to the API with the run's access token; when the API refuses
 * a token that came from the cache (HTTP 401), a new one (refreshed, or signed in) and the request
 * once more. Its failures get their exit codes here.
 */
final class Api {

    /** The body of a request is read whole (it may be sent twice), up to this. */
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    /** New tokens for a run whose cached access token {@code refused} the API refused. */
    @FunctionalInterface
    interface Renewal {
        Session.Tokens tokens(String refused) throws LoginException;
    }

    private Api() {
    }

    /**
     * The request made ready before any token is fetched (its URL under ApiBase, its body read), so
     * that a mistake in it is said before a sign-in, not after.
     */
    record Ready(ApiRequest request, URI url, byte[] body) {
    }

    static Ready prepare(ApiRequest request, LoginConfig config) throws LoginException {
        Map<String, String> values = new HashMap<>();
        config.tenantId().ifPresent(tenant -> values.put("tenant", tenant));
        values.put("client_id", config.clientId());
        try {
            return new Ready(request, request.url(config.apiBase(), values), body(request));
        } catch (ApiFailure e) {
            throw new LoginException(switch (e.kind()) {
                case USAGE -> LoginException.Exit.USAGE;
                case NO_BASE -> LoginException.Exit.CONFIG_KEY_MISSING;
            }, e.getMessage(), e);
        }
    }

    static void call(Ready ready, LoginConfig config, Session.Tokens tokens, Limits limits, PrintStream out, Log log, Renewal renewal)
            throws LoginException {
        ApiRequest request = ready.request();
        URI url = ready.url();
        try (Http http = new Http(limits.connectTimeout(), limits.readTimeout(), config.caFile())) {
            boolean indent = Terminal.console().isPresent();
            log.info(request.method() + " " + url);
            ApiCall.Result result = ApiCall.send(request, url, ready.body(), tokens.response().accessToken(), http, out, indent);
            if (result.status() == 401 && tokens.cached()) {
                Session.Tokens renewed = renewal.tokens(tokens.response().accessToken());
                log.info(request.method() + " " + url + " again, with the new token");
                result = ApiCall.send(request, url, ready.body(), renewed.response().accessToken(), http, out, indent);
            }
            if (result.error().isPresent()) {
                throw new LoginException(LoginException.Exit.API_REFUSED, result.error().get());
            }
        } catch (HttpFailure e) {
            throw LoginException.of(e);
        }
    }

    /** The request's body: none, --input FILE, or --input - (stdin). */
    private static byte[] body(ApiRequest request) throws LoginException {
        if (request.input().isEmpty()) {
            return null;
        }
        String input = request.input().get();
        try (InputStream in = input.equals("-") ? System.in : Files.newInputStream(Path.of(input))) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new LoginException(LoginException.Exit.USAGE, "--input " + Log.printable(input, 80) + " is larger than "
                        + MAX_BODY_BYTES / (1024 * 1024) + " MiB");
            }
            return bytes;
        } catch (IOException e) {
            throw new LoginException(LoginException.Exit.USAGE, "--input " + Log.printable(input, 80) + " cannot be read: "
                    + Log.printable(e.getMessage(), 120), e);
        }
    }
}
