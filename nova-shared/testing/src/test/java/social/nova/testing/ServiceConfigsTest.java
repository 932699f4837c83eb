package social.nova.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceConfigsTest {

    @Test
    void theTestsValuesWinOverTheServicesOwnFile() {
        Config config = ServiceConfigs.config(ServiceConfigsTest.class, Map.of("server.port", "0", "extra", "x"));
        assertThat(config.get("server.port").asInt().get()).isEqualTo(0);
        assertThat(config.get("service.name").asString().get()).isEqualTo("yaml-service");
        assertThat(config.get("extra").asString().get()).isEqualTo("x");
        assertThat(ServiceConfigs.applicationYaml(ServiceConfigsTest.class)
                        .get("server.port")
                        .asInt()
                        .get())
                .isEqualTo(8080);
    }

    @Test
    void systemPropertiesDoNotReachTheService() {
        String previous = System.setProperty("service.name", "from-the-jvm");
        try {
            assertThat(ServiceConfigs.applicationYaml(ServiceConfigsTest.class)
                            .get("service.name")
                            .asString()
                            .get())
                    .isEqualTo("yaml-service");
        } finally {
            if (previous == null) {
                System.clearProperty("service.name");
            } else {
                System.setProperty("service.name", previous);
            }
        }
    }

    @Test
    void eachServiceReadsTheFileInItsOwnJarNotTheFirstOnTheClassPath(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("other-service.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, Main.class.getName().replace('.', '/') + ".class", classBytes(Main.class));
            add(out, "application.yaml", "service:\n  name: other-service\n".getBytes(StandardCharsets.UTF_8));
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Class<?> otherMain = loader.loadClass(Main.class.getName());

            Config config = ServiceConfigs.applicationYaml(otherMain);
            assertThat(config.get("service.name").asString().get()).isEqualTo("other-service");
            assertThat(config.get("server.port").exists()).isFalse();
        }
    }

    @Test
    void aServiceWithoutAnApplicationYamlIsAClearError(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("no-yaml.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, Main.class.getName().replace('.', '/') + ".class", classBytes(Main.class));
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Class<?> otherMain = loader.loadClass(Main.class.getName());
            assertThatThrownBy(() -> ServiceConfigs.applicationYaml(otherMain))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("application.yaml packaged with " + Main.class.getName());
        }
    }

    /** Stands for another service's Main, packaged in a jar of its own. */
    static final class Main {}

    private static void add(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    private static byte[] classBytes(Class<?> type) throws IOException {
        String file = type.getName().substring(type.getPackageName().length() + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            return in.readAllBytes();
        }
    }
}
