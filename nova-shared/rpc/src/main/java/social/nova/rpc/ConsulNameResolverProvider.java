package social.nova.rpc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import social.nova.discovery.ServiceDirectory;

/**
 * Resolves {@code consul:///<service-name>} targets through a {@link ServiceDirectory}: the
 * channel's addresses are the service's passing instances, updated on every change the directory
 * reports (see {@link ConsulNameResolver}). Register it in a channel's own
 * {@link io.grpc.NameResolverRegistry} (as {@link NovaClients} does) rather than the global one,
 * so clients over different directories can live in one JVM.
 */
public final class ConsulNameResolverProvider extends NameResolverProvider {
    /** The target scheme. */
    public static final String SCHEME = "consul";

    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final ServiceDirectory directory;

    public ConsulNameResolverProvider(ServiceDirectory directory) {
        this.directory = directory;
    }

    /** The channel target for a service: {@code consul:///<service-name>}. */
    public static String target(String serviceName) {
        return SCHEME + ":///" + requireServiceName(serviceName);
    }

    static String requireServiceName(String serviceName) {
        if (serviceName == null || !SERVICE_NAME.matcher(serviceName).matches()) {
            throw new IllegalArgumentException(
                    "service name must be letters, digits, '.', '_' or '-' (e.g. user-service), was '" + serviceName
                            + "'");
        }
        return serviceName;
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        String path = targetUri.getPath();
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("target must be consul:///<service-name>, was " + targetUri);
        }
        return new ConsulNameResolver(
                requireServiceName(path.substring(1)), directory, args.getSynchronizationContext());
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }
}
