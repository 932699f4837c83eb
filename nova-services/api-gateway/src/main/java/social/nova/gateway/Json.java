package social.nova.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

/**
 * JSON in and out of the gateway (Jackson). Request bodies are read strictly, and every way a body
 * can be wrong is a 400 that names the problem: too large, not JSON, malformed (with line and
 * column), not an object, an unknown field, or a field of the wrong type. Nothing is coerced: a
 * number where a string is expected is an error, not a string.
 */
final class Json {
    private static final String APPLICATION_JSON = MediaTypes.APPLICATION_JSON.text();
    /** How Jackson starts the message of FAIL_ON_TRAILING_TOKENS. */
    private static final String TRAILING_TOKEN = "Trailing token";

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfigDefaults(config -> {
                config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                config.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            })
            .withCoercionConfig(LogicalType.Textual, config -> {
                config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                config.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            })
            .build();
    private final int maxBodyBytes;

    Json(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * The request body as {@code type} (a record whose components are the JSON fields).
     *
     * @throws NovaException INVALID_ARGUMENT naming what is wrong with the body
     */
    <T> T read(ServerRequest request, Class<T> type) {
        requireJsonContentType(request);
        return parse(readBounded(request), type);
    }

    /** A request body as {@code type}; the checks of {@link #read} but the transport's. */
    <T> T parse(byte[] body, Class<T> type) {
        if (body.length > maxBodyBytes) {
            throw tooLarge();
        }
        if (isBlank(body)) {
            throw NovaException.invalidArgument("request body is empty: expected a JSON object");
        }
        try {
            return mapper.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            String field = path(e);
            throw NovaException.invalidArgument(
                    "unknown field '" + field + "'; expected " + known(e.getKnownPropertyIds()),
                    FieldViolation.of(field, "is not a field of this request"));
        } catch (MismatchedInputException e) {
            String field = path(e);
            if (field.isEmpty() && e.getOriginalMessage().startsWith(TRAILING_TOKEN)) {
                throw NovaException.invalidArgument(
                        "malformed JSON: more content after the object" + where(e.getLocation()));
            }
            if (field.isEmpty()) {
                throw NovaException.invalidArgument("request body must be a JSON object");
            }
            String expected = "must be " + describe(e.getTargetType());
            throw NovaException.invalidArgument(
                    "field '" + field + "' " + expected, FieldViolation.of(field, expected));
        } catch (JacksonException e) {
            throw NovaException.invalidArgument("malformed JSON: " + e.getOriginalMessage() + where(e.getLocation()));
        } catch (IOException e) {
            throw NovaException.invalidArgument("malformed JSON: " + e.getMessage());
        }
    }

    /** Sends {@code body} as JSON with the given status. */
    void send(ServerResponse response, Status status, Object body) {
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + body.getClass().getSimpleName() + " as JSON", e);
        }
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, APPLICATION_JSON);
        response.send(bytes);
    }

    void send(ServerResponse response, Object body) {
        send(response, Status.OK_200, body);
    }

    /** A field left out (or null) is sent to the service empty, and the service names it as missing. */
    static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private void requireJsonContentType(ServerRequest request) {
        // A missing Content-Type is tolerated (curl -d sends a form type, though: see the README).
        request.headers().contentType().ifPresent(contentType -> {
            if (!isJson(contentType)) {
                throw NovaException.invalidArgument("Content-Type must be " + APPLICATION_JSON + ", was "
                        + contentType.mediaType().text());
            }
        });
    }

    private static boolean isJson(HttpMediaType contentType) {
        String subtype = contentType.mediaType().subtype().toLowerCase(Locale.ROOT);
        return "application".equalsIgnoreCase(contentType.mediaType().type())
                && (subtype.equals("json") || subtype.endsWith("+json"));
    }

    /** Reads at most one byte more than allowed, so an oversized body is never held in full. */
    private byte[] readBounded(ServerRequest request) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
    }

    private NovaException tooLarge() {
        return NovaException.invalidArgument("request body is larger than the limit of " + maxBodyBytes + " bytes");
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(reference ->
                        reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String known(Collection<Object> names) {
        return names.isEmpty()
                ? "no fields"
                : "one of: " + names.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type.isRecord()) {
            return "a JSON object";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        return "of type " + type.getSimpleName();
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
