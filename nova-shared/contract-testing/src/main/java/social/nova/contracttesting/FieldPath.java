package social.nova.contracttesting;

import java.util.List;
import java.util.Objects;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.ProtocolMessageEnum;

/**
 * A field of a request named by its proto field names, dotted for nested messages
 * ({@code page.cursor}), read through the message's descriptor: no code per service.
 */
final class FieldPath {
    private final String path;
    private final List<String> names;

    private FieldPath(String path) {
        this.path = path;
        this.names = List.of(path.split("\\."));
    }

    static FieldPath of(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
            throw new IllegalArgumentException("field path '" + path + "' must be proto field names joined by '.'");
        }
        return new FieldPath(path);
    }

    /** Fails at stub definition when the path names no field of {@code type}. */
    void checkAgainst(Descriptor type) {
        Descriptor current = type;
        for (int i = 0; i < names.size(); i++) {
            FieldDescriptor field = current.findFieldByName(names.get(i));
            if (field == null) {
                throw new IllegalArgumentException(
                        current.getFullName() + " has no field '" + names.get(i) + "' (path '" + path + "'; fields: "
                                + current.getFields().stream()
                                        .map(FieldDescriptor::getName)
                                        .toList() + ")");
            }
            if (i < names.size() - 1) {
                if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isRepeated()) {
                    throw new IllegalArgumentException(
                            "'" + names.get(i) + "' in path '" + path + "' is not a singular message field");
                }
                current = field.getMessageType();
            }
        }
    }

    /** The value at the path, in the form {@link #normalize} gives; {@code null} past an unset message. */
    Object read(MessageOrBuilder message) {
        MessageOrBuilder current = message;
        for (int i = 0; i < names.size(); i++) {
            FieldDescriptor field = current.getDescriptorForType().findFieldByName(names.get(i));
            if (field == null) {
                return null;
            }
            Object value = current.getField(field);
            if (i == names.size() - 1) {
                return normalize(value);
            }
            current = (Message) value;
        }
        return null;
    }

    /** Enums by name, numbers and strings as their text, lists element by element. */
    static Object normalize(Object value) {
        if (value instanceof EnumValueDescriptor e) {
            return e.getName();
        }
        if (value instanceof ProtocolMessageEnum e) {
            return e.getValueDescriptor().getName();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(FieldPath::normalize).toList();
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof CharSequence) {
            return value.toString();
        }
        return value;
    }

    @Override
    public String toString() {
        return path;
    }
}
