package social.nova.harness;

import io.helidon.config.Config;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives JUnit 5 tests the Nova stack, started once per test run and shared by every test class
 * that uses this extension; removed when the run ends.
 *
 * <pre>{@code
 * @ExtendWith(NovaStackExtension.class)
 * class DiscoveryIT {
 *     @Test
 *     void everyInstancePasses(NovaStack stack) { ... }
 * }
 * }</pre>
 *
 * Settings come from the {@code nova} config node ({@link StackSettings#forTests}): system
 * properties such as {@code nova.instances=auth-service=2} or environment variables.
 */
public final class NovaStackExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(NovaStackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == NovaStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The root context's store lives for the whole run and closes what it holds at its end.
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedStack.class, key -> new SharedStack(), SharedStack.class)
                .stack;
    }

    private static final class SharedStack implements ExtensionContext.Store.CloseableResource {
        private final NovaStack stack =
                NovaStack.start(StackSettings.forTests(Config.create().get("nova")), Fleet.nova(), Progress.logger());

        @Override
        public void close() {
            stack.close();
        }
    }
}
