package social.nova.harness;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.testcontainers.DockerClientFactory;

/**
 * The Docker operations a stack needs, on Testcontainers' Docker client (which finds the engine
 * the same way for tests and the CLI). Containers are created with plain docker-java rather than
 * Testcontainers' {@code GenericContainer}, because {@code ./nova up} needs containers that outlive
 * the JVM: GenericContainer always adds the session label that Testcontainers' reaper removes at
 * exit (unless "reuse" is switched on machine-wide). Test stacks get that label from
 * {@link StackIdentity#test()} and are reaped like any other test container.
 */
public final class StackDocker {
    /**
     * The name a stack's containers reach this machine by (Docker's {@code host-gateway}, Docker
     * 20.10 and later): where a test stack's doubles of external services listen (the FCM double).
     */
    public static final String HOST_ALIAS = "host.docker.internal";

    private static final System.Logger LOG = System.getLogger(StackDocker.class.getName());
    /** Label holding {@link ContainerSpec#fingerprint}'s hash, to keep unchanged {@code up} containers. */
    static final String FINGERPRINT_LABEL = "nova.fingerprint";

    private static final Duration LOG_READ_TIMEOUT = Duration.ofSeconds(10);
    /** {@code rw-r--r--}: a {@link ContainerFile} is readable by the image's own (unprivileged) user. */
    private static final int FILE_MODE = 0100644;
    /** How long a replaced container gets to shut down: a service's propagation delay plus its drain. */
    private static final Duration REPLACE_GRACE = Duration.ofSeconds(15);

    private final DockerClient docker;
    private final String bindAddress;

    public StackDocker(String bindAddress) {
        this(DockerClientFactory.instance().client(), bindAddress);
    }

    StackDocker(DockerClient docker, String bindAddress) {
        this.docker = docker;
        this.bindAddress = bindAddress;
    }

    public DockerClient client() {
        return docker;
    }

    /**
     * The MTU of the stack's network. Every hop on it stays on this host (container to container,
     * and docker-proxy to a container for a published port), so it need not be an Ethernet's 1,500
     * bytes: like loopback's 65,536, a large MTU carries a bulk transfer in fewer packets. Measured
     * on this 2-core machine with 1-2 GiB over one connection between two containers: 0.79-1.00 ms of
     * machine CPU per MiB at 1,500, 0.62-0.69 ms at 65,000. Media bodies cross the network twice
     * through the gateway (store to gateway, gateway to docker-proxy), so this is most of what they gain.
     */
    static final int NETWORK_MTU = 65_000;

    private static final String MTU_OPTION = "com.docker.network.driver.mtu";

    /**
     * The network named {@code name}, created with {@code labels} and {@link #NETWORK_MTU} if
     * missing; returns its id. A network of an older stack with another MTU is made anew when no
     * container is attached to it (a running stack keeps its network until {@code ./nova down}).
     */
    public String ensureNetwork(String name, Map<String, String> labels) {
        try {
            Network existing = docker.inspectNetworkCmd().withNetworkId(name).exec();
            Map<String, String> options = existing.getOptions() == null ? Map.of() : existing.getOptions();
            boolean unused =
                    existing.getContainers() == null || existing.getContainers().isEmpty();
            if (String.valueOf(NETWORK_MTU).equals(options.get(MTU_OPTION)) || !unused) {
                return existing.getId();
            }
            docker.removeNetworkCmd(existing.getId()).exec();
        } catch (NotFoundException missing) {
            // created below
        }
        return docker.createNetworkCmd()
                .withName(name)
                .withDriver("bridge")
                .withOptions(Map.of(MTU_OPTION, String.valueOf(NETWORK_MTU)))
                .withLabels(labels)
                .exec()
                .getId();
    }

    private String fingerprint(String network, ContainerSpec spec) {
        String imageId = docker.inspectImageCmd(spec.image()).exec().getId();
        return Hashing.sha256(network + "\n" + spec.fingerprint(imageId)).substring(0, 16);
    }

    /**
     * Whether {@link #run} would replace a running container: one of the spec's name runs, created
     * from another spec or image (a new build, changed settings).
     */
    public boolean wouldReplaceRunning(String network, ContainerSpec spec) {
        return inspect(spec.name())
                .filter(container -> Boolean.TRUE.equals(container.getState().getRunning()))
                .map(container -> container.getConfig() == null
                        ? null
                        : container.getConfig().getLabels())
                .map(labels -> !fingerprint(network, spec).equals(labels.get(FINGERPRINT_LABEL)))
                .orElse(false);
    }

