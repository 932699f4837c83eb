package social.nova.mail;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailTemplatesTest {
    private final MailTemplates templates = MailTemplates.load(List.of("greeting"));

    @Test
    void escapesValuesInTheHtmlBodyOnly() {
        MailContent mail = templates.render("greeting", Map.of("name", "Tom & <Jerry>", "code", "4711"));

        assertThat(mail.subject()).isEqualTo("Welcome, Tom & <Jerry>");
        assertThat(mail.text()).isEqualTo("Hello Tom & <Jerry>,\n\nyour code is 4711.\n");
        assertThat(mail.html()).isEqualTo("<p>Hello Tom &amp; &lt;Jerry&gt;,</p>\n<p>your code is <b>4711</b>.</p>\n");
    }

    @Test
    void aMissingTemplateFileStopsLoadingWithItsName() {
        assertThatThrownBy(() -> MailTemplates.load(List.of("broken")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mail/broken.txt.mustache");
    }

    @Test
    void renderingATemplateThatWasNotLoadedNamesTheLoadedOnes() {
        assertThatThrownBy(() -> templates.render("farewell", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("farewell")
                .hasMessageContaining("greeting");
    }

    @Test
    void aValueCannotAddHeadersThroughTheSubject() {
        assertThatThrownBy(() -> templates.render("greeting", Map.of("name", "x\r\nBcc: all@example.com", "code", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one line");
    }
}
