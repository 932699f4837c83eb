package social.nova.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import redis.clients.jedis.CommandObject;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.executors.CommandExecutor;

/**
 * Bounds every non-blocking command, as its caller sees it, by one timeout: waiting for a pooled
 * connection, opening and initialising a new one, sending and reading the reply. Jedis bounds
 * each of those steps by its own setting ({@code pool.max-wait}, {@code connect-timeout}, the
 * socket timeout of each handshake command and of the command), so against a frozen Redis a
 * caller could wait for their sum, several seconds. Here the command runs on a virtual thread and
 * the caller waits at most the timeout; then the command is interrupted (a virtual thread blocked
 * on a socket gets it closed, so the broken connection leaves the pool) and the caller gets a
 * {@link JedisConnectionException}, which the cache and the rate limiter treat as Redis being
 * unreachable.
 *
 * <p>Blocking commands ({@code XREADGROUP ... BLOCK}) run on the caller's thread, bounded by
 * {@code blocking-socket-timeout}: only background consumers use them.
 */
final class TimeLimitedCommandExecutor implements CommandExecutor {
    private final CommandExecutor delegate;
    private final Duration timeout;
    private final long timeoutNanos;
    private final ExecutorService commands =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("nova-redis-command").factory());

    TimeLimitedCommandExecutor(CommandExecutor delegate, Duration timeout) {
        this.delegate = delegate;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        if (command.getArguments().isBlocking()) {
            return delegate.executeCommand(command);
        }
        Future<T> reply = commands.submit(() -> delegate.executeCommand(command));
        try {
            return reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            reply.cancel(true);
            throw new JedisConnectionException("Redis did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            reply.cancel(true);
            Thread.currentThread().interrupt();
            throw new JedisConnectionException("interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new JedisConnectionException(cause);
        }
    }

    @Override
    public void close() throws Exception {
        commands.shutdownNow();
        delegate.close();
    }
}
