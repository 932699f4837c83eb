package social.nova.harness;

/**
 * Where a stack reports what it is doing, one line per step: {@code status} is a short word such
 * as {@code OK}, {@code BUILT}, {@code START}, {@code SKIP}, {@code WAIT}; the CLI prints it in the
 * style of {@code ./nova}, tests log it.
 */
@FunctionalInterface
public interface Progress {
    void report(String status, String message);

    /** Reports to {@code System.Logger} at INFO. */
    static Progress logger() {
        System.Logger log = System.getLogger(NovaStack.class.getName());
        return (status, message) -> log.log(System.Logger.Level.INFO, status + " " + message);
    }

    /** Prints {@code STATUS message} lines to standard output, as {@code ./nova} does. */
    static Progress console() {
        return (status, message) -> System.out.printf("%-6s %s%n", status, message);
    }
}
