package social.nova.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3-compatible object store (S3Proxy: the official {@code andrewgaul/s3proxy} image or Nova's
 * local stand-in) set up the way Nova's development stacks run it ({@link #devEnvironment()}): its
 * filesystem backend, objects under {@value #DATA_DIRECTORY} in the container, path-style requests
 * ({@code http://host:port/bucket/key}), and AWS signatures (V4, or V2) checked against a fixed
 * development key pair, {@value #DEV_ACCESS_KEY} / {@value #DEV_SECRET_KEY}. Any region is accepted;
 * Nova's clients sign for {@value #REGION}. A development and test server only.
 */
public class ObjectStoreContainer extends GenericContainer<ObjectStoreContainer> {
    /** S3 (plain HTTP) inside the container: the official image's port. */
    public static final int S3_PORT = 80;
    /** The development access key id (S3Proxy's {@code S3PROXY_IDENTITY}). */
    public static final String DEV_ACCESS_KEY = "nova-dev-access-key";
    /** The development secret key (S3Proxy's {@code S3PROXY_CREDENTIAL}). */
    public static final String DEV_SECRET_KEY = "nova-dev-secret-key";
    /** The region Nova's clients sign requests for. */
    public static final String REGION = "us-east-1";
    /** Where the filesystem backend keeps buckets (a directory each) and objects, in the container. */
    public static final String DATA_DIRECTORY = "/data";
    /** Answers 200 without authentication once S3Proxy serves requests. */
    public static final String HEALTH_PATH = "/healthz";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    public ObjectStoreContainer(DockerImageName image) {
        super(image);
        addExposedPort(S3_PORT);
        devEnvironment().forEach(this::addEnv);
        // An open port is not enough: Docker's proxy accepts connections on a published port before
        // the server listens. S3Proxy's own health endpoint answers once it serves requests.
        waitingFor(Wait.forHttp(HEALTH_PATH).forPort(S3_PORT).forStatusCode(200).withStartupTimeout(STARTUP_TIMEOUT));
    }

    /**
     * The environment both images read (the official image's variables, set explicitly so that
     * neither image's defaults matter): the filesystem backend in {@value #DATA_DIRECTORY}, S3 on
     * {@value #S3_PORT}, path-style only (no virtual host), AWS signatures V2 or V4 with the
     * development key pair.
     */
    public static Map<String, String> devEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("S3PROXY_ENDPOINT", "http://0.0.0.0:" + S3_PORT);
        env.put("S3PROXY_AUTHORIZATION", "aws-v2-or-v4");
        env.put("S3PROXY_IDENTITY", DEV_ACCESS_KEY);
        env.put("S3PROXY_CREDENTIAL", DEV_SECRET_KEY);
        env.put("S3PROXY_VIRTUALHOST", "");
        env.put("JCLOUDS_PROVIDER", "filesystem");
        env.put("JCLOUDS_FILESYSTEM_BASEDIR", DATA_DIRECTORY);
        return Map.copyOf(env);
    }

    /** {@code http://host:port} of S3 as the test host reaches it. */
    public URI endpoint() {
        return URI.create("http://" + getHost() + ":" + getMappedPort(S3_PORT));
    }

    public String accessKey() {
        return DEV_ACCESS_KEY;
    }

    public String secretKey() {
        return DEV_SECRET_KEY;
    }

    public String region() {
        return REGION;
    }

    /** A new S3 client for this store, from the test host ({@link #client}); close it. */
    public S3Client newClient() {
        return client(endpoint(), accessKey(), secretKey());
    }

    /** Creates a bucket with a signed request, as a service would. */
    public void createBucket(String name) {
        try (S3Client s3 = newClient()) {
            s3.createBucket(request -> request.bucket(name));
        }
    }

    /**
     * An S3 client for an S3-compatible store at {@code endpoint} (this container, or a stack's
     * object store): path-style requests, region {@value #REGION}, Apache's HTTP client (the SDK's
     * default sync transport). The SDK's default checksums stay on: S3Proxy accepts the CRC32
     * trailers (aws-chunked) that the SDK sends since 2.30.
     */
    public static S3Client client(URI endpoint, String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /**
     * Whether S3Proxy at {@code endpoint} answers its health check ({@value #HEALTH_PATH}, 200). An
     * open port is not enough: Docker's proxy accepts connections on a published port before the
     * server listens.
     */
    public static boolean healthy(URI endpoint, Duration timeout) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build()) {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(endpoint.resolve(HEALTH_PATH))
                            .timeout(timeout)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
