package social.nova.testing;

import java.util.Locale;
import java.util.Optional;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * The container images of Nova's platform: the official images where they can be had, or the
 * local Debian-built equivalents that {@code ./nova doctor} builds where no registry answers.
 *
 * <p>The rule, per image: {@code NOVA_IMAGES=official} or {@code local} (environment variable or
 * system property {@code nova.images}) forces a side; otherwise the official image is used if it
 * is present locally, else the local one if it was built, else the official one (Testcontainers
 * then pulls it). The same rule lives in {@code scripts/images.sh}.
 */
public enum PlatformImages {
    CONSUL("hashicorp/consul:1.20", "nova/consul:1.8.7", "hashicorp/consul"),
    POSTGRES("postgres:16", "nova/postgres:local", "postgres"),
    REDIS("redis:7", "nova/redis:local", "redis"),
    JAVA_RUNTIME("eclipse-temurin:21-jre", "nova/java-runtime:21", "eclipse-temurin"),
    /** GreenMail, the development mail server (SMTP and IMAP); the local one runs on {@link #JAVA_RUNTIME}. */
    MAIL("greenmail/standalone:2.1.8", "nova/greenmail:2.1.8", "greenmail/standalone"),
    /**
     * Keycloak, the development and test OpenID Connect provider (a real one, offline: issue 16); the
     * local one is Keycloak's distribution on {@link #JAVA_RUNTIME}, laid out and started like the
     * official image.
     */
    OIDC("quay.io/keycloak/keycloak:26.7.3", "nova/keycloak:26.7.3", "quay.io/keycloak/keycloak"),
    /**
     * S3Proxy, the development and test S3-compatible object store (filesystem backend, path-style
     * requests, AWS signatures); the local one is S3Proxy's runnable jar on {@link #JAVA_RUNTIME},
     * started like the official image ({@link ObjectStoreContainer}).
     */
    OBJECT_STORE("andrewgaul/s3proxy:s3proxy-4.1.0", "nova/s3proxy:4.1.0", "andrewgaul/s3proxy"),
    /**
     * Plain Debian trixie, the base of images the tests build for themselves (nova-harness's
     * Python gRPC client); the local one is {@code ./nova doctor}'s debootstrap base.
     */
    DEBIAN("debian:trixie", "nova/debian:trixie", "debian");

    private final String official;
    private final String local;
    private final String compatibleWith;

    PlatformImages(String official, String local, String compatibleWith) {
        this.official = official;
        this.local = local;
        this.compatibleWith = compatibleWith;
    }

    /** The image to run, marked as a compatible substitute so Testcontainers modules accept it. */
    public DockerImageName image() {
        return DockerImageName.parse(tag()).asCompatibleSubstituteFor(compatibleWith);
    }

    /** The tag chosen by the rule in the class comment. */
    public String tag() {
        return switch (mode()) {
            case "official" -> official;
            case "local" -> local;
            default -> present(official) ? official : present(local) ? local : official;
        };
    }

    public String officialTag() {
        return official;
    }

    public String localTag() {
        return local;
    }

    /** Whether the chosen image is a local stand-in (no registry, so no Ryuk either). */
    public boolean isLocal() {
        return tag().equals(local);
    }

    private static String mode() {
        String value = Optional.ofNullable(System.getProperty("nova.images"))
                .orElseGet(
                        () -> Optional.ofNullable(System.getenv("NOVA_IMAGES")).orElse("auto"));
        String mode = value.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("official") && !mode.equals("local")) {
            throw new IllegalStateException("NOVA_IMAGES must be auto, official or local, was '" + value + "'");
        }
        return mode;
    }

    private static boolean present(String tag) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(tag).exec();
            return true;
        } catch (RuntimeException notFound) {
            return false;
        }
    }
}
