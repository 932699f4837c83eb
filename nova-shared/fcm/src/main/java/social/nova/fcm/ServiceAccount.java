package social.nova.fcm;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Google service account FCM is called as: the fields of its JSON key file that the OAuth2
 * JWT bearer grant needs. The private key is never printed, not even in an error message.
 *
 * @param privateKey   {@code private_key}, RSA, PKCS#8 PEM in the file
 * @param privateKeyId {@code private_key_id}, the assertion's {@code kid}
 * @param tokenUri     {@code token_uri}, where the assertion is exchanged (Google's, or a double's)
 * @param projectId    {@code project_id}, the default of {@code fcm.project-id}
 */
public record ServiceAccount(
        String clientEmail, RSAPrivateKey privateKey, String privateKeyId, URI tokenUri, Optional<String> projectId) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "fcm.credentials";

    /**
     * Reads {@code fcm.credentials}: the JSON itself (it starts with <code>{</code>) or the path of
     * the file holding it.
     */
    public static ServiceAccount read(String inlineOrPath) {
        if (inlineOrPath == null || inlineOrPath.isBlank()) {
            throw new IllegalArgumentException(KEY + " must be set (a service-account JSON, or the path of its file)");
        }
        String value = inlineOrPath.strip();
        if (value.startsWith("{")) {
            return parse(value);
        }
        Path file;
        try {
            file = Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(KEY + " is neither a JSON object nor a file path", e);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(KEY + " names no readable file: " + file);
        }
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(KEY + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a service-account JSON. */
    public static ServiceAccount parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Not e.getMessage(): it can quote the content, key included.
            throw new IllegalArgumentException(
                    KEY + " is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(KEY + " is not a JSON object");
        }
        String type = root.path("type").asText("service_account");
        if (!type.equals("service_account")) {
            throw new IllegalArgumentException(KEY + " has type '" + type + "', not service_account");
        }
        String tokenUri = required(root, "token_uri");
        URI uri;
        try {
            uri = URI.create(tokenUri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY + " token_uri is not a URI: " + tokenUri, e);
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException(KEY + " token_uri must be an http(s) URL, was " + tokenUri);
        }
        String projectId = root.path("project_id").asText("");
        return new ServiceAccount(
                required(root, "client_email"),
                privateKey(required(root, "private_key")),
                required(root, "private_key_id"),
                uri,
                projectId.isBlank() ? Optional.empty() : Optional.of(projectId));
    }

    private static String required(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(KEY + " has no " + field);
        }
        return value.asText();
    }

    private static RSAPrivateKey privateKey(String pem) {
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IllegalArgumentException(KEY + " private_key is PKCS#1; Google's files hold PKCS#8"
                    + " (-----BEGIN PRIVATE KEY-----): convert with `openssl pkcs8 -topk8 -nocrypt`");
        }
        if (!pem.contains("-----BEGIN PRIVATE KEY-----") || !pem.contains("-----END PRIVATE KEY-----")) {
            throw new IllegalArgumentException(
                    KEY + " private_key is not a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            // Not the cause: its message may quote key material.
            throw new IllegalArgumentException(KEY + " private_key is not a readable RSA key (PKCS#8 PEM)");
        }
    }

    @Override
    public String toString() {
        return "ServiceAccount[" + clientEmail + ", kid=" + privateKeyId + ", token_uri=" + tokenUri + "]";
    }
}
