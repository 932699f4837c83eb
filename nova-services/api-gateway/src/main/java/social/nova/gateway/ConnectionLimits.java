package social.nova.gateway;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open long-lived connections of one kind, overall and per user, each bounded: the real-time
 * WebSockets ({@link RealtimeBridge}) and the live-stream event streams ({@link LiveStreamEvents})
 * each have their own.
 */
final class ConnectionLimits {
    /** Why a connection was refused, or null when it was admitted. */
    enum Refusal {
        TOO_MANY_CONNECTIONS,
        TOO_MANY_USER_CONNECTIONS
    }

    private final int max;
    private final int maxPerUser;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentMap<String, Integer> perUser = new ConcurrentHashMap<>();

    ConnectionLimits(int max, int maxPerUser) {
        this.max = max;
        this.maxPerUser = maxPerUser;
    }

    /** Whether a connection of {@code userId} would be admitted now (a check, nothing reserved). */
    Refusal check(String userId) {
        if (total.get() >= max) {
            return Refusal.TOO_MANY_CONNECTIONS;
        }
        return perUser.getOrDefault(userId, 0) >= maxPerUser ? Refusal.TOO_MANY_USER_CONNECTIONS : null;
    }

    /** Reserves a connection of {@code userId}; null when admitted, then {@link #release} it exactly once. */
    Refusal acquire(String userId) {
        if (total.incrementAndGet() > max) {
            total.decrementAndGet();
            return Refusal.TOO_MANY_CONNECTIONS;
        }
        boolean[] admitted = {false};
        perUser.compute(userId, (user, count) -> {
            int now = count == null ? 0 : count;
            if (now >= maxPerUser) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
            return Refusal.TOO_MANY_USER_CONNECTIONS;
        }
        return null;
    }

    void release(String userId) {
        perUser.computeIfPresent(userId, (user, count) -> count <= 1 ? null : count - 1);
        total.decrementAndGet();
    }

    int open() {
        return total.get();
    }

    int open(String userId) {
        return perUser.getOrDefault(userId, 0);
    }
}
