package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.RedisCluster;
import dev.smslogin.testing.SentinelCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.Keycloak;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

import java.util.List;
import java.util.Map;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static dev.smslogin.it.UserSteps.submitCode;
import static dev.smslogin.it.UserSteps.submitPhone;
import static dev.smslogin.testing.SentinelCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keycloak on a real Redis Cluster and on a real Sentinel deployment: logins end to end, and a Redis master lost in
 * the middle of a login. Each topology gets a Keycloak of its own (the Redis URL is a server option), started after
 * its Redis and stopped with it. The code store's defaults apply: with Sentinel and with Cluster a used code counts
 * as used only once a replica holds its deletion ({@code min-replicas-ack} 1).
 */
class RedisTopologiesIT {

    static final String UNAVAILABLE = OutageIT.UNAVAILABLE;
    static final String EXPIRED = "This code has expired or was already used. Ask for a new code.";

    /** One Keycloak on one Redis deployment, a realm per test. */
    abstract static class Topology {
        KeycloakServer server;
        Keycloak admin;
        String realm;
        String realmId;

        void startKeycloak(String name, String redisUrl) {
            server = KeycloakServer.startWithRedis(name, redisUrl);
            admin = server.adminClient();
        }

        @BeforeEach
        void newRealm() {
            realm = createExampleRealm(admin, Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1"));
            realmId = admin.realm(realm).toRepresentation().getId();
        }

        /** The one code waiting in this test's realm (its key names the realm; the number's part is a keyed hash). */
        String pendingCodeKey(List<String> keys) {
            assertThat(keys).as("one code waiting in realm " + realm).hasSize(1);
            return keys.get(0);
        }

        String codePattern() {
            return server.redisPrefix() + "{" + realmId + ":*}:code:*";
        }

        void signUpAndLogInAgain() {
            String national = Phones.newNational();
            String first = UserSteps.logIn(server, realm, national);
            sleep(1100);  // the realm's resend cooldown (1 s): within it, the number gets no new code
            String again = UserSteps.logIn(server, realm, national);
            assertThat(again).as("the returning login is the same user").isEqualTo(first);
            assertThat(usersWithPhone(admin.realm(realm), Phones.e164(national))).hasSize(1);
        }

        /** What a page that refused to log in must be: the code page, a clear message, nothing of the failure. */
        static void assertFailedClosed(Page page, String message) {
            assertThat(page.isRedirectToClient()).as("no login").isFalse();
            assertThat(page.isCodePage()).as("the code page again: " + page.text()).isTrue();
            assertThat(page.text()).contains(message);
            assertThat(page.body()).doesNotContain("Exception").doesNotContain("Jedis").doesNotContain("redis.clients");
        }

        /**
         * Types {@code code} until the page is no longer "temporarily unavailable" (Keycloak's Redis client learns the
         * new master a moment after Sentinel names it): each refusal must be that clear page.
         */
        static Page typeUntilAnswered(Browser browser, Page codePage, String code) {
            Page page = submitCode(browser, codePage, code);
            for (int refusals = 1; !page.isRedirectToClient() && page.text().contains(UNAVAILABLE); refusals++) {
                assertFailedClosed(page, UNAVAILABLE);
                assertThat(refusals).as("still unavailable after the deployment settled").isLessThan(50);
                sleep(200);
                page = submitCode(browser, page, code);
            }
            return page;
        }

        static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void stopKeycloak() {
            if (server != null) {
                server.close();
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @DisplayName("Redis Cluster: three masters, two replicas each")
    class OnRedisCluster extends Topology {

        RedisCluster redis;

        @BeforeAll
        void start() throws Exception {
            redis = new RedisCluster(3, 2);
            startKeycloak("redis-cluster", redis.url());
        }

        @AfterAll
        void stop() throws Exception {
            try {
                stopKeycloak();
            } finally {
                if (redis != null) {
                    redis.close();
                }
            }
        }

        @Test
        @Order(1)
        @DisplayName("a new number signs up, then logs in again, end to end; the number's keys are on the Cluster")
        void loginsEndToEnd() {
            signUpAndLogInAgain();
            assertThat(redis.keys(server.redisPrefix() + "{" + realmId + ":*}:send-window")).as("the number's sends").hasSize(1);
        }

        @Test
        @Order(2)
        @DisplayName("the code's master has no replica answering: the right code logs nobody in (its use is not"
                + " replicated), and it stays used; a new code logs in once the replicas are back")
        void aUsedCodeCountsOnlyOnceReplicated() throws Exception {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page codePage = submitPhone(browser, realm, national);
            String code = server.aliyun().lastCodeTo(national);
            String key = pendingCodeKey(redis.keys(codePattern()));
            int master = redis.masterOf(key);
            List<Integer> replicas = redis.replicasOf(master);
            await("the replicas hold the code", () -> replicas.stream().allMatch(r -> redis.holds(r, key)));

            for (int replica : replicas) {
                redis.pause(replica);
            }
            Page refused;
            try {
                refused = submitCode(browser, codePage, code);
            } finally {
                for (int replica : replicas) {
                    redis.resume(replica);
                }
            }
            assertFailedClosed(refused, UNAVAILABLE);
            await("the replicas back in sync", () -> redis.onlineReplicas(master) == replicas.size());

            Page used = submitCode(browser, refused, code);
            assertFailedClosed(used, EXPIRED);
            assertThat(redis.holds(master, key)).as("the master deleted the code when it was typed").isFalse();

            Page newCodePage = browser.submit(used, Map.of(), "resend");
            assertThat(newCodePage.text()).doesNotContain(UNAVAILABLE);
            String newCode = server.aliyun().lastCodeTo(national);
            assertThat(newCode).isNotEqualTo(code);
            assertThat(submitCode(browser, newCodePage, newCode).isRedirectToClient()).isTrue();
        }

        @Test
        @Order(3)
        @DisplayName("the master holding a code is killed before the code is typed: no login until a replica took"
                + " over, then the same code logs in, once, and new logins work, without restarting Keycloak")
        void masterLostMidLogin() throws Exception {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page codePage = submitPhone(browser, realm, national);
            String code = server.aliyun().lastCodeTo(national);
            String key = pendingCodeKey(redis.keys(codePattern()));
            int master = redis.masterOf(key);
            List<Integer> replicas = redis.replicasOf(master);
            await("the replicas hold the code", () -> replicas.stream().allMatch(r -> redis.holds(r, key)));

            replicas.forEach(r -> redis.mayTakeOver(r, false));  // the outage lasts until the test lets a replica take over
            long killed = System.nanoTime();
            redis.kill(master);
            Page refused = submitCode(browser, codePage, code);
            assertFailedClosed(refused, UNAVAILABLE);

            replicas.forEach(r -> redis.mayTakeOver(r, true));
            await("a replica took over the code's slot, the other follows it", () -> {
                int now = redis.masterOf(key);
                return replicas.contains(now) && redis.onlineReplicas(now) == replicas.size() - 1;
            });
            long tookOver = System.nanoTime();
            Page loggedIn = submitCode(browser, refused, code);
            long recovered = System.nanoTime();
            assertThat(loggedIn.isRedirectToClient()).as("the code the replicas had logs in: " + loggedIn.text()).isTrue();
            assertThat(redis.keys(codePattern())).as("the code is used").isEmpty();
            System.out.printf("Redis Cluster master lost mid-login: a replica took over %d ms after the kill; the first"
                            + " code typed after that logged in (%d ms after the kill)%n",
                    (tookOver - killed) / 1_000_000, (recovered - killed) / 1_000_000);

            signUpAndLogInAgain();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @DisplayName("Redis Sentinel: a master, a replica, a Sentinel")
    class OnRedisSentinel extends Topology {

        SentinelCluster redis;

        @BeforeAll
        void start() throws Exception {
            redis = new SentinelCluster();
            startKeycloak("redis-sentinel", redis.url());
        }

        @AfterAll
        void stop() throws Exception {
            try {
                stopKeycloak();
            } finally {
                if (redis != null) {
                    redis.close();
                }
            }
        }

        @Test
        @Order(1)
        @DisplayName("a new number signs up, then logs in again, end to end")
        void loginsEndToEnd() {
            signUpAndLogInAgain();
        }

        @Test
        @Order(2)
        @DisplayName("a planned failover (SENTINEL FAILOVER) between the code and its typing: the code logs in on the new"
                + " master, at most after a moment of \"temporarily unavailable\"")
        void plannedFailoverMidLogin() throws Exception {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page codePage = submitPhone(browser, realm, national);
            String code = server.aliyun().lastCodeTo(national);

            redis.failover();
            redis.awaitReplicas(1);  // the old master follows the new one: used codes are replicated again
            Page page = typeUntilAnswered(browser, codePage, code);
            assertThat(page.isRedirectToClient()).as(page.text()).isTrue();

            signUpAndLogInAgain();
        }

        @Test
        @Order(3)
        @DisplayName("the master is killed before the code is typed: no login while it is down; once Sentinel promoted"
                + " the replica and the lost server is back as its replica, the same code logs in, and new logins work,"
                + " without restarting Keycloak")
        void masterLostMidLogin() throws Exception {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page codePage = submitPhone(browser, realm, national);
            String code = server.aliyun().lastCodeTo(national);
            int master = redis.currentMaster().getPort();
            String key = pendingCodeKey(keys(master, codePattern()));
            int replica = master == redis.masterPort ? redis.replicaPort : redis.masterPort;
            await("the replica holds the code", () -> keys(replica, key).size() == 1);

            long killed = System.nanoTime();
            int lost = redis.killMasterWhileSentinelPaused();  // the outage lasts until the test lets Sentinel act
            Page refused = submitCode(browser, codePage, code);
            assertFailedClosed(refused, UNAVAILABLE);

            redis.resumeSentinel(lost);
            long promoted = System.nanoTime();
            redis.restart(lost);
            long back = System.nanoTime();
            Page page = typeUntilAnswered(browser, refused, code);
            long recovered = System.nanoTime();
            assertThat(page.isRedirectToClient()).as("the code the replica had logs in: " + page.text()).isTrue();
            System.out.printf("Redis Sentinel master lost mid-login: the replica was promoted %d ms after the kill, the lost"
                            + " server was back as its replica %d ms after the kill; the code logged in %d ms after the kill%n",
                    (promoted - killed) / 1_000_000, (back - killed) / 1_000_000, (recovered - killed) / 1_000_000);

            signUpAndLogInAgain();
        }

        private List<String> keys(int port, String pattern) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                return jedis.scan(ScanParams.SCAN_POINTER_START, new ScanParams().match(pattern).count(100_000)).getResult();
            }
        }
    }
}
