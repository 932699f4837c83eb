package social.nova.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The routes the OpenAPI document describes ({@link OpenApiRoute#RESOURCE}, which tests keep equal
 * to the routes the gateway serves): which methods a path takes. A request whose path is a route's
 * but whose method is not gets 405 with {@code Allow} instead of Helidon's 404 ({@link
 * ErrorResponses}), so a client that used the wrong method learns which ones work.
 */
final class DocumentedRoutes {
    private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\{[^/}]+}");

    private record Route(Pattern path, Set<String> methods) {}

    private final List<Route> routes;

    private DocumentedRoutes(List<Route> routes) {
        this.routes = routes;
    }

    /** The routes of the gateway's own OpenAPI document. */
    static DocumentedRoutes ofOpenApiDocument(ObjectMapper mapper) {
        try (InputStream in = DocumentedRoutes.class.getResourceAsStream(OpenApiRoute.RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing class path resource " + OpenApiRoute.RESOURCE);
            }
            return of(mapper.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + OpenApiRoute.RESOURCE, e);
        }
    }

    /** The routes of an OpenAPI document: each path template (a variable is one segment) and its methods. */
    static DocumentedRoutes of(JsonNode document) {
        List<Route> routes = new ArrayList<>();
        document.path("paths").properties().forEach(path -> {
            Set<String> methods = new TreeSet<>();
            path.getValue()
                    .properties()
                    .forEach(operation -> methods.add(operation.getKey().toUpperCase(Locale.ROOT)));
            routes.add(new Route(template(path.getKey()), Set.copyOf(methods)));
        });
        return new DocumentedRoutes(List.copyOf(routes));
    }

    /** The methods of every route whose template matches {@code path}, sorted; empty when none does. */
    Set<String> methodsOf(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : routes) {
            if (route.path().matcher(path).matches()) {
                methods.addAll(route.methods());
            }
        }
        return methods;
    }

    private static Pattern template(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher variable = TEMPLATE_VARIABLE.matcher(template);
        int last = 0;
        while (variable.find()) {
            regex.append(Pattern.quote(template.substring(last, variable.start())))
                    .append("[^/]+");
            last = variable.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString());
    }
}
