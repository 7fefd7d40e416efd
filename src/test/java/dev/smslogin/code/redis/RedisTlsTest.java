package dev.smslogin.code.redis;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.TestScopes;
import dev.smslogin.code.Verification;
import dev.smslogin.code.VerifyLimits;
import dev.smslogin.testing.MapScope;
import dev.smslogin.testing.TlsRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Redis store over TLS ({@code rediss://}) on real TLS-only redis-servers with throw-away certificates of a test
 * CA: one for localhost and 127.0.0.1, one of the same CA for another name (evil.example), one that asks for a client
 * certificate. A server whose certificate does not name the host connected to must never answer a code check.
 */
class RedisTlsTest {

    private static final SendLimits LIMITS = new SendLimits(1, 100, 100, 100_000, 1_000_000);
    private static final VerifyLimits ATTEMPTS = new VerifyLimits(5, 100, 86_400);
    private static final String PREFIX = "tls-test:";

    private static TlsRedis tls;
    private static int localhostPort;
    private static int evilPort;
    private static int clientCertificatePort;

    @BeforeAll
    static void startServers() throws Exception {
        tls = new TlsRedis();
        localhostPort = tls.start("localhost", false);
        evilPort = tls.start("evil", false);
        clientCertificatePort = tls.start("localhost", true);
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (tls != null) {
            tls.close();
        }
    }

    @Test
    @DisplayName("rediss:// without options: the JVM's trusted CA is not enough, the certificate must name the host")
    void hostNameIsCheckedByDefault() throws Exception {
        // as an operator who trusts the CA JVM-wide (javax.net.ssl.trustStore, or Keycloak's --truststore-paths)
        whileTheJvmTrustsTheTestCa(() -> {
            assertThat(sendAndCheck(RedisSmsCodeStoreFactory.connect(settings("localhost", localhostPort))))
                    .as("localhost, certificate for localhost").isEqualTo(Verification.VALID);
            assertThat(sendAndCheck(RedisSmsCodeStoreFactory.connect(settings("127.0.0.1", localhostPort))))
                    .as("127.0.0.1, certificate with IP address 127.0.0.1").isEqualTo(Verification.VALID);
            assertRefusedForItsName(RedisSmsCodeStoreFactory.connect(settings("localhost", evilPort)));
            return null;
        });
    }

    @Test
    @DisplayName("tls-trust-store-file (PEM or PKCS12): the servers' certificates must chain to it, and name the host")
    void ownTrustStore() throws Exception {
        Map<String, String> pem = Map.of("tls-trust-store-file", tls.ca().toString());
        Map<String, String> pkcs12 = Map.of("tls-trust-store-file", tls.trustStore().toString(),
                "tls-trust-store-password", tls.storePassword);
        assertThat(sendAndCheck(connect("localhost", localhostPort, pem))).as("PEM CA").isEqualTo(Verification.VALID);
        assertThat(sendAndCheck(connect("localhost", localhostPort, pkcs12))).as("PKCS12 trust store").isEqualTo(Verification.VALID);
        assertRefusedForItsName(connect("localhost", evilPort, pem));
        assertRefusedForItsName(connect("localhost", evilPort, pkcs12));
        // the file replaces the JVM's trust: a CA the JVM trusts, not in the file, is not trusted
        whileTheJvmTrustsTheTestCa(() -> {
            assertUnavailable(connect("localhost", localhostPort, Map.of("tls-trust-store-file", tls.otherCa().toString())));
            return null;
        });
    }

    @Test
    @DisplayName("rediss-cluster://: the nodes the Cluster announces (127.0.0.1) are checked too, not only the URL's")
    void clusterNodesAreCheckedByTheirAnnouncedAddress() throws Exception {
        Map<String, String> pem = Map.of("tls-trust-store-file", tls.ca().toString());
        int good = tls.startCluster("localhost");
        assertThat(sendAndCheck(connect("rediss-cluster://localhost:" + good, pem))).isEqualTo(Verification.VALID);
        // certificates for localhost alone: the node of the URL answers, the announced 127.0.0.1 nodes may not
        int nameOnly = tls.startCluster("localhost-name-only");
        RedisPool pool = connect("rediss-cluster://localhost:" + nameOnly, pem);
        Throwable failure = assertUnavailable(pool);
        assertThat(causes(failure)).as("refused for the name in the certificate: " + failure)
                .anySatisfy(cause -> assertThat(cause).isInstanceOf(CertificateException.class).hasMessageContaining("127.0.0.1"));
        // as the old code did: without the check, the same cluster answers
        Map<String, String> unchecked = Map.of("tls-trust-store-file", tls.ca().toString(), "tls-verify-hostname", "false");
        assertThat(sendAndCheck(connect("rediss-cluster://localhost:" + nameOnly, unchecked))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("tls-verify-hostname=false: the explicit opt-out lets a certificate for another name answer")
    void hostNameCheckCanBeTurnedOffExplicitly() throws Exception {
        Map<String, String> options = Map.of("tls-trust-store-file", tls.ca().toString(), "tls-verify-hostname", "false");
        assertThat(sendAndCheck(connect("localhost", evilPort, options))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("tls-key-store-file: the client certificate a server with tls-auth-clients asks for")
    void clientCertificate() throws Exception {
        Map<String, String> trustOnly = Map.of("tls-trust-store-file", tls.ca().toString());
        assertUnavailable(connect("localhost", clientCertificatePort, trustOnly));
        Map<String, String> withKey = Map.of("tls-trust-store-file", tls.ca().toString(),
                "tls-key-store-file", tls.clientKeyStore().toString(), "tls-key-store-password", tls.storePassword);
        assertThat(sendAndCheck(connect("localhost", clientCertificatePort, withKey))).isEqualTo(Verification.VALID);
    }

    @Test
    @DisplayName("wrong TLS options stop the start with a clear message that holds no password")
    void wrongOptionsStopTheStart() {
        String url = "rediss://localhost:" + localhostPort + "/0";
        assertThatThrownBy(() -> init(Map.of("url", url, "tls-key-store-file", tls.clientKeyStore().toString(),
                "tls-key-store-password", "not-the-password-" + tls.storePassword)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls-key-store-file").hasMessageContaining("tls-key-store-password")
                .hasMessageNotContaining(tls.storePassword);
        assertThatThrownBy(() -> init(Map.of("url", url, "tls-trust-store-file", "/nonexistent/ca.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/nonexistent/ca.pem");
        assertThatThrownBy(() -> init(Map.of("url", url, "tls-verify-hostname", "no")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls-verify-hostname");
        assertThatThrownBy(() -> init(Map.of("url", "redis://localhost:" + localhostPort + "/0",
                "tls-trust-store-file", tls.ca().toString())))
                .as("TLS options beside a URL without TLS: the operator believes in TLS that is not there")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rediss://");
        init(Map.of("url", url, "tls-key-store-file", tls.clientKeyStore().toString(),
                "tls-key-store-password", tls.storePassword, "tls-trust-store-file", tls.ca().toString()));
    }

    /** A send and the check of its code, on a store over {@code pool}; closes the pool. */
    private static Verification sendAndCheck(RedisPool pool) {
        try (pool) {
            SmsCodeStore store = new RedisSmsCodeStore(new RedisScriptRunner(pool, 0, 2000), new RedisKeys(PREFIX));
            CodeScope scope = newScope();
            assertThat(store.reserveSend(scope, "192.0.2.1", LIMITS, "the-hash", Duration.ofMinutes(5)).allowed()).isTrue();
            return store.verify(scope, "the-hash", ATTEMPTS);
        }
    }

    /** The store refuses the server for the name in its certificate: nothing sent, no code checked. */
    private static void assertRefusedForItsName(RedisPool pool) {
        Throwable failure = assertUnavailable(pool);
        Throwable cause = failure;
        while (cause != null && !(cause instanceof CertificateException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("the certificate refused for its name, in " + failure).isNotNull();
        assertThat(cause.getMessage()).contains("localhost");
    }

    private static Throwable assertUnavailable(RedisPool pool) {
        try (pool) {
            SmsCodeStore store = new RedisSmsCodeStore(new RedisScriptRunner(pool, 0, 2000), new RedisKeys(PREFIX));
            CodeScope scope = newScope();
            assertThatThrownBy(() -> store.reserveSend(scope, "192.0.2.1", LIMITS, "the-hash", Duration.ofMinutes(5)))
                    .as("send").isInstanceOf(CodeStoreUnavailableException.class);
            Throwable[] failure = new Throwable[1];
            assertThatThrownBy(() -> store.verify(scope, "the-hash", ATTEMPTS)).as("code check")
                    .isInstanceOf(CodeStoreUnavailableException.class)
                    .satisfies(e -> failure[0] = e);
            return failure[0];
        }
    }

    private static CodeScope newScope() {
        return TestScopes.scope("realm-" + UUID.randomUUID(), "+86139" + String.format("%08d", (long) (Math.random() * 100_000_000)),
                UUID.randomUUID().toString());
    }

    private static RedisSettings settings(String host, int port) {
        return RedisSettings.from("rediss://" + host + ":" + port + "/0", PREFIX, "2000");
    }

    /** A pool with the {@code tls-*} options, read as the factory reads them (no Keycloak truststore here). */
    private static RedisPool connect(String host, int port, Map<String, String> options) {
        return connect("rediss://" + host + ":" + port + "/0", options);
    }

    private static RedisPool connect(String url, Map<String, String> options) {
        return RedisSmsCodeStoreFactory.connect(RedisSettings.from(url, PREFIX, "2000"), RedisTls.from(scope(options)), null);
    }

    /** The failure and its causes, suppressed ones included (a Cluster's tries of several nodes). */
    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> all = new ArrayList<>();
        Deque<Throwable> next = new ArrayDeque<>(List.of(failure));
        while (!next.isEmpty() && all.size() < 100) {
            Throwable t = next.pop();
            all.add(t);
            if (t.getCause() != null) {
                next.push(t.getCause());
            }
            next.addAll(List.of(t.getSuppressed()));
        }
        return all;
    }

    private static void init(Map<String, String> options) {
        RedisSmsCodeStoreFactory factory = new RedisSmsCodeStoreFactory();
        factory.init(scope(options));
        factory.close();
    }

    /** Runs {@code work} while the JVM's default SSL context trusts the test CA (and nothing else). */
    private static <T> T whileTheJvmTrustsTheTestCa(Callable<T> work) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(tls.ca())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustFactory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustFactory.getTrustManagers(), null);
        SSLContext previous = SSLContext.getDefault();
        SSLContext.setDefault(context);
        try {
            return work.call();
        } finally {
            SSLContext.setDefault(previous);
        }
    }

    private static Config.Scope scope(Map<String, String> options) {
        return MapScope.of(options);
    }
}
