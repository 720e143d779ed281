package login;

import java.nio.charset.StandardCharsets;
import system.Html;

/**
 * The HTML the redirect URI's server answers a browser with: a page per request, never cached, no
 * scripts, nothing reflected unescaped. (The launch page that forwards the browser to the
 * authorization URL is {@code system.Browser}'s.)
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
            byte[] body = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Html.escape(title)
                    + "</title></head>\n<body><h1>" + Html.escape(title) + "</h1>\n<p>" + Html.escape(detail)
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
}
