package social.nova.search;

import java.util.regex.Pattern;

/**
 * Post snippets for a result list: the database's {@code ts_headline} picks the excerpt around the
 * matches of the post's {@code plain(text)} (see V1__index.sql: the sentinels removed, {@code < > &}
 * as {@link #LT}, {@link #GT}, {@link #AMP}) and marks them with two private-use sentinels
 * ({@link #START}, {@link #STOP}); here {@code < > &} come back, every character is HTML-escaped, the marked words become
 * {@code <mark>...</mark>}, runs of white space one space, and a cut excerpt gets an ellipsis
 * ({@code …}) on the side where text is left out. The whole string, markup and escapes included,
 * is at most {@link #MAX_LENGTH} characters (UTF-16 units, so also code points): a longer one is
 * cut before the first segment that does not fit (never inside an escape or a mark) and ends
 * with {@code …}.
 */
final class Snippets {
    static final int MAX_LENGTH = 200;
    static final char START = '\uE000';
    static final char STOP = '\uE001';
    static final char LT = '\uE002';
    static final char GT = '\uE003';
    static final char AMP = '\uE004';
    /** ts_headline's options: about 10..25 words around the best match. */
    static final String HEADLINE_OPTIONS = "StartSel=\"" + START + "\", StopSel=\"" + STOP + "\", "
            + "MinWords=10, MaxWords=25, ShortWord=2, HighlightAll=false";

    private static final String ELLIPSIS = "…";
    private static final String OPEN = "<mark>";
    private static final String CLOSE = "</mark>";
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private Snippets() {}

    /**
     * The snippet of {@code text} from {@code plainHeadline}, ts_headline of {@code plain(text)} with
     * {@link #HEADLINE_OPTIONS}.
     */
    static String render(String text, String plainHeadline) {
        String headline = plainHeadline.replace(LT, '<').replace(GT, '>').replace(AMP, '&');
        String plainText = collapse(text.replace(String.valueOf(START), "").replace(String.valueOf(STOP), ""))
                .strip();
        String headlineText = collapse(
                        headline.replace(String.valueOf(START), "").replace(String.valueOf(STOP), ""))
                .strip();
        boolean cutBefore = !plainText.startsWith(headlineText);
        boolean cutAfter = !plainText.endsWith(headlineText);

        StringBuilder out = new StringBuilder(cutBefore ? ELLIPSIS : "");
        int budget = MAX_LENGTH - ELLIPSIS.length(); // room kept for a closing ellipsis
        String body = collapse(headline).strip();
        boolean marked = false;
        StringBuilder segment = new StringBuilder();
        for (int i = 0; i <= body.length(); i++) {
            char c = i < body.length() ? body.charAt(i) : START;
            if (c != START && c != STOP && i < body.length()) {
                segment.append(c);
                continue;
            }
            if (!segment.isEmpty() && !append(out, segment.toString(), marked, budget)) {
                return out.append(ELLIPSIS).toString();
            }
            segment.setLength(0);
            if (c == START) {
                marked = true;
            } else if (c == STOP) {
                marked = false;
            }
        }
        if (cutAfter) {
            out.append(ELLIPSIS);
        }
        return out.toString();
    }

    /**
     * Appends the segment if it fits in {@code budget}; a plain segment that does not is cut at the
     * last whole character (or escape) that fits. False when something was left out.
     */
    private static boolean append(StringBuilder out, String segment, boolean marked, int budget) {
        if (marked) {
            String html = OPEN + escape(segment) + CLOSE;
            if (out.length() + html.length() > budget) {
                return false;
            }
            out.append(html);
            return true;
        }
        for (int i = 0; i < segment.length(); ) {
            int codePoint = segment.codePointAt(i);
            String piece = escape(new String(Character.toChars(codePoint)));
            if (out.length() + piece.length() > budget) {
                return false;
            }
            out.append(piece);
            i += Character.charCount(codePoint);
        }
        return true;
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String collapse(String text) {
        return SPACES.matcher(text).replaceAll(" ");
    }
}
