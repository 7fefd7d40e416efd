package dev.smslogin.it;

import dev.smslogin.testing.TlsRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;

import java.util.List;
import java.util.Map;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keycloak on a TLS-only Redis that asks for a client certificate ({@code tls-auth-clients yes}): the server's CA
 * comes from Keycloak's own {@code --truststore-paths}, the client certificate from the code store's
 * {@code tls-key-store-file}, and the host name is checked. (Certificates for another name, and the other options,
 * are {@code RedisTlsTest}'s.)
 */
class RedisTlsIT {

    private static TlsRedis tls;
    private static KeycloakServer server;

    @BeforeAll
    static void start() throws Exception {
        tls = new TlsRedis();
        int port = tls.start("localhost", true);
        server = KeycloakServer.startWithRedis("redis-tls", "rediss://localhost:" + port + "/0", List.of(
                "--truststore-paths=" + tls.ca(),
                "--spi-sms-code-store--redis--tls-key-store-file=" + tls.clientKeyStore(),
                "--spi-sms-code-store--redis--tls-key-store-password=" + tls.storePassword));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (tls != null) {
                tls.close();
            }
        }
    }

    @Test
    @DisplayName("rediss:// with Keycloak's truststore and a client certificate: a number signs up and logs in again;"
            + " the start log names the TLS set-up, host name verification on, and no password")
    void logInOverTls() throws Exception {
        Keycloak admin = server.adminClient();
        String realm = createExampleRealm(admin, Map.of("resendCooldownSeconds", "1"));
        String national = Phones.newNational();
        String first = UserSteps.logIn(server, realm, national);
        Thread.sleep(1100);  // the realm's resend cooldown
        assertThat(UserSteps.logIn(server, realm, national)).as("the returning login is the same user").isEqualTo(first);

        String log = server.logText();
        assertThat(log).contains("TLS: trust Keycloak's truststore, client certificate " + tls.clientKeyStore(),
                "host name verification on");
        assertThat(log).doesNotContain(tls.storePassword).doesNotContain("tls-verify-hostname=false");
    }
}
