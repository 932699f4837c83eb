package social.nova.search;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static social.nova.search.Snippets.START;
import static social.nova.search.Snippets.STOP;

class SnippetsTest {

    @Test
    void matchesAreMarkedAndTheRestEscaped() {
        String text = "Crème brûlée <b>recipe</b> & \"tips\" 'n' tricks";
        String headline =
                START + "Crème" + STOP + " " + START + "brûlée" + STOP + " <b>recipe</b> & \"tips\" 'n' tricks";
        assertThat(Snippets.render(text, headline))
                .isEqualTo(
                        "<mark>Crème</mark> <mark>brûlée</mark> &lt;b&gt;recipe&lt;/b&gt; &amp; &quot;tips&quot; &#39;n&#39; tricks");
    }

    @Test
    void theDatabasesStandInsForAngleBracketsAndAmpersandsComeBackEscaped() {
        String text = "a <b>bold</b> & more";
        String headline = "a " + Snippets.LT + "b" + Snippets.GT + START + "bold" + STOP + Snippets.LT + "/b"
                + Snippets.GT + " " + Snippets.AMP + " more";
        assertThat(Snippets.render(text, headline)).isEqualTo("a &lt;b&gt;<mark>bold</mark>&lt;/b&gt; &amp; more");
    }

    @Test
    void markupInsideAMatchIsEscapedToo() {
        assertThat(Snippets.render("a<script>", START + "a<script>" + STOP)).isEqualTo("<mark>a&lt;script&gt;</mark>");
    }

    @Test
    void anExcerptShowsWhereTextWasLeftOutAndCollapsesWhiteSpace() {
        String text = "one two three\n\nfour five six";
        assertThat(Snippets.render(text, "three\n\n" + START + "four" + STOP + " five"))
                .isEqualTo("…three <mark>four</mark> five…");
    }

    @Test
    void theWholeSnippetIsAtMostTwoHundredCharactersWithMarkupAndEscapes() {
        String text = "&".repeat(150) + " word " + "<".repeat(150);
        String headline = "&".repeat(150) + " " + START + "word" + STOP + " " + "<".repeat(150);
        String snippet = Snippets.render(text, headline);
        assertThat(snippet.length()).isLessThanOrEqualTo(200);
        assertThat(snippet).endsWith("&amp;…").doesNotContain("<mark>"); // never a cut escape or mark
        assertThat(snippet.replace("&amp;", "")).isEqualTo("…");

        String marks = (START + "w" + STOP + " ").repeat(60);
        String many = Snippets.render("w ".repeat(60), marks);
        assertThat(many.length()).isLessThanOrEqualTo(200);
        assertThat(many).endsWith("</mark> …");
    }

    @Test
    void surrogatePairsAreNeverSplit() {
        String text = "🙂".repeat(150);
        String snippet = Snippets.render(text, text);
        assertThat(snippet.length()).isLessThanOrEqualTo(200);
        assertThat(snippet).isEqualTo("🙂".repeat(99) + "…");
    }

    @Test
    void sentinelsInThePostTextCannotForgeAMark() {
        // The database strips them before ts_headline; the text compared here is stripped alike.
        String text = "x" + START + "y" + STOP + "z";
        assertThat(Snippets.render(text, "xyz")).isEqualTo("xyz");
    }
}
