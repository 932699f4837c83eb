package social.nova.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentifiersTest {

    @ParameterizedTest
    @ValueSource(strings = {"auth", "users", "_private", "feed_v2", "a"})
    void plainLowercaseNamesPass(String name) {
        assertThat(Identifiers.quoted("schema", name)).isEqualTo('"' + name + '"');
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Auth",
                "2fa",
                "users; DROP SCHEMA auth",
                "auth\"",
                "",
                "feed-service",
                "naïve",
                "a_name_that_is_far_too_long_for_postgresql_to_keep_without_truncating_it"
            })
    void anythingElseIsRefusedWithTheRule(String name) {
        assertThatThrownBy(() -> Identifiers.require("schema", name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema must match [a-z_][a-z0-9_]*");
    }

    @Test
    void postgresReservedPrefixIsRefused() {
        assertThatThrownBy(() -> Identifiers.require("role", "pg_monitor"))
                .hasMessageContaining("role must not start with pg_");
    }

    @Test
    void provisionerValidatesBeforeTouchingTheDatabase() {
        // An unconfigured data source: any connection attempt would fail differently.
        var nowhere = new org.postgresql.ds.PGSimpleDataSource();

        assertThatThrownBy(() -> SchemaProvisioner.provision(nowhere, "users", "auth\"; DROP ROLE x; --", "pw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("role must match");
        assertThatThrownBy(() -> SchemaProvisioner.provision(nowhere, "users", "users", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password of role 'users' must not be blank");
    }
}
