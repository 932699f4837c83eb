package social.nova.search;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import social.nova.errors.Violations;

/**
 * A plain-text query as words: split on every character that is not a letter, a digit or a
 * combining mark, lower-cased (accents are removed by the database's text search configuration,
 * the same one the documents go through). Nothing in the text is interpreted as query syntax:
 * {@code & | ! ( ) : * '} are separators like spaces.
 *
 * @param words the words, in order, each made only of letters, digits and marks (at least one)
 */
record SearchQuery(List<String> words) {
    static final int MAX_LENGTH = 100;
    static final String FIELD = "query";

    SearchQuery {
        words = List.copyOf(words);
    }

    /** The query's words, or null after recording the violation of {@code query}. */
    static SearchQuery parse(String text, Violations violations) {
        String stripped = text == null ? "" : text.strip();
        int length = stripped.codePointCount(0, stripped.length());
        if (length < 1 || length > MAX_LENGTH) {
            violations.add(FIELD, "must be 1 to " + MAX_LENGTH + " characters after trimming");
            return null;
        }
        List<String> words = words(stripped);
        if (words.isEmpty()) {
            violations.add(FIELD, "must contain at least one letter or digit");
            return null;
        }
        return new SearchQuery(words);
    }

    /**
     * The tsquery text: every word a quoted lexeme, all required ({@code &}), the last one a prefix
     * ({@code :*}). Safe to hand to {@code to_tsquery}: a word holds only letters, digits and marks,
     * never a quote, backslash or operator.
     */
    String tsquery() {
        List<String> lexemes = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            lexemes.add("'" + words.get(i) + "'" + (i == words.size() - 1 ? ":*" : ""));
        }
        return String.join(" & ", lexemes);
    }

    /** The words separated by single spaces: the typo fallback's text and the cursors' scope. */
    String text() {
        return String.join(" ", words);
    }

    private static List<String> words(String text) {
        String normalized = Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean hasLetterOrDigit = false;
        for (int i = 0; i < normalized.length(); ) {
            int codePoint = normalized.codePointAt(i);
            i += Character.charCount(codePoint);
            if (Character.isLetterOrDigit(codePoint)) {
                word.appendCodePoint(codePoint);
                hasLetterOrDigit = true;
            } else if (isMark(codePoint) && !word.isEmpty()) {
                word.appendCodePoint(codePoint);
            } else {
                if (hasLetterOrDigit) {
                    words.add(word.toString());
                }
                word.setLength(0);
                hasLetterOrDigit = false;
            }
        }
        if (hasLetterOrDigit) {
            words.add(word.toString());
        }
        return words;
    }

    /** Combining marks belong to the letter before them (Devanagari vowel signs, decomposed accents). */
    private static boolean isMark(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}
