package dev.smslogin.loginmethod.datasource;

import dev.smslogin.loginmethod.IdentityProviderMethods;
import dev.smslogin.loginmethod.AppAccount;
import dev.smslogin.loginmethod.IdentificationFormat;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.testing.TcpProxy;
import dev.smslogin.testing.TestDatabase;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.exceptionsorter.MySQLExceptionSorter;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store on a real Agroal pool, configured as Quarkus configures Keycloak's datasources of kind mysql (the MySQL
 * exception sorter, no validation), to the machine's MariaDB through a link the test cuts: a cut resets every
 * pooled connection, as a MySQL restart does.
 */
class DatasourceLoginMethodStoreTest {

    private static final IdentificationFormat E164 = IdentificationFormat.parse("e164", "CN");
    private static final int MAX_SIZE = 20;
    private static final int GROWN = 12;

    private TestDatabase db;
    private TcpProxy link;
    private final List<AgroalDataSource> pools = new ArrayList<>();

    @BeforeEach
    void database() throws Exception {
        db = TestDatabase.create();
        try (Connection c = db.connect()) {
            LoginMethodTables.createMissingTables(c);
        }
        link = new TcpProxy(3306);
    }

    @AfterEach
    void close() throws Exception {
        pools.forEach(AgroalDataSource::close);
        link.close();
        db.close();
    }

    private AgroalDataSource pool(int socketTimeoutMillis) throws SQLException {
        AgroalDataSource pool = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(p -> p.maxSize(MAX_SIZE)
                        .acquisitionTimeout(Duration.ofSeconds(10))
                        .exceptionSorter(new MySQLExceptionSorter())
                        .connectionFactoryConfiguration(f -> f
                                .jdbcUrl("jdbc:mysql://127.0.0.1:" + link.port() + "/" + db.name()
                                        + "?connectTimeout=2000&socketTimeout=" + socketTimeoutMillis)
                                .principal(new NamePrincipal(TestDatabase.USER))
                                .credential(new SimplePassword(TestDatabase.PASSWORD)))));
        pools.add(pool);
        return pool;
    }

    private static DatasourceLoginMethodStore store(DataSource dataSource) {
        return new DatasourceLoginMethodStore(dataSource, new LoginMethodTables(E164), null, MAX_SIZE + 1, IdentityProviderMethods.parse(null));
    }

    /** {@code sessions} threads each hold a connection at the same time, run a statement on it, and give it back. */
    private void grow(AgroalDataSource pool, int sessions) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(sessions);
        try {
            CyclicBarrier together = new CyclicBarrier(sessions);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                done.add(threads.submit(() -> {
                    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                        together.await(30, TimeUnit.SECONDS);
                        s.execute("SELECT 1");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(link.openConnections()).as("connections the pool keeps open").isGreaterThanOrEqualTo(sessions);
    }

    private static PhoneNumber newPhone() {
        return PhoneNumber.fromE164("+86139" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000)));
    }

    @Test
    @DisplayName("MySQL restarted under a pool of 12 connections: the first lookup and the first account after it work, and every one after")
    void restartWithGrownPool() throws Exception {
        AgroalDataSource pool = pool(10_000);
        DatasourceLoginMethodStore store = store(pool);
        grow(pool, GROWN);

        link.cut();
        link.restore();

        assertThat(store.findUserId(newPhone())).isEmpty();
        AppAccount created = store.ensureAccount(newPhone(), null);
        assertThat(created.created()).isTrue();
        for (int i = 0; i < GROWN; i++) {
            PhoneNumber phone = newPhone();
            assertThat(store.ensureAccount(phone, null).created()).isTrue();
            assertThat(store.findUserId(phone)).isPresent();
        }
    }

    @Test
    @DisplayName("MySQL down with a grown pool: the lookup gives up once the dead connections are gone and no new one opens; back up, it works")
    void downWithGrownPool() throws Exception {
        AgroalDataSource pool = pool(10_000);
        DatasourceLoginMethodStore store = store(pool);
        grow(pool, GROWN);

        link.cut();
        assertThatThrownBy(() -> store.findUserId(newPhone())).isInstanceOf(LoginMethodUnavailableException.class);

        link.restore();
        assertThat(store.findUserId(newPhone())).isEmpty();
    }

    @Test
    @DisplayName("a lookup that timed out is not run again on another connection")
    void timeoutNotRepeated() throws Exception {
        AgroalDataSource pool = pool(300);
        try (Connection warm = pool.getConnection()) {
            warm.isValid(1);    // one connection opened before the link slows down
        }
        AtomicInteger borrowed = new AtomicInteger();
        DataSource counting = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        borrowed.incrementAndGet();
                    }
                    try {
                        return method.invoke(pool, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DatasourceLoginMethodStore store = store(counting);
        link.delay(Duration.ofMillis(1000));
        try {
            assertThatThrownBy(() -> store.findUserId(newPhone())).isInstanceOf(LoginMethodUnavailableException.class)
                    .hasMessageContaining("SQLState 08S01");
        } finally {
            link.delay(Duration.ZERO);
        }
        assertThat(borrowed).hasValue(1);
    }

    @Test
    @DisplayName("dead connection: SQLState class 08, unless the read timed out")
    void deadConnection() {
        assertThat(DatasourceLoginMethodStore.isDeadConnection(new SQLException("Communications link failure", "08S01"))).isTrue();
        assertThat(DatasourceLoginMethodStore.isDeadConnection(new SQLException("No operations allowed after connection closed.", "08003"))).isTrue();
        assertThat(DatasourceLoginMethodStore.isDeadConnection(new SQLException("Communications link failure", "08S01",
                new SocketTimeoutException("Read timed out")))).isFalse();
        assertThat(DatasourceLoginMethodStore.isDeadConnection(new SQLException("Table 'user' doesn't exist", "42S02", 1146))).isFalse();
        assertThat(DatasourceLoginMethodStore.isDeadConnection(new SQLException("no state"))).isFalse();
    }
}
