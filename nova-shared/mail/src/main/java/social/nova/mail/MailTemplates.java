package social.nova.mail;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheFactory;

/**
 * A service's mail templates, in Mustache (mustache.java), from its class path: for a template
 * {@code name}, {@code mail/<name>.subject.mustache}, {@code mail/<name>.txt.mustache} and
 * {@code mail/<name>.html.mustache}. Values are HTML-escaped in the HTML body and written as they
 * are in the subject and the text body.
 *
 * <p>Every template is compiled when the service starts ({@link #load}), so a missing or broken
 * one stops start-up instead of the first mail that needs it. Compiled templates are thread-safe.
 */
public final class MailTemplates {
    /** Where templates live on the class path. */
    public static final String ROOT = "mail";

    private final Map<String, Compiled> templates;

    private record Compiled(Mustache subject, Mustache text, Mustache html) {}

    private MailTemplates(Map<String, Compiled> templates) {
        this.templates = Map.copyOf(templates);
    }

    /**
     * Compiles the named templates from the class path.
     *
     * @throws IllegalStateException naming the file when one is missing or does not compile
     */
    public static MailTemplates load(List<String> names) {
        MustacheFactory html = new DefaultMustacheFactory(ROOT);
        MustacheFactory plain = new PlainFactory();
        Map<String, Compiled> compiled = new HashMap<>();
        for (String name : names) {
            compiled.put(
                    name,
                    new Compiled(
                            compile(plain, name + ".subject.mustache"),
                            compile(plain, name + ".txt.mustache"),
                            compile(html, name + ".html.mustache")));
        }
        return new MailTemplates(compiled);
    }

    /**
     * Renders template {@code name} with {@code model} (its keys are the template's {@code {{names}}}).
     *
     * @throws IllegalArgumentException for a template that was not loaded
     */
    public MailContent render(String name, Map<String, ?> model) {
        Compiled template = templates.get(name);
        if (template == null) {
            throw new IllegalArgumentException(
                    "no mail template '" + name + "' was loaded; loaded: " + templates.keySet());
        }
        Objects.requireNonNull(model, "model");
        return new MailContent(
                run(template.subject(), model).strip(), run(template.text(), model), run(template.html(), model));
    }

    private static Mustache compile(MustacheFactory factory, String file) {
        try {
            return factory.compile(file);
        } catch (MustacheException e) {
            throw new IllegalStateException(
                    "mail template " + ROOT + "/" + file + " is missing or does not compile: " + e.getMessage(), e);
        }
    }

    private static String run(Mustache mustache, Map<String, ?> model) {
        StringWriter out = new StringWriter();
        mustache.execute(out, model);
        return out.toString();
    }

    /** Writes values as they are: for the subject and the text body. */
    private static final class PlainFactory extends DefaultMustacheFactory {
        PlainFactory() {
            super(ROOT);
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
