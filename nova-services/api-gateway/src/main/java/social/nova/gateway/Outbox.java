package social.nova.gateway;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The frames waiting to be written to one WebSocket, bounded in bytes. One writer at a time drains
 * it, on a virtual thread started when frames arrive and ended when the queue is empty (no thread
 * per idle socket). A socket whose client stops reading blocks its writer; the queue then stops
 * draining, {@link #stalledNanos} grows and the owner closes the socket. Nothing here blocks a
 * caller: {@link #offer} answers at once.
 */
final class Outbox {
    /** Where frames go (the WebSocket session); each call may block on the network. */
    interface Sink {
        void text(String frame) throws Exception;

        void ping() throws Exception;

        void close(int code, String reason) throws Exception;
    }

    /** Told after each frame written (to ask the stream for more) and when writing failed. */
    interface Events {
        void written(int queuedBytes);

        void failed(Exception failure);
    }

    private sealed interface Frame {
        int size();
    }

    private record Text(String text) implements Frame {
        @Override
        public int size() {
            // JSON of the gateway is mostly ASCII; a bound, not an exact count, is what matters.
            return text.length() + 16;
        }
    }

    private record Ping() implements Frame {
        @Override
        public int size() {
            return 16;
        }
    }

    private record Close(int code, String reason) implements Frame {
        @Override
        public int size() {
            return 0;
        }
    }

    private final int maxBytes;
    private final Sink sink;
    private final Events events;
    private final Executor writers;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Frame> queue = new ArrayDeque<>(4);
    private int bytes;
    private boolean writing;
    private boolean closing;
    private boolean done;
    private long pendingSince;
    private Thread writer;

    Outbox(int maxBytes, Sink sink, Events events, Executor writers, LongSupplier nanoTime) {
        this.maxBytes = maxBytes;
        this.sink = sink;
        this.events = events;
        this.writers = writers;
        this.nanoTime = nanoTime;
    }

    /** Queues a text frame; false (nothing queued) when it would exceed the budget or the socket is closing. */
    boolean offer(String text) {
        return enqueue(new Text(text), false);
    }

    /** Queues a ping unless one would exceed the budget or the socket is closing. */
    boolean ping() {
        return enqueue(new Ping(), false);
    }

    /**
     * Queues the close frame as the last frame; with {@code dropPending} what is queued is dropped
     * first (a slow client does not get the backlog). Only the first close counts.
     */
    boolean close(int code, String reason, boolean dropPending) {
        lock.lock();
        try {
            if (closing) {
                return false;
            }
            if (dropPending) {
                queue.clear();
                bytes = 0;
            }
        } finally {
            lock.unlock();
        }
        return enqueue(new Close(code, reason), true);
    }

    private boolean enqueue(Frame frame, boolean last) {
        boolean start;
        lock.lock();
        try {
            if (closing || done || bytes + frame.size() > maxBytes) {
                return false;
            }
            if (queue.isEmpty() && !writing) {
                pendingSince = nanoTime.getAsLong();
            }
            queue.add(frame);
            bytes += frame.size();
            closing |= last;
            start = !writing;
            writing = true;
        } finally {
            lock.unlock();
        }
        if (start) {
            writers.execute(this::drain);
        }
        return true;
    }

    private void drain() {
        while (true) {
            Frame frame;
            lock.lock();
            try {
                frame = queue.poll();
                if (frame == null || done) {
                    writing = false;
                    writer = null;
                    return;
                }
                writer = Thread.currentThread();
            } finally {
                lock.unlock();
            }
            try {
                switch (frame) {
                    case Text text -> sink.text(text.text());
                    case Ping ping -> sink.ping();
                    case Close close -> sink.close(close.code(), close.reason());
                }
            } catch (Exception e) {
                lock.lock();
                try {
                    done = true;
                    queue.clear();
                    bytes = 0;
                    writing = false;
                    writer = null;
                } finally {
                    lock.unlock();
                }
                events.failed(e);
                return;
            }
            int left;
            lock.lock();
            try {
                bytes -= frame.size();
                left = bytes;
                pendingSince = nanoTime.getAsLong();
                if (frame instanceof Close) {
                    done = true;
                    queue.clear();
                    bytes = 0;
                }
            } finally {
                lock.unlock();
            }
            events.written(left);
        }
    }

    /** Bytes queued now. */
    int queuedBytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** How long frames have waited with no write finishing (0 when nothing waits). */
    long stalledNanos() {
        lock.lock();
        try {
            return queue.isEmpty() && !writing ? 0 : nanoTime.getAsLong() - pendingSince;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the close frame was written (or writing failed): nothing more will be written. */
    boolean isDone() {
        lock.lock();
        try {
            return done;
        } finally {
            lock.unlock();
        }
    }

    /** Stops writing: drops the queue and interrupts a writer blocked on the network. */
    void abort() {
        Thread blocked;
        lock.lock();
        try {
            done = true;
            closing = true;
            queue.clear();
            bytes = 0;
            blocked = writer;
        } finally {
            lock.unlock();
        }
        if (blocked != null) {
            blocked.interrupt();
        }
    }
}