    /**
     * Creates and starts the container, or keeps a running one of the same name that was created
     * from the same spec and image (only for names that are stable across runs: the {@code up}
     * stack). A container of that name that differs is replaced.
     *
     * @param network the network it joins, with {@link ContainerSpec#aliases()} as its names there
     */
    public RunningContainer run(String network, ContainerSpec spec) {
        String fingerprint = fingerprint(network, spec);
        Optional<InspectContainerResponse> existing = inspect(spec.name());
        if (existing.isPresent()) {
            InspectContainerResponse container = existing.get();
            var labels =
                    container.getConfig() == null ? null : container.getConfig().getLabels();
            boolean same = labels != null && fingerprint.equals(labels.get(FINGERPRINT_LABEL));
            if (same && Boolean.TRUE.equals(container.getState().getRunning())) {
                return running(container, true);
            }
            stopAndRemove(container.getId());
        }
        Map<String, String> labels = new HashMap<>(spec.labels());
        labels.put(FINGERPRINT_LABEL, fingerprint);
        List<ExposedPort> exposed = new ArrayList<>();
        List<PortBinding> bindings = new ArrayList<>();
        spec.published().forEach((containerPort, hostPort) -> {
            ExposedPort port = ExposedPort.tcp(containerPort);
            exposed.add(port);
            bindings.add(new PortBinding(
                    hostPort == 0
                            ? Ports.Binding.bindIp(bindAddress)
                            : Ports.Binding.bindIpAndPort(bindAddress, hostPort),
                    port));
        });
        HostConfig host = hostConfig(network, spec, bindings);
        var create = docker.createContainerCmd(spec.image())
                .withName(spec.name())
                .withLabels(labels)
                .withEnv(spec.env().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .sorted()
                        .toList())
                .withExposedPorts(exposed)
                .withHostConfig(host)
                .withAliases(spec.aliases());
        if (!spec.command().isEmpty()) {
            create.withCmd(spec.command());
        }
        String id = create.exec().getId();
        if (!spec.files().isEmpty()) {
            try (InputStream archive = new ByteArrayInputStream(tar(spec.files()))) {
                docker.copyArchiveToContainerCmd(id)
                        .withRemotePath("/")
                        .withTarInputStream(archive)
                        .exec();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot put files into " + spec.name(), e);
            }
        }
        docker.startContainerCmd(id).exec();
        return running(docker.inspectContainerCmd(id).exec(), false);
    }

