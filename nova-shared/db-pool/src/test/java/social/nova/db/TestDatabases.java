package social.nova.db;

import java.sql.SQLException;

import org.postgresql.ds.PGSimpleDataSource;
import social.nova.testing.SharedContainers;

/** The shared PostgreSQL as the administrator, and service databases provisioned on it. */
final class TestDatabases {
    static final String PASSWORD_SUFFIX = "-pw-for-tests";

    private TestDatabases() {}

    static String url() {
        return SharedContainers.postgres().getJdbcUrl();
    }

    /** The superuser, as deployment code would use it. */
    static PGSimpleDataSource admin() {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setUrl(url());
        admin.setUser(SharedContainers.SUPERUSER);
        admin.setPassword(SharedContainers.SUPERUSER_PASSWORD);
        return admin;
    }

    /** Provisions schema and role {@code name} and connects as that role. */
    static Database provisioned(String name) throws SQLException {
        SchemaProvisioner.provision(admin(), name, name, name + PASSWORD_SUFFIX);
        return Database.create(DatabaseSettings.of(url(), name, name + PASSWORD_SUFFIX, name));
    }
}
