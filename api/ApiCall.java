package api;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.json.JSONTokener;
import system.Http;
import system.HttpFailure;
import system.Log;

/**
 * One call of {@code ocs-login api}: the request with the access token in its Authorization header,
 * to the one URL it was made for ({@link ApiRequest#url}), no redirect followed; a successful
 * answer's body to {@code out}: as it comes to a pipe or a file, and for a terminal ({@code indent})
 * JSON indented, and no control character raw; the head first with {@code -i}. An HTTP error is not printed but returned,
 * with the API's own message, for the caller to retry (a refused token) or to say.
 */
public final class ApiCall {

    /** An error answer's body is read up to this, for its message. */
    private static final int MAX_ERROR_BYTES = 64 * 1024;
    /** A body to indent is read whole, up to this; a larger one is printed as it came. */
    private static final int MAX_INDENTED_BYTES = 16 * 1024 * 1024;

    /** The answer: its status, and for an HTTP error (or a redirect), the line that says it. */
    public record Result(int status, Optional<String> error) {
    }

    private ApiCall() {
    }

    public static Result send(ApiRequest request, URI url, byte[] body, String accessToken, Http http, PrintStream out, boolean indent)
            throws HttpFailure {
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.headerEntries());
        headers.add(Map.entry("Authorization", "Bearer " + accessToken));
        if (body != null && request.headerEntries().stream().noneMatch(header -> header.getKey().equalsIgnoreCase("Content-Type"))) {
            headers.add(Map.entry("Content-Type", "application/json"));
        }
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        Http.Head head = http.exchange(request.method(), url, headers, body, answer -> {
            if (request.include()) {
                out.println("HTTP " + answer.status() + (answer.reason().isBlank() ? "" : " " + Log.printable(answer.reason(), 80)));
                answer.headers().forEach(header -> out.println(Log.printable(header.getKey(), 200) + ": " + Log.printable(header.getValue(), 2000)));
                out.println();
            }
            boolean success = answer.status() < 300;
            return success && !indent ? out : capped(kept, success ? MAX_INDENTED_BYTES : MAX_ERROR_BYTES);
        }, "API");
        String text = kept.toString(StandardCharsets.UTF_8);
        if (head.status() < 300) {
            if (kept.size() > 0) { // for a terminal: JSON indented, and never a control character raw
                out.println(indented(text).orElse(Log.printableJson(text)));
                if (kept.size() >= MAX_INDENTED_BYTES) {
                    out.println("(cut off at " + MAX_INDENTED_BYTES / (1024 * 1024) + " MiB on a terminal: send it to a file or a pipe"
                            + " for all of it)");
                }
            }
            out.flush();
            return new Result(head.status(), Optional.empty());
        }
        String what = request.method() + " " + url + " answered HTTP " + head.status() + (head.reason().isBlank() ? ""
                : " " + Log.printable(head.reason(), 60));
        if (head.status() < 400) {
            return new Result(head.status(), Optional.of(what + ", a redirect to " + Log.printable(head.header("Location").orElse("(none)"), 200)
                    + ", which is not followed: the token goes to this address only"));
        }
        return new Result(head.status(), Optional.of(what + message(text).map(message -> ": " + message).orElse("")));
    }

    /** The API's own words in an error body: OCS's Message and Reason, RFC 9457's title and detail, OAuth's error. */
    static Optional<String> message(String body) {
        try {
            JSONObject json = new JSONObject(body.strip());
            List<String> parts = new ArrayList<>();
            for (String name : List.of("Message", "message", "title", "detail", "Reason", "error", "error_description", "errorMessage")) {
                if (json.opt(name) instanceof String value && !value.isBlank() && !parts.contains(value)) {
                    parts.add(value);
                }
            }
            return parts.isEmpty() ? Optional.empty() : Optional.of(Log.printable(String.join("; ", parts), 300));
        } catch (JSONException notJson) {
            String text = body.strip();
            return text.isEmpty() || text.startsWith("<") ? Optional.empty() : Optional.of(Log.printable(text, 200));
        }
    }

    /** JSON, indented by two spaces, when {@code text} is JSON. */
    private static Optional<String> indented(String text) {
        try {
            Object value = new JSONTokener(text).nextValue();
            return value instanceof JSONObject object ? Optional.of(Log.printableJson(object.toString(2)))
                    : value instanceof JSONArray array ? Optional.of(Log.printableJson(array.toString(2))) : Optional.empty();
        } catch (JSONException notJson) {
            return Optional.empty();
        }
    }

    /** {@code target}, which keeps the first {@code limit} bytes and drops the rest. */
    private static OutputStream capped(ByteArrayOutputStream target, int limit) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                if (target.size() < limit) {
                    target.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                target.write(bytes, offset, Math.max(0, Math.min(length, limit - target.size())));
            }
        };
    }
}
