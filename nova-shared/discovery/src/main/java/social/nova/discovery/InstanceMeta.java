package social.nova.discovery;

/**
 * The Consul meta keys every Nova instance registers, read back from {@link ServiceInstance#meta()}.
 * Keys follow Consul's rules (letters, digits, {@code -} and {@code _}).
 */
public final class InstanceMeta {
    /** Release of the service, e.g. {@code 1.4.2}. */
    public static final String VERSION = "version";
    /** Git commit the binary was built from. */
    public static final String GIT_COMMIT = "git-commit";
    /** Protobuf package of the service's API, e.g. {@code nova.auth.v1}. */
    public static final String PROTO_PACKAGE = "proto-package";
    /** Team that owns the service. */
    public static final String OWNER = "owner";

    private InstanceMeta() {}
}
