package system;

/** Text in HTML: every value a page reflects goes through {@link #escape}, the launch page's address and the callback pages alike. */
public final class Html {

    private Html() {
    }

    /** The five characters that matter in HTML text and attributes, escaped. */
    public static String escape(String text) {
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
