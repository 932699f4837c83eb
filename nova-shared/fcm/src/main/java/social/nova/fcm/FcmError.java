package social.nova.fcm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An error answer of FCM HTTP v1: {@code {"error":{"code", "message", "status", "details":[...]}}},
 * where a detail of {@code @type} {@value #FCM_ERROR} carries FCM's own {@code errorCode} and one of
 * {@value #BAD_REQUEST} names the fields it refused.
 *
 * @param status         the Google API status ({@code NOT_FOUND}, {@code INVALID_ARGUMENT}...), or ""
 * @param errorCode      FCM's error code ({@code UNREGISTERED}, {@code QUOTA_EXCEEDED}...), or ""
 * @param violatedFields the fields a {@code google.rpc.BadRequest} detail names
 */
record FcmError(int httpStatus, String status, String errorCode, String message, List<String> violatedFields) {
    static final String FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    static final String BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE_LENGTH = 300;

    FcmError {
        violatedFields = List.copyOf(violatedFields);
    }

    /** Reads an error body; a body that is not FCM's JSON (a proxy's page) leaves the fields empty. */
    static FcmError read(int httpStatus, String body) {
        JsonNode error;
        try {
            JsonNode root = JSON.readTree(body == null ? "" : body);
            error = root == null ? JSON.missingNode() : root.path("error");
        } catch (IOException e) {
            error = JSON.missingNode();
        }
        String errorCode = "";
        List<String> fields = new ArrayList<>();
        for (JsonNode detail : error.path("details")) {
            String type = detail.path("@type").asText("");
            if (type.equals(FCM_ERROR)) {
                errorCode = detail.path("errorCode").asText("");
            } else if (type.equals(BAD_REQUEST)) {
                for (JsonNode violation : detail.path("fieldViolations")) {
                    fields.add(violation.path("field").asText(""));
                }
            }
        }
        String message = error.path("message").asText("");
        if (message.isEmpty() && !error.isObject() && body != null) {
            message = body.strip();
        }
        if (message.length() > MAX_MESSAGE_LENGTH) {
            message = message.substring(0, MAX_MESSAGE_LENGTH) + "...";
        }
        return new FcmError(httpStatus, error.path("status").asText(""), errorCode, message, fields);
    }

    /** The app is gone from the device (or the token expired): drop the token. */
    boolean unregistered() {
        return errorCode.equals("UNREGISTERED") || errorCode.isEmpty() && status.equals("UNREGISTERED");
    }

    /**
     * FCM refused the token as malformed. {@code INVALID_ARGUMENT} also answers a bad payload, so it
     * counts against the token only when no field other than {@code message.token} is named: the
     * payload was checked by {@link FcmMessage} (Firebase's advice on managing tokens).
     */
    boolean invalidToken() {
        boolean invalidArgument =
                errorCode.equals("INVALID_ARGUMENT") || errorCode.isEmpty() && status.equals("INVALID_ARGUMENT");
        return invalidArgument && violatedFields.stream().allMatch("message.token"::equals);
    }

    /** The error code worth reporting: FCM's own, else the API status. */
    String code() {
        return !errorCode.isEmpty() ? errorCode : status.isEmpty() ? "HTTP " + httpStatus : status;
    }

    @Override
    public String toString() {
        return "FCM answered " + httpStatus + " " + code()
                + (violatedFields.isEmpty() ? "" : " " + violatedFields)
                + (message.isEmpty() ? "" : ": " + message);
    }
}
