package social.nova.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import io.grpc.Context;

/**
 * Independent steps of one call, run at once instead of one after another: the checks a write
 * asks of other services before it stores anything (CreatePost asks user-service whether the
 * author has a profile and media-service whether the attached media are the author's and READY).
 * Each such step is a whole round trip through another service and its database; run together they
 * take as long as the slowest one instead of the sum. On this project's two-core machine under
 * {@code LatencyIT}'s load, every hop of a call waits for a core as well, so a round trip taken off
 * the critical path takes its queueing with it.
 *
 * <ul>
 *   <li>The first step runs on the calling thread, each other one on a virtual thread of its own, in
 *       the caller's gRPC {@link Context}: the forwarded token, request id and deadline travel with
 *       every call a step makes ({@code social.nova.rpc.CallContext}).</li>
 *   <li>It returns when every step has ended: no step outlives the call that started it.</li>
 *   <li>When steps fail, the failure of the first of them in argument order is thrown once all have
 *       ended, the others added to it as suppressed: the caller gets the error that running the
 *       steps one after another in that order would have given.</li>
 * </ul>
 *
 * <p>Only for steps that do not depend on each other and change nothing, since a failing step no
 * longer keeps the next one from running. What must gate the others runs before: a rate limit, so
 * that a refused caller costs no downstream call.
 */
public final class Concurrently {
    private Concurrently() {}

    /** Runs {@code first} here and each of {@code others} on a virtual thread, all at once; see the class. */
    public static void run(Runnable first, Runnable... others) {
        Objects.requireNonNull(first, "first");
        Context context = Context.current();
        List<Step> forked = new ArrayList<>(others.length);
        for (Runnable other : others) {
            Step step = new Step(Objects.requireNonNull(other, "step"));
            step.thread = Thread.ofVirtual().name("nova-concurrently").start(context.wrap(step));
            forked.add(step);
        }
        Throwable failure = null;
        try {
            first.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Step step : forked) {
            while (true) {
                try {
                    step.thread.join();
                    break;
                } catch (InterruptedException e) {
                    // Every step ends by itself (each remote call has its deadline): wait on, and
                    // hand the interrupt back to the caller afterwards.
                    interrupted = true;
                }
            }
            if (step.failure != null) {
                if (failure == null) {
                    failure = step.failure;
                } else if (failure != step.failure) {
                    failure.addSuppressed(step.failure);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /**
     * Two independent reads at once, combined once both have answered: {@code first} here,
     * {@code second} on a virtual thread, failures as {@link #run}.
     *
     * <pre>{@code
     * return Concurrently.both(() -> firstPage(caller, limit), () -> liveStreams(caller), FeedPage::withLiveStreams);
     * }</pre>
     */
    public static <A, B, R> R both(Supplier<A> first, Supplier<B> second, BiFunction<A, B, R> combine) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Objects.requireNonNull(combine, "combine");
        AtomicReference<A> a = new AtomicReference<>();
        AtomicReference<B> b = new AtomicReference<>();
        run(() -> a.set(first.get()), () -> b.set(second.get()));
        return combine.apply(a.get(), b.get());
    }

    /** A forked step and how it ended; read after its thread has been joined. */
    private static final class Step implements Runnable {
        private final Runnable body;
        private Thread thread;
        private Throwable failure;

        Step(Runnable body) {
            this.body = body;
        }

        @Override
        public void run() {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }
    }
}
