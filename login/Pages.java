import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The HTML this tool shows a browser: the redirect URI's answers (a page per request: never cached,
 * no scripts, nothing reflected unescaped) and the launch page that forwards the browser to the
 * authorization URL.
 */
final class Pages {

    private Pages() {
    }

    /** One answer of the redirect URI's server: a status, and a page with a title and a line. */
    record Page(int status, String title, String detail) {
        static Page refused(String detail) {
            return new Page(400, "Request refused", detail);
        }

        /** The whole HTTP/1.1 response: never cached, scripts and framing forbidden, connection closed. */
        byte[] toHttp(boolean headersOnly) {
            byte[] body = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escapeHtml(title)
                    + "</title></head>\n<body><h1>" + escapeHtml(title) + "</h1>\n<p>" + escapeHtml(detail)
                    + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
            String reason = switch (status) {
                case 200 -> "OK";
                case 404 -> "Not Found";
                case 405 -> "Method Not Allowed";
                case 431 -> "Request Header Fields Too Large";
                default -> "Bad Request";
            };
            String headers = "HTTP/1.1 " + status + " " + reason + "\r\n"
                    + "Content-Type: text/html; charset=utf-8\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "Cache-Control: no-store\r\n"
                    + "X-Content-Type-Options: nosniff\r\n"
                    + "Content-Security-Policy: default-src 'none'\r\n"
                    + "Referrer-Policy: no-referrer\r\n"
                    + (status == 405 ? "Allow: GET\r\n" : "")
                    + "Connection: close\r\n\r\n";
            byte[] head = headers.getBytes(StandardCharsets.US_ASCII);
            if (headersOnly) {
                return head;
            }
            byte[] response = java.util.Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, response, head.length, body.length);
            return response;
        }
    }

    /** The launch page: it sends the browser on to {@code url}, by script, or by a click on its link. */
    static String launchPage(URI url) {
        String link = escapeHtml(url.toString());
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"referrer\" content=\"no-referrer\"><title>Signing in</title></head>\n<body>"
                + "<p>Taking you to the sign-in page. If nothing happens, <a id=\"go\" href=\"" + link + "\">continue here</a>.</p>\n"
                + "<script>location.replace(document.getElementById(\"go\").href);</script></body></html>\n";
    }

    /** Every reflected value goes through here: the five characters that matter in HTML text and attributes. */
    static String escapeHtml(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