    /**
     * The files as a tar archive to unpack at {@code /}: file entries only, so Docker creates the
     * folders an image lacks and leaves those it has (their owners and modes) alone.
     */
    static byte[] tar(List<ContainerFile> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream archive = new TarArchiveOutputStream(bytes)) {
            archive.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (ContainerFile file : files) {
                byte[] content = file.content().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file.path().substring(1));
                entry.setSize(content.length);
                entry.setMode(FILE_MODE);
                entry.setIds(0, 0);
                entry.setNames("root", "root");
                archive.putArchiveEntry(entry);
                archive.write(content);
                archive.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * How Docker runs {@code spec}: its network, published ports, memory limit and restart policy,
     * and {@link #HOST_ALIAS} for this machine.
     */
    static HostConfig hostConfig(String network, ContainerSpec spec, List<PortBinding> bindings) {
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(network)
                .withPortBindings(bindings)
                .withExtraHosts(HOST_ALIAS + ":host-gateway");
        if (spec.memoryBytes() > 0) {
            host.withMemory(spec.memoryBytes());
        }
        if (StackIdentity.UP.equals(spec.labels().get(StackIdentity.STACK_LABEL))) {
            // People leave the `up` stack running: a container whose process dies (a crash, an
            // OutOfMemoryError) is started again by Docker. `docker stop`/`kill` still stop it for
            // good. A test stack has no restart policy, so a test sees a crash as a crash.
            host.withRestartPolicy(RestartPolicy.unlessStoppedRestart());
        }
        return host;
    }

    /** Stops the container as {@code docker stop} does (SIGTERM, then SIGKILL after {@code grace}). */
    public void stop(String containerId, Duration grace) {
        try {
            docker.stopContainerCmd(containerId)
                    .withTimeout((int) Math.max(1, grace.toSeconds()))
                    .exec();
        } catch (NotModifiedException alreadyStopped) {
            LOG.log(System.Logger.Level.DEBUG, "{0} was already stopped", containerId);
        }
    }

    /** Kills the container as {@code docker kill} does (SIGKILL): no graceful shutdown, no deregistration. */
    public void kill(String containerId) {
        docker.killContainerCmd(containerId).exec();
    }

    /** Freezes every process of the container ({@code docker pause}); its ports still accept connections. */
    public void pause(String containerId) {
        docker.pauseContainerCmd(containerId).exec();
    }

    public void unpause(String containerId) {
        try {
            docker.unpauseContainerCmd(containerId).exec();
        } catch (NotModifiedException notPaused) {
            LOG.log(System.Logger.Level.DEBUG, "{0} was not paused", containerId);
        }
    }

    /** Whether the container is paused. */
    public boolean isPaused(String containerId) {
        return inspect(containerId)
                .map(c -> Boolean.TRUE.equals(c.getState().getPaused()))
                .orElse(false);
    }

    /**
     * The container as it runs now. Docker publishes a port anew (on another free host port) each
     * time a container starts, so whoever reaches it from the host must look again after a restart.
     */
    public RunningContainer current(String containerId) {
        return running(docker.inspectContainerCmd(containerId).exec(), false);
    }

    public void start(String containerId) {
        try {
            docker.startContainerCmd(containerId).exec();
        } catch (NotModifiedException alreadyRunning) {
            LOG.log(System.Logger.Level.DEBUG, "{0} was already running", containerId);
        }
    }

    /**
     * Stops the container gracefully first (a service deregisters from Consul on SIGTERM, rather
     * than lingering there as critical), then removes it.
     */
    public void stopAndRemove(String containerId) {
        try {
            stop(containerId, REPLACE_GRACE);
        } catch (NotFoundException gone) {
            return;
        }
        remove(containerId);
    }

    public void remove(String containerId) {
        try {
            docker.removeContainerCmd(containerId)
                    .withForce(true)
                    .withRemoveVolumes(true)
                    .exec();
        } catch (NotFoundException gone) {
            LOG.log(System.Logger.Level.DEBUG, "{0} was already removed", containerId);
        }
    }

    /**
     * The container's memory in use now, as {@code docker stats} shows it: the cgroup's usage less
     * the page cache the kernel can drop (inactive files), which is what the OOM killer weighs.
     */
    public long memoryInUse(String containerId) {
        try (var callback =
                new com.github.dockerjava.api.async.ResultCallback.Adapter<
                        com.github.dockerjava.api.model.Statistics>() {
                    volatile com.github.dockerjava.api.model.Statistics last;

                    @Override
                    public void onNext(com.github.dockerjava.api.model.Statistics statistics) {
                        last = statistics;
                    }
                }) {
            docker.statsCmd(containerId).withNoStream(true).exec(callback).awaitCompletion();
            var memory = callback.last == null ? null : callback.last.getMemoryStats();
            if (memory == null || memory.getUsage() == null) {
                return 0;
            }
            var stats = memory.getStats();
            long cache = stats == null ? 0 : java.util.Objects.requireNonNullElse(stats.getTotalInactiveFile(), 0L);
            return java.util.Objects.requireNonNullElse(memory.getUsage(), 0L) - cache;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the stats of " + containerId, e);
        }
    }

    /** The CPU time the container's processes used so far, in nanoseconds (its cgroup's, as {@code docker stats} reads it). */
    public long cpuNanos(String containerId) {
        try (var callback =
                new com.github.dockerjava.api.async.ResultCallback.Adapter<
                        com.github.dockerjava.api.model.Statistics>() {
                    volatile com.github.dockerjava.api.model.Statistics last;

                    @Override
                    public void onNext(com.github.dockerjava.api.model.Statistics statistics) {
                        last = statistics;
                    }
                }) {
            docker.statsCmd(containerId).withNoStream(true).exec(callback).awaitCompletion();
            var last = callback.last;
            var cpu = last == null ? null : last.getCpuStats();
            var usage = cpu == null ? null : cpu.getCpuUsage();
            Long total = usage == null ? null : usage.getTotalUsage();
            if (total == null) {
                throw new IllegalStateException("Docker reports no CPU use of " + containerId);
            }
            return total;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the stats of " + containerId, e);
        }
    }

    public Optional<InspectContainerResponse> inspect(String nameOrId) {
        try {
            return Optional.of(docker.inspectContainerCmd(nameOrId).exec());
        } catch (NotFoundException missing) {
            return Optional.empty();
        }
    }

    /**
     * The host port the existing container {@code name} asked Docker for on {@code containerPort}
     * (a fixed binding, not one Docker chose): a container replaced or started again keeps it.
     */
    public OptionalInt fixedHostPort(String name, int containerPort) {
        return inspect(name)
                .map(container -> {
                    Ports ports = container.getHostConfig().getPortBindings();
                    Ports.Binding[] bindings =
                            ports == null ? null : ports.getBindings().get(ExposedPort.tcp(containerPort));
                    if (bindings == null
                            || bindings.length == 0
                            || bindings[0].getHostPortSpec() == null
                            || bindings[0].getHostPortSpec().isBlank()
                            || "0".equals(bindings[0].getHostPortSpec())) {
                        return OptionalInt.empty();
                    }
                    return OptionalInt.of(Integer.parseInt(bindings[0].getHostPortSpec()));
                })
                .orElse(OptionalInt.empty());
    }

    /**
     * A port free on the bind address now, for a fixed binding: one whose number a process must know
     * before its container starts (a service registers its published address in Consul).
     */
    public int freeHostPort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + bindAddress, e);
        }
    }

    /** Whether the container exists and runs. */
    public boolean isRunning(String containerId) {
        return inspect(containerId)
                .map(c -> Boolean.TRUE.equals(c.getState().getRunning()))
                .orElse(false);
    }

    /** "running", "exited (1)", "removed"... as people read it. */
    public String describeState(String containerId) {
        return inspect(containerId)
                .map(c -> {
                    var state = c.getState();
                    return Boolean.TRUE.equals(state.getRunning())
                            ? "running"
                            : state.getStatus() + " (exit code " + state.getExitCodeLong() + ")";
                })
                .orElse("removed");
    }

    /** The last {@code lines} lines the container wrote (stdout and stderr). */
    public String logs(String containerId, int lines) {
        return logs(docker.logContainerCmd(containerId).withTail(lines));
    }

    /** Everything the container wrote (stdout and stderr). */
    public String logs(String containerId) {
        return logs(docker.logContainerCmd(containerId).withTailAll());
    }

    private static String logs(com.github.dockerjava.api.command.LogContainerCmd command) {
        StringBuilder text = new StringBuilder();
        try {
            command.withStdOut(true)
                    .withStdErr(true)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            text.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    })
                    .awaitCompletion(LOG_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            text.append("(logs unavailable: ").append(e.getMessage()).append(')');
        }
        return text.toString();
    }

    /** Containers (running or not) carrying the label {@code filter} ({@code key=value}). */
    public List<Container> containers(String filter) {
        return docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(List.of(filter))
                .exec();
    }

    /**
     * Removes every container and network labelled {@code filter}: works from any JVM, also after
     * the one that started them crashed. Returns how many containers were removed.
     */
    public int removeAll(String filter) {
        List<Container> containers = containers(filter);
        containers.forEach(container -> remove(container.getId()));
        for (Network network :
                docker.listNetworksCmd().withFilter("label", List.of(filter)).exec()) {
            try {
                docker.removeNetworkCmd(network.getId()).exec();
            } catch (NotFoundException gone) {
                LOG.log(System.Logger.Level.DEBUG, "network {0} was already removed", network.getName());
            }
        }
        return containers.size();
    }

    private static RunningContainer running(InspectContainerResponse container, boolean kept) {
        Map<Integer, Integer> hostPorts = new HashMap<>();
        Ports ports = container.getNetworkSettings().getPorts();
        if (ports != null) {
            ports.getBindings().forEach((exposed, bindings) -> {
                if (bindings != null && bindings.length > 0 && bindings[0].getHostPortSpec() != null) {
                    hostPorts.put(exposed.getPort(), Integer.parseInt(bindings[0].getHostPortSpec()));
                }
            });
        }
        return new RunningContainer(container.getId(), container.getName().replaceFirst("^/", ""), hostPorts, kept);
    }

    /**
     * A started container.
     *
     * @param hostPorts container port to the host port it is published on
     * @param kept      an existing container was kept rather than created
     */
    public record RunningContainer(String id, String name, Map<Integer, Integer> hostPorts, boolean kept) {
        public RunningContainer {
            hostPorts = Map.copyOf(hostPorts);
        }

        public int hostPort(int containerPort) {
            Integer port = hostPorts.get(containerPort);
            if (port == null) {
                throw new IllegalStateException(name + " does not publish port " + containerPort);
            }
            return port;
        }
    }
}
