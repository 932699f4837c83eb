package social.nova.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Lets a test stop, start and pause a container of its own without losing its address: the host
 * port is fixed before start, so a restarted server is reachable where clients already point.
 * (Testcontainers' own stop() removes the container, and a new one gets a new random port.)
 */
public final class RestartableContainer implements AutoCloseable {
    private final GenericContainer<?> container;

    private RestartableContainer(GenericContainer<?> container) {
        this.container = container;
    }

    /** Starts {@code container} with {@code containerPort} published on a free, fixed host port. */
    public static RestartableContainer start(GenericContainer<?> container, int containerPort) {
        container.setPortBindings(List.of(freePort() + ":" + containerPort));
        container.start();
        return new RestartableContainer(container);
    }

    public GenericContainer<?> container() {
        return container;
    }

    /** Stops the server process (clients get connection refused); the container is kept. */
    public void stop() {
        DockerClientFactory.instance()
                .client()
                .stopContainerCmd(container.getContainerId())
                .withTimeout(5)
                .exec();
    }

    /** Starts the stopped container again on the same port. */
    public void restart() {
        DockerClientFactory.instance()
                .client()
                .startContainerCmd(container.getContainerId())
                .exec();
    }

    /** Freezes the server: connections stay open but nothing answers (a hung server). */
    public void pause() {
        DockerClientFactory.instance()
                .client()
                .pauseContainerCmd(container.getContainerId())
                .exec();
    }

    public void unpause() {
        DockerClientFactory.instance()
                .client()
                .unpauseContainerCmd(container.getContainerId())
                .exec();
    }

    @Override
    public void close() {
        container.stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
