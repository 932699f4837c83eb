package social.nova.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A throw-away Google service account for tests: a fresh RSA key pair and the JSON file Google
 * would hand out for it ({@code client_email}, {@code private_key} as PKCS#8 PEM,
 * {@code private_key_id}, {@code token_uri}, {@code project_id}). Its key signs nothing outside a
 * test; {@link FcmDouble} trusts the public half.
 *
 * @param tokenUri where the account exchanges its assertion for an access token (a double's)
 */
public record TestServiceAccount(
        String projectId, String clientEmail, String privateKeyId, URI tokenUri, KeyPair keyPair) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    public TestServiceAccount {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(clientEmail, "clientEmail");
        Objects.requireNonNull(privateKeyId, "privateKeyId");
        Objects.requireNonNull(tokenUri, "tokenUri");
        Objects.requireNonNull(keyPair, "keyPair");
    }

    /** A new account of {@code projectId} with a 2048-bit RSA key, exchanging at {@code tokenUri}. */
    public static TestServiceAccount generate(String projectId, URI tokenUri) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            String name = "nova-push-" + UUID.randomUUID().toString().substring(0, 8);
            return new TestServiceAccount(
                    projectId,
                    name + "@" + projectId + ".iam.gserviceaccount.com",
                    keyId(),
                    tokenUri,
                    generator.generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no RSA key generator", e);
        }
    }

    private static String keyId() {
        byte[] id = new byte[20];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) keyPair.getPublic();
    }

    public RSAPrivateKey privateKey() {
        return (RSAPrivateKey) keyPair.getPrivate();
    }

    /** The private key as Google writes it: PKCS#8, PEM, 64-character lines. */
    public String privateKeyPem() {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keyPair.getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    }

    /** The service-account JSON file, as the Google Cloud console downloads it. */
    public String json() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("type", "service_account");
        fields.put("project_id", projectId);
        fields.put("private_key_id", privateKeyId);
        fields.put("private_key", privateKeyPem());
        fields.put("client_email", clientEmail);
        fields.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        fields.put("token_uri", tokenUri.toString());
        fields.put("universe_domain", "googleapis.com");
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #json()} to {@code file} (a path config can name) and returns it. */
    public Path writeTo(Path file) {
        try {
            return Files.writeString(file, json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        // Never the private key, even a throw-away one: logs get copied around.
        return "TestServiceAccount[" + clientEmail + ", kid=" + privateKeyId + ", token_uri=" + tokenUri + "]";
    }
}
