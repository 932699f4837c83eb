package social.nova.streaming;

import java.time.Duration;

/**
 * Ends the streams that must end by themselves ({@link Streams#sweep}) every sweep interval, on
 * every instance (they skip each other's locked rows).
 */
final class Sweeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

    private final Streams streams;
    private final Duration interval;
    private final Thread thread;

    Sweeper(Streams streams, Duration interval) {
        this.streams = streams;
        this.interval = interval;
        this.thread = Thread.ofVirtual().name("streaming-sweeper").unstarted(this::loop);
    }

    Sweeper start() {
        thread.start();
        return this;
    }

    @Override
    public void close() {
        thread.interrupt();
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval);
                // A full batch: more may be due at once (after an outage); go on without waiting.
                while (streams.sweep() == 100) {
                    Thread.onSpinWait();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Overdue streams not ended; retrying", e);
            }
        }
    }
}
