package social.nova.harness;

/**
 * One running instance of a service in a stack.
 *
 * @param service       its service's name
 * @param number        1, 2, ... within the service
 * @param alias         its name on the stack's network, also the address it advertises to Consul
 * @param port          the port it serves gRPC and HTTP on inside the network
 * @param containerId   its container
 * @param containerName its container's name
 * @param hostPort      the host port its {@code port} is published on
 * @param host          the host address {@code hostPort} is reached at
 */
public record ServiceInstance(
        String service,
        int number,
        String alias,
        int port,
        String containerId,
        String containerName,
        int hostPort,
        String host) {
    /** {@code alias:port}: how other containers (and Consul's checks) reach it. */
    public String target() {
        return alias + ":" + port;
    }

    /** {@code host:hostPort}: how this machine reaches it, e.g. for a gRPC channel in a test. */
    public String hostTarget() {
        return host + ":" + hostPort;
    }
}
