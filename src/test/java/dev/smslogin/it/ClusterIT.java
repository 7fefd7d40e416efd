package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Two Keycloak nodes sharing one database and one Redis, with no sticky sessions. */
class ClusterIT {

    static KeycloakCluster cluster;
    static FakeAliyunSms aliyun;
    static String realm;

    @BeforeAll
    static void start() throws Exception {
        aliyun = KeycloakServer.get().aliyun();
        cluster = KeycloakCluster.start(aliyun, KeycloakServer.ADMIN_PASSWORD);
        try (Keycloak admin = KeycloakServer.adminClient(cluster.baseUrl(1))) {
            realm = AdminSteps.createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "3"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @DisplayName("a code asked for on node 1 and typed on node 2 logs in")
    void codeCrossesNodes() {
        String national = Phones.newNational();
        Browser browser = new Browser(cluster.baseUrl(1), "en");
        Page phonePage = browser.startLogin(realm);
        Page codePage = browser.submit(phonePage, Map.of("phone_number", national), null);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();

        Page done = browser.submit(codePage, Map.of("code", aliyun.lastCodeTo(national)), "login", cluster.baseUrl(2));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
    }

    @Test
    @DisplayName("the cooldown and the send limits hold across the nodes")
    void limitsHoldAcrossNodes() {
        String national = Phones.newNational();
        Page first = UserSteps.submitPhone(new Browser(cluster.baseUrl(1), "en"), realm, national);
        assertThat(first.isCodePage()).isTrue();
        Page second = UserSteps.submitPhone(new Browser(cluster.baseUrl(2), "en"), realm, national);
        assertThat(second.text()).contains("A code was sent a moment ago.");
        assertThat(aliyun.messagesTo(national)).hasSize(1);

        // maxSendsPerIpPerHour=3 for the realm: codeCrossesNodes may have used one; fill the window from both nodes
        for (int i = 0; i < 3; i++) {
            UserSteps.submitPhone(new Browser(cluster.baseUrl(1 + i % 2), "en"), realm, Phones.newNational());
        }
        String refusedNumber = Phones.newNational();
        Page refused = UserSteps.submitPhone(new Browser(cluster.baseUrl(2), "en"), realm, refusedNumber);
        assertThat(refused.text()).contains("Too many codes were requested.");
        assertThat(aliyun.messagesTo(refusedNumber)).isEmpty();
    }

    @Test
    @DisplayName("a number an admin moves on node 1 no longer logs its user in on node 2, whose user cache held the user; "
            + "the new number does once vouched for")
    void numberChangeReachesTheOtherNode() throws Exception {
        try (Keycloak admin = KeycloakServer.adminClient(cluster.baseUrl(1))) {
            String moving = AdminSteps.createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "100", "resendCooldownSeconds", "1"));
            String old = Phones.newNational();
            String userId = logInOn(2, moving, old);
            Thread.sleep(1100);    // the realm's resend cooldown
            assertThat(logInOn(2, moving, old)).as("node 2 found the user (now in its user cache)").isEqualTo(userId);

            String moved = Phones.newNational();
            UserSteps.moveNumber(admin.realm(moving).users().get(userId), Phones.e164(moved));

            Thread.sleep(1100);
            assertThat(logInOn(2, moving, moved)).as("the new number, on node 2").isEqualTo(userId);
            assertThat(logInOn(2, moving, old)).as("the old number signs up anew on node 2").isNotEqualTo(userId);
        }
    }

    /** A whole login on node {@code node}; the user id the client gets. */
    private static String logInOn(int node, String realm, String national) {
        Browser browser = new Browser(cluster.baseUrl(node), "en");
        Page codePage = UserSteps.submitPhone(browser, realm, national);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        Page done = UserSteps.submitCode(browser, codePage, aliyun.lastCodeTo(national));
        return UserSteps.idToken(browser.tokens(done)).get("sub").asText();
    }
}
