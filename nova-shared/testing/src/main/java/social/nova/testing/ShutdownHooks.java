package social.nova.testing;

/**
 * For fixtures shared by every test class of a JVM (a lazily started platform of services), which
 * no single test may close: the JVM closes them as it exits, after the last test.
 */
public final class ShutdownHooks {
    private static final System.Logger LOG = System.getLogger(ShutdownHooks.class.getName());

    private ShutdownHooks() {}

    /** Registers a shutdown hook that closes {@code fixture}, and returns it. */
    public static <T extends AutoCloseable> T closeAtExit(T fixture) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                fixture.close();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (Exception e) {
                                // Nothing is left to fail at exit; say what may have been left running.
                                LOG.log(System.Logger.Level.WARNING, "could not close " + fixture + " at exit", e);
                            }
                        },
                        "close-" + fixture.getClass().getSimpleName()));
        return fixture;
    }
}
