package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.it.NativeApp.Answer;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeAliyunSms.Misbehaviour;
import dev.smslogin.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.ClientsResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.created;
import static dev.smslogin.it.AdminSteps.detail;
import static dev.smslogin.it.AdminSteps.events;
import static dev.smslogin.it.AdminSteps.failures;
import static dev.smslogin.it.AdminSteps.flowId;
import static dev.smslogin.it.AdminSteps.user;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static dev.smslogin.it.UserSteps.submitCode;
import static dev.smslogin.it.UserSteps.submitPhone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native-app API on the real Keycloak, Redis, MariaDB and the fake Aliyun: {@code POST /realms/{realm}/sms-login/codes}
 * sends a code, the token endpoint ({@code grant_type=password}, {@code phone_number}, {@code code}) through the
 * {@code sms-login-direct-grant} step gives tokens. The example realm's {@code demo-native-app} is the client.
 */
class NativeAppApiIT {

    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static TestDatabase app;
    static String realm;
    static NativeApp api;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
        app = server.appDatabase();
        realm = createExampleRealm(admin, Map.of("resendCooldownSeconds", "1", "maxSendsPerIpPerHour", "10000",
                "maxSendsPerPhonePerHour", "20", "maxSendsPerPhonePerDay", "20"));
        api = new NativeApp(server, realm);
    }

    @AfterAll
    static void drop() {
        admin.realm(realm).remove();
    }

    @AfterEach
    void heal() throws Exception {
        server.dependencies().redisLink().restore();
        server.dependencies().aliyunLink().restore();
        server.dependencies().appDatabaseLink().restore();
        aliyun.behave();
    }

    @Test
    @DisplayName("a new number signs up through the two calls (tokens carry phone_number, REGISTER and LOGIN with the client, one MySQL row); "
            + "the number then logs in again as the same user")
    void signUpThenReturningLogin() throws Exception {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        Answer sent = api.sendCode(national);
        assertThat(sent.status()).as(sent.json().toString()).isEqualTo(200);
        assertThat(sent.json().get("expires_in").asLong()).isEqualTo(300);
        assertThat(sent.json().get("resend_in").asLong()).isEqualTo(1);
        assertThat(sent.header("Cache-Control")).isEqualTo("no-store");
        assertThat(aliyun.messagesTo(national)).hasSize(1);

        Answer tokens = api.token(national, aliyun.lastCodeTo(national));
        assertThat(tokens.status()).as(tokens.json().toString()).isEqualTo(200);
        assertThat(tokens.json().get("access_token").asText()).isNotEmpty();
        assertThat(tokens.json().get("refresh_token").asText()).isNotEmpty();
        JsonNode claims = NativeApp.idToken(tokens);
        assertThat(claims.get("phone_number").asText()).isEqualTo(e164);
        assertThat(claims.get("phone_number_verified").asBoolean()).isTrue();
        String sub = claims.get("sub").asText();

        EventRepresentation register = eventOf("REGISTER", sub);
        assertThat(register.getClientId()).isEqualTo(NativeApp.CLIENT_ID);
        assertThat(detail(register, "register_method")).isEqualTo("sms-login-direct-grant");
        assertThat(detail(register, "phone_number")).isEqualTo("+86139****" + national.substring(7));
        EventRepresentation login = eventOf("LOGIN", sub);
        assertThat(login.getClientId()).isEqualTo(NativeApp.CLIENT_ID);
        assertThat(detail(login, "grant_type")).isEqualTo("password");

        assertThat(loginRows(e164)).isEqualTo(1);
        UserRepresentation user = user(admin, realm, sub);
        assertThat(user.firstAttribute("appUserId")).isEqualTo(String.valueOf(appUserIdOf(e164)));
        assertThat(user.firstAttribute("phoneNumberVerified")).isEqualTo("true");

        Thread.sleep(1100);    // the cooldown
        assertThat(api.sendCode(e164).status()).as("E.164 works as well as the national number").isEqualTo(200);
        Answer again = api.token(national, aliyun.lastCodeTo(national));
        assertThat(again.status()).as(again.json().toString()).isEqualTo(200);
        assertThat(NativeApp.idToken(again).get("sub").asText()).isEqualTo(sub);
        assertThat(events(admin.realm(realm), "REGISTER").stream().filter(e -> sub.equals(e.getUserId()))).hasSize(1);
        assertThat(loginRows(e164)).isEqualTo(1);

        String log = server.logText();
        assertThat(log).doesNotContain(e164).doesNotContain(aliyun.lastCodeTo(national) + "\"");
    }

    @Test
    @DisplayName("the original app's MySQL row of a number (national format) is linked, not duplicated")
    void originalAppRowIsLinked() {
        String national = Phones.newNational();
        app.execute("INSERT INTO user (name, age) VALUES ('api-" + national.substring(7) + "', 30)",
                "INSERT INTO user_login_method (user_id, login_method, identification) VALUES (LAST_INSERT_ID(), 'P', '" + national + "')");
        long appUserId = app.count("SELECT user_id FROM user_login_method WHERE login_method = 'P' AND identification = '" + national + "'");
        assertThat(api.sendCode(national).status()).isEqualTo(200);
        Answer tokens = api.token(national, aliyun.lastCodeTo(national));
        assertThat(tokens.status()).as(tokens.json().toString()).isEqualTo(200);
        UserRepresentation user = user(admin, realm, NativeApp.idToken(tokens).get("sub").asText());
        assertThat(user.firstAttribute("appUserId")).isEqualTo(String.valueOf(appUserId));
        assertThat(loginRows(national) + loginRows(Phones.e164(national))).isEqualTo(1);
    }

    @Test
    @DisplayName("send answers: 400 invalid_phone_number for what the login page refuses; a confidential client authenticates "
            + "as at the token endpoint (secret or HTTP Basic); JSON bodies work")
    void sendErrorAnswers() {
        for (String bad : List.of("12345", "+1 202 555 0143", "010 6552 9988", "x".repeat(40))) {
            Answer refused = api.sendCode(bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.error()).as(bad).isEqualTo("invalid_phone_number");
            assertThat(refused.json().get("error_description").asText()).isNotBlank();
        }
        String national = Phones.newNational();
        createClient("confidential-app", false, "sms direct grant");
        Answer noSecret = api.sendCode("confidential-app", national);
        assertThat(noSecret.status()).isEqualTo(400);
        assertThat(noSecret.error()).isEqualTo("invalid_client");
        Answer wrongSecret = api.post(api.codesUrl(), NativeApp.form("client_id", "confidential-app", "client_secret", "wrong",
                "phone_number", national), Map.of());
        assertThat(wrongSecret.status()).isEqualTo(400);
        assertThat(wrongSecret.error()).isEqualTo("invalid_client");
        assertThat(aliyun.messagesTo(national)).isEmpty();
        Answer basic = api.post(api.codesUrl(), NativeApp.form("phone_number", national),
                Map.of("Authorization", NativeApp.basic("confidential-app", "confidential-secret")));
        assertThat(basic.status()).as(basic.json().toString()).isEqualTo(200);
        String code = aliyun.lastCodeTo(national);
        Answer tokens = api.post(api.tokenUrl(), NativeApp.form("grant_type", "password", "client_id", "confidential-app",
                "client_secret", "confidential-secret", "phone_number", national, "code", code), Map.of());
        assertThat(tokens.status()).as(tokens.json().toString()).isEqualTo(200);

        String other = Phones.newNational();
        Answer json = api.sendCodeJson(NativeApp.CLIENT_ID, other);
        assertThat(json.status()).as(json.json().toString()).isEqualTo(200);
        assertThat(api.token(other, aliyun.lastCodeTo(other)).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("finding 11: every client the API does not serve gets one identical answer (status, headers, body): unknown, disabled, "
            + "no direct access grants, no sms-login-direct-grant step, not OpenID Connect, no client_id, a confidential client "
            + "without or with a wrong secret or with another client's, Keycloak's own admin-cli; the event and the log keep the cause")
    void invalidClientIsOneAnswer() {
        createClient("password-app", true, "direct grant");
        createClient("confidential-app", false, "sms direct grant");
        ClientsResource clients = admin.realm(realm).clients();
        if (clients.findByClientId("other-confidential-app").isEmpty()) {
            ClientRepresentation other = new ClientRepresentation();
            other.setClientId("other-confidential-app");
            other.setPublicClient(false);
            other.setSecret("other-secret");
            other.setDirectAccessGrantsEnabled(true);
            other.setAuthenticationFlowBindingOverrides(Map.of("direct_grant", flowId(admin.realm(realm), "sms direct grant")));
            created(clients.create(other));
        }
        createClient("disabled-app", true, "sms direct grant");
        ClientResource disabledApp = clients.get(clientUuid("disabled-app"));
        ClientRepresentation disabled = disabledApp.toRepresentation();
        disabled.setEnabled(false);
        disabledApp.update(disabled);
        if (clients.findByClientId("saml-app").isEmpty()) {
            ClientRepresentation saml = new ClientRepresentation();
            saml.setClientId("saml-app");
            saml.setProtocol("saml");
            created(clients.create(saml));
        }
        String national = Phones.newNational();
        Map<String, Answer> answers = new java.util.LinkedHashMap<>();
        answers.put("unknown client", api.sendCode("no-such-client", national));
        answers.put("disabled client", api.sendCode("disabled-app", national));
        answers.put("no direct access grants", api.sendCode(Browser.CLIENT_ID, national));
        answers.put("no sms-login-direct-grant step", api.sendCode("password-app", national));
        answers.put("SAML client", api.sendCode("saml-app", national));
        answers.put("no client_id", api.post(api.codesUrl(), NativeApp.form("phone_number", national), Map.of()));
        answers.put("confidential, no secret", api.sendCode("confidential-app", national));
        answers.put("confidential, wrong secret", api.post(api.codesUrl(), NativeApp.form("client_id", "confidential-app",
                "client_secret", "wrong", "phone_number", national), Map.of()));
        answers.put("confidential, wrong Basic", api.post(api.codesUrl(), NativeApp.form("phone_number", national),
                Map.of("Authorization", NativeApp.basic("confidential-app", "wrong"))));
        answers.put("client_id with another client's credentials", api.post(api.codesUrl(),
                NativeApp.form("client_id", "other-confidential-app", "phone_number", national),
                Map.of("Authorization", NativeApp.basic("confidential-app", "confidential-secret"))));
        answers.put("Keycloak's admin-cli", api.sendCode("admin-cli", national));

        Answer first = answers.get("unknown client");
        assertThat(first.status()).isEqualTo(400);
        assertThat(first.error()).isEqualTo("invalid_client");
        assertThat(first.json().get("error_description").asText()).isNotBlank();
        answers.forEach((cause, answer) -> {
            assertThat(answer.status()).as(cause).isEqualTo(first.status());
            assertThat(answer.response().body()).as(cause).isEqualTo(first.response().body());
            assertThat(answer.response().headers().map()).as(cause).isEqualTo(first.response().headers().map());
        });
        assertThat(aliyun.messagesTo(national)).as("no client above sent anything").isEmpty();

        String log = server.logText();
        for (String reason : List.of("client_not_found", "client_disabled", "direct_grants_off", "no_sms_direct_grant_step",
                "not_openid_connect", "client_authentication_failed", "client_id_missing", "built_in_client")) {
            assertThat(log).as("the log keeps the cause " + reason).contains("SMS login API: invalid_client (" + reason + ")");
        }
        assertThat(events(admin.realm(realm), "CLIENT_LOGIN_ERROR")).as("the event keeps the cause")
                .anySatisfy(e -> assertThat(detail(e, "reason")).isEqualTo("built_in_client"))
                .anySatisfy(e -> assertThat(detail(e, "reason")).isEqualTo("no_sms_direct_grant_step"));
    }

    @Test
    @DisplayName("finding 11: where the SMS direct grant is the realm's direct-grant flow, Keycloak's own clients (admin-cli, the "
            + "consoles, broker, realm-management, account) get no code and no tokens from a code")
    void builtInClientsAreNeverServed() throws Exception {
        String national = Phones.newNational();
        Answer oneAnswer = api.sendCode("no-such-client", national);
        for (String builtIn : List.of("admin-cli", "security-admin-console", "account-console", "broker", "realm-management", "account")) {
            Answer refused = api.sendCode(builtIn, national);
            assertThat(refused.status()).as(builtIn + ": " + refused.json()).isEqualTo(400);
            assertThat(refused.response().body()).as(builtIn).isEqualTo(oneAnswer.response().body());
        }
        assertThat(aliyun.messagesTo(national)).as("no SMS for a built-in client").isEmpty();

        // a user of the number, then a real code (asked for by the API's own client) tried at the token endpoint as admin-cli
        assertThat(api.sendCode(national).status()).isEqualTo(200);
        assertThat(api.token(national, aliyun.lastCodeTo(national)).status()).isEqualTo(200);
        String userId = usersWithPhone(admin.realm(realm), Phones.e164(national)).get(0).getId();
        String realmManagement = clientUuid("realm-management");
        RoleRepresentation realmAdmin = admin.realm(realm).clients().get(realmManagement).roles().get("realm-admin").toRepresentation();
        admin.realm(realm).users().get(userId).roles().clientLevel(realmManagement).add(List.of(realmAdmin));
        Thread.sleep(1100);    // the cooldown
        assertThat(api.sendCode(national).status()).isEqualTo(200);
        String code = aliyun.lastCodeTo(national);
        Answer adminTokens = api.token("admin-cli", national, code);
        assertThat(adminTokens.status()).as(adminTokens.json().toString()).isEqualTo(400);
        assertThat(adminTokens.response().body()).isEqualTo(oneAnswer.response().body());
        assertThat(adminTokens.json().has("access_token")).isFalse();
        assertThat(events(admin.realm(realm), "LOGIN_ERROR")).anySatisfy(e -> {
            assertThat(e.getClientId()).isEqualTo("admin-cli");
            assertThat(e.getError()).isEqualTo("invalid_client");
            assertThat(detail(e, "reason")).isEqualTo("built_in_client");
        });
        Answer appTokens = api.token(national, code);
        assertThat(appTokens.status()).as("the refusal used nothing of the code: " + appTokens.json()).isEqualTo(200);
    }

    @Test
    @DisplayName("finding 11: Redis key names hold no client IP in clear (keyed hashes, as numbers); the per-IP cap still holds")
    void clientAddressesAreNotInRedisKeys() throws Exception {
        String limited = createExampleRealm(admin, Map.of("resendCooldownSeconds", "1", "maxSendsPerIpPerHour", "2"));
        try {
            NativeApp client = new NativeApp(server, limited);
            assertThat(client.sendCode(Phones.newNational()).status()).isEqualTo(200);
            assertThat(client.sendCode(Phones.newNational()).status()).isEqualTo(200);
            String third = Phones.newNational();
            Answer capped = client.sendCode(third);
            assertThat(capped.status()).as("the per-IP cap: " + capped.json()).isEqualTo(429);
            assertThat(aliyun.messagesTo(third)).isEmpty();

            String realmId = admin.realm(limited).toRepresentation().getId();
            try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis("127.0.0.1", 6379)) {
                jedis.select(KeycloakServer.REDIS_DB);
                List<String> realmKeys = new ArrayList<>(jedis.keys(server.redisPrefix() + "{" + realmId + "}:*"));
                assertThat(realmKeys).as("the client's request and send windows").anyMatch(key -> key.contains(":ip:"))
                        .anyMatch(key -> key.contains(":client:"));
                List<String> all = new ArrayList<>(jedis.keys(server.redisPrefix() + "*"));
                assertThat(all).isNotEmpty().allSatisfy(key -> assertThat(key).doesNotContain("127.0.0.1"));
            }
        } finally {
            admin.realm(limited).remove();
        }
    }

    @Test
    @DisplayName("token answers: invalid_request for a missing or malformed number or code, invalid_grant for a code never sent, "
            + "each with a description; LOGIN_ERROR events name the client")
    void tokenErrorAnswers() {
        String national = Phones.newNational();
        Answer noCode = api.post(api.tokenUrl(), NativeApp.form("grant_type", "password", "client_id", NativeApp.CLIENT_ID,
                "phone_number", national), Map.of());
        assertThat(noCode.status()).isEqualTo(400);
        assertThat(noCode.error()).isEqualTo("invalid_request");
        assertThat(noCode.json().get("error_description").asText()).contains("code");
        Answer noPhone = api.post(api.tokenUrl(), NativeApp.form("grant_type", "password", "client_id", NativeApp.CLIENT_ID,
                "code", "123456"), Map.of());
        assertThat(noPhone.error()).isEqualTo("invalid_request");
        assertThat(noPhone.json().get("error_description").asText()).contains("phone_number");
        assertThat(api.token("12345", "123456").error()).isEqualTo("invalid_request");
        Answer shortCode = api.token(national, "123");
        assertThat(shortCode.error()).isEqualTo("invalid_request");
        assertThat(shortCode.json().get("error_description").asText()).contains("6 digits");

        Answer never = api.token(national, "123456");
        assertThat(never.status()).isEqualTo(400);
        assertThat(never.error()).isEqualTo("invalid_grant");
        assertThat(never.json().get("error_description").asText()).contains("ask for a new code");
        assertThat(events(admin.realm(realm), "LOGIN_ERROR")).anySatisfy(event -> {
            assertThat(event.getClientId()).isEqualTo(NativeApp.CLIENT_ID);
            assertThat(event.getError()).isEqualTo("invalid_code");
            assertThat(detail(event, "phone_number")).isEqualTo("+86139****" + national.substring(7));
        });
    }

    @Test
    @DisplayName("cooldown and every cap answer 429 slow_down with retry_after and Retry-After, the same whichever limit")
    void cooldownAndCaps() throws Exception {
        String limited = createExampleRealm(admin, Map.of("resendCooldownSeconds", "60", "maxSendsPerPhonePerHour", "5",
                "maxSendsPerIpPerHour", "2"));
        try {
            NativeApp client = new NativeApp(server, limited);
            String national = Phones.newNational();
            assertThat(client.sendCode(national).status()).isEqualTo(200);
            Answer cooldown = client.sendCode(national);
            assertThat(cooldown.status()).isEqualTo(429);
            assertThat(cooldown.error()).isEqualTo("slow_down");
            long retryAfter = cooldown.json().get("retry_after").asLong();
            assertThat(retryAfter).isBetween(1L, 60L);
            assertThat(cooldown.header("Retry-After")).isEqualTo(String.valueOf(retryAfter));
            assertThat(aliyun.messagesTo(national)).hasSize(1);

            assertThat(client.sendCode(Phones.newNational()).status()).isEqualTo(200);
            String third = Phones.newNational();
            Answer ipCap = client.sendCode(third);
            assertThat(ipCap.status()).isEqualTo(429);
            assertThat(ipCap.error()).isEqualTo("slow_down");
            assertThat(ipCap.json().get("retry_after").asLong()).isGreaterThan(60L);
            assertThat(ipCap.header("Retry-After")).isEqualTo(ipCap.json().get("retry_after").asText());
            assertThat(fieldNames(ipCap.json())).isEqualTo(fieldNames(cooldown.json()));
            assertThat(ipCap.json().get("error_description")).isEqualTo(cooldown.json().get("error_description"));
            assertThat(aliyun.messagesTo(third)).isEmpty();
        } finally {
            admin.realm(limited).remove();
        }
    }

    @Test
    @DisplayName("the per-number hourly cap at the API: the sixth code of an hour is refused with slow_down")
    void perNumberCap() throws Exception {
        String limited = createExampleRealm(admin, Map.of("resendCooldownSeconds", "1", "maxSendsPerPhonePerHour", "2",
                "maxSendsPerPhonePerDay", "2", "maxSendsPerIpPerHour", "100"));
        try {
            NativeApp client = new NativeApp(server, limited);
            String national = Phones.newNational();
            for (int i = 0; i < 2; i++) {
                assertThat(client.sendCode(national).status()).isEqualTo(200);
                Thread.sleep(1100);
            }
            Answer capped = client.sendCode(national);
            assertThat(capped.status()).isEqualTo(429);
            assertThat(capped.error()).isEqualTo("slow_down");
            assertThat(capped.json().get("retry_after").asLong()).isGreaterThan(60L);
            assertThat(aliyun.messagesTo(national)).hasSize(2);
        } finally {
            admin.realm(limited).remove();
        }
    }

    @Test
    @DisplayName("50 concurrent sends to one number: one SMS, one 200, the others 429 slow_down")
    void fiftyConcurrentSendsOneSms() throws Exception {
        String national = Phones.newNational();
        String slow = createExampleRealm(admin, Map.of("resendCooldownSeconds", "60", "maxSendsPerIpPerHour", "10000"));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            NativeApp client = new NativeApp(server, slow);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return client.sendCode(national);
                }));
            }
            go.countDown();
            int ok = 0;
            int slowDown = 0;
            for (Future<Answer> answer : answers) {
                Answer a = answer.get(2, TimeUnit.MINUTES);
                if (a.status() == 200) {
                    ok++;
                } else {
                    assertThat(a.status()).as(a.json().toString()).isEqualTo(429);
                    assertThat(a.error()).isEqualTo("slow_down");
                    slowDown++;
                }
            }
            assertThat(ok).isEqualTo(1);
            assertThat(slowDown).isEqualTo(49);
            assertThat(aliyun.messagesTo(national)).hasSize(1);
        } finally {
            pool.shutdownNow();
            admin.realm(slow).remove();
        }
    }

    @Test
    @DisplayName("a code is bound to its client and to the API: a login page's code gets no tokens, an API code logs in no page "
            + "and no other client")
    void codesAreNotPortable() throws Exception {
        createClient("second-native-app", true, "sms direct grant");
        String national = Phones.newNational();

        Browser browser = new Browser(server);
        Page codePage = submitPhone(browser, realm, national);
        String browserCode = aliyun.lastCodeTo(national);
        Answer fromBrowser = api.token(national, browserCode);
        assertThat(fromBrowser.status()).isEqualTo(400);
        assertThat(fromBrowser.error()).isEqualTo("invalid_grant");

        Thread.sleep(1100);
        assertThat(api.sendCode(national).status()).isEqualTo(200);
        String apiCode = aliyun.lastCodeTo(national);
        if (!apiCode.equals(browserCode)) {
            Page refused = submitCode(browser, codePage, apiCode);
            assertThat(refused.isRedirectToClient()).as("the API's code on the login page").isFalse();
        }
        Answer otherClient = api.token("second-native-app", national, apiCode);
        assertThat(otherClient.status()).isEqualTo(400);
        assertThat(otherClient.error()).isEqualTo("invalid_grant");
        Answer own = api.token(national, apiCode);
        assertThat(own.status()).as("the client that asked: " + own.json()).isEqualTo(200);
        assertThat(api.token(national, apiCode).error()).as("a code is good once").isEqualTo("invalid_grant");

        // and the reverse: the second client's code is not the first's
        Thread.sleep(1100);
        assertThat(api.sendCode("second-native-app", national).status()).isEqualTo(200);
        String secondCode = aliyun.lastCodeTo(national);
        assertThat(api.token(national, secondCode).error()).isEqualTo("invalid_grant");
        assertThat(api.token("second-native-app", national, secondCode).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("wrong codes: invalid_grant saying what to do, the code burned at maxAttemptsPerCode, the number locked after "
            + "maxConsecutiveFailuresPerPhone, and each wrong guess counted by Keycloak's brute-force protection against the holder")
    void wrongCodesAndTheCap() throws Exception {
        String strict = createExampleRealm(admin, Map.of("resendCooldownSeconds", "1", "maxAttemptsPerCode", "3",
                "maxConsecutiveFailuresPerPhone", "5", "maxSendsPerIpPerHour", "10000"));
        try {
            NativeApp client = new NativeApp(server, strict);
            String national = Phones.newNational();
            assertThat(client.sendCode(national).status()).isEqualTo(200);
            Answer first = client.token(national, aliyun.lastCodeTo(national));
            assertThat(first.status()).isEqualTo(200);
            String userId = NativeApp.idToken(first).get("sub").asText();

            Thread.sleep(1100);
            assertThat(client.sendCode(national).status()).isEqualTo(200);
            String code = aliyun.lastCodeTo(national);
            String wrong = code.equals("000000") ? "111111" : "000000";
            for (int i = 0; i < 2; i++) {
                Answer a = client.token(national, wrong);
                assertThat(a.error()).isEqualTo("invalid_grant");
                assertThat(a.json().get("error_description").asText()).startsWith("Wrong code; check the text message");
            }
            Answer burned = client.token(national, wrong);
            assertThat(burned.json().get("error_description").asText()).contains("can no longer be used");
            Answer gone = client.token(national, code);
            assertThat(gone.error()).as("the right code after the cap").isEqualTo("invalid_grant");
            assertThat(failures(admin.realm(strict), userId)).isEqualTo(3);
            assertThat(events(admin.realm(strict), "LOGIN_ERROR")).filteredOn(e -> userId.equals(e.getUserId()))
                    .as("three wrong guesses and the right code after the cap").hasSize(4).allSatisfy(e -> {
                        assertThat(e.getError()).isEqualTo("invalid_user_credentials");
                        assertThat(e.getClientId()).isEqualTo(NativeApp.CLIENT_ID);
                    });

            Thread.sleep(1100);
            assertThat(client.sendCode(national).status()).isEqualTo(200);
            String fresh = aliyun.lastCodeTo(national);
            String wrongAgain = fresh.equals("000000") ? "111111" : "000000";
            client.token(national, wrongAgain);
            client.token(national, wrongAgain);
            Answer locked = client.token(national, fresh);
            assertThat(locked.error()).isEqualTo("invalid_grant");
            assertThat(locked.json().get("error_description").asText()).contains("Too many wrong codes for this number");
        } finally {
            admin.realm(strict).remove();
        }
    }

    @Test
    @DisplayName("no enumeration: registered and unknown numbers get the same answers at each call, in similar times")
    void noEnumeration() throws Exception {
        String known = Phones.newNational();
        assertThat(api.sendCode(known).status()).isEqualTo(200);
        assertThat(api.token(known, aliyun.lastCodeTo(known)).status()).isEqualTo(200);
        Thread.sleep(1100);

        List<Long> knownMillis = new ArrayList<>();
        List<Long> unknownMillis = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            String unknown = Phones.newNational();
            long t0 = System.nanoTime();
            Answer k = api.sendCode(known);
            long t1 = System.nanoTime();
            Answer u = api.sendCode(unknown);
            long t2 = System.nanoTime();
            knownMillis.add((t1 - t0) / 1_000_000);
            unknownMillis.add((t2 - t1) / 1_000_000);
            assertThat(k.status()).isEqualTo(u.status()).isEqualTo(200);
            assertThat(k.json()).isEqualTo(u.json());
            assertThat(k.response().headers().map().keySet()).isEqualTo(u.response().headers().map().keySet());

            String wrongK = aliyun.lastCodeTo(known).equals("000000") ? "111111" : "000000";
            String wrongU = aliyun.lastCodeTo(unknown).equals("000000") ? "111111" : "000000";
            Answer kw = api.token(known, wrongK);
            Answer uw = api.token(unknown, wrongU);
            assertThat(kw.status()).isEqualTo(uw.status()).isEqualTo(400);
            assertThat(kw.json()).isEqualTo(uw.json());
            Thread.sleep(1100);
        }
        long knownMedian = median(knownMillis);
        long unknownMedian = median(unknownMillis);
        System.out.printf("native-app API: send to a registered number %d ms, to an unknown one %d ms (medians of 5)%n", knownMedian, unknownMedian);
        // loose: the send path reads no user at all; this only catches a lookup that takes far longer for one kind
        assertThat(Math.abs(knownMedian - unknownMedian)).isLessThan(Math.max(250, 2 * Math.min(knownMedian, unknownMedian)));

        String closed = createExampleRealm(admin, Map.of("allowRegistration", "false", "resendCooldownSeconds", "1", "maxSendsPerIpPerHour", "100"));
        try {
            NativeApp client = new NativeApp(server, closed);
            String stranger = Phones.newNational();
            Answer sent = client.sendCode(stranger);
            assertThat(sent.status()).as("sign-up closed: the send looks the same").isEqualTo(200);
            Answer refused = client.token(stranger, aliyun.lastCodeTo(stranger));
            assertThat(refused.error()).isEqualTo("invalid_grant");
            assertThat(refused.json().get("error_description").asText()).contains("sign-up by SMS is closed");
            assertThat(usersWithPhone(admin.realm(closed), Phones.e164(stranger))).isEmpty();
        } finally {
            admin.realm(closed).remove();
        }
    }

    @Test
    @DisplayName("CORS: the POST answers the client's web origins only; the preflight is answered")
    void cors() {
        String national = Phones.newNational();
        Answer allowed = api.post(api.codesUrl(), NativeApp.form("client_id", NativeApp.CLIENT_ID, "phone_number", national),
                Map.of("Origin", "http://localhost:8000"));
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:8000");
        assertThat(allowed.header("Access-Control-Expose-Headers")).contains("Retry-After");

        Answer foreign = api.post(api.codesUrl(), NativeApp.form("client_id", NativeApp.CLIENT_ID, "phone_number", Phones.newNational()),
                Map.of("Origin", "http://evil.example"));
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();

        Answer preflight = api.send(HttpRequest.newBuilder(URI.create(api.codesUrl()))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:8000").header("Access-Control-Request-Method", "POST"));
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
    }

    @Test
    @DisplayName("the flow's humanCheck: a send without a good token is refused (400) and sends nothing; a fresh token each time sends")
    void humanCheck() {
        String checked = createExampleRealm(admin, Map.of("humanCheck", "siteverify", "maxSendsPerIpPerHour", "100"));
        try {
            NativeApp client = new NativeApp(server, checked);
            String national = Phones.newNational();
            Answer without = client.sendCode(national);
            assertThat(without.status()).isEqualTo(400);
            assertThat(without.error()).isEqualTo("invalid_request");
            assertThat(without.json().get("error_description").asText()).contains("human check");
            assertThat(aliyun.messagesTo(national)).isEmpty();
            Answer with = client.post(client.codesUrl(), NativeApp.form("client_id", NativeApp.CLIENT_ID, "phone_number", national,
                    "captcha_token", "human-" + national), Map.of());
            assertThat(with.status()).as(with.json().toString()).isEqualTo(200);
            assertThat(aliyun.messagesTo(national)).hasSize(1);
        } finally {
            admin.realm(checked).remove();
        }
    }

    @Test
    @DisplayName("sms-login-direct-grant as an ALTERNATIVE beside username and password: a request without phone_number "
            + "logs in with the password, one with it through the SMS code, on the same client")
    void alternativeBesidePassword() throws Exception {
        com.fasterxml.jackson.databind.node.ArrayNode flows = (com.fasterxml.jackson.databind.node.ArrayNode) KeycloakAdmin.JSON
                .readTree(java.nio.file.Files.readString(java.nio.file.Path.of("examples/realm-sms-demo.json"))).get("authenticationFlows");
        flows.add(KeycloakAdmin.JSON.readTree("""
                {"alias": "sms or password", "providerId": "basic-flow", "topLevel": true, "builtIn": false,
                 "authenticationExecutions": [
                   {"authenticator": "sms-login-direct-grant", "authenticatorConfig": "sms-login-direct-grant",
                    "requirement": "ALTERNATIVE", "priority": 10, "authenticatorFlow": false, "userSetupAllowed": false},
                   {"flowAlias": "password sub-flow", "requirement": "ALTERNATIVE", "priority": 20, "authenticatorFlow": true,
                    "userSetupAllowed": false}]}"""));
        flows.add(KeycloakAdmin.JSON.readTree("""
                {"alias": "password sub-flow", "providerId": "basic-flow", "topLevel": false, "builtIn": false,
                 "authenticationExecutions": [
                   {"authenticator": "direct-grant-validate-username", "requirement": "REQUIRED", "priority": 10,
                    "authenticatorFlow": false, "userSetupAllowed": false},
                   {"authenticator": "direct-grant-validate-password", "requirement": "REQUIRED", "priority": 20,
                    "authenticatorFlow": false, "userSetupAllowed": false}]}"""));
        String mixed = createExampleRealm(admin, Map.of("resendCooldownSeconds", "1", "maxSendsPerIpPerHour", "100"),
                Map.of("authenticationFlows", flows, "directGrantFlow", "sms or password"));
        try {
            NativeApp client = new NativeApp(server, mixed);
            BenchmarkKit.createPasswordUser(admin, mixed, "mixed-user");
            Answer password = client.passwordToken(NativeApp.CLIENT_ID, "mixed-user", BenchmarkKit.PASSWORD);
            assertThat(password.status()).as(password.json().toString()).isEqualTo(200);

            String national = Phones.newNational();
            assertThat(client.sendCode(national).status()).as("the step is found in the flow").isEqualTo(200);
            Answer sms = client.token(national, aliyun.lastCodeTo(national));
            assertThat(sms.status()).as(sms.json().toString()).isEqualTo(200);
            assertThat(NativeApp.idToken(sms).get("phone_number").asText()).isEqualTo(Phones.e164(national));

            Answer adminCliPassword = client.passwordToken("admin-cli", "mixed-user", BenchmarkKit.PASSWORD);
            assertThat(adminCliPassword.status()).as("admin-cli keeps Keycloak's password grant: " + adminCliPassword.json()).isEqualTo(200);
            Answer adminCliSms = client.token("admin-cli", national, "123456");
            assertThat(adminCliSms.status()).isEqualTo(400);
            assertThat(adminCliSms.error()).as("admin-cli never through the SMS step").isEqualTo("invalid_client");
        } finally {
            admin.realm(mixed).remove();
        }
    }

    @Test
    @DisplayName("Redis down: the send answers 503 temporarily_unavailable and sends nothing; the token call answers 503 and the same code "
            + "works once Redis is back")
    void redisOutage() throws Exception {
        String national = Phones.newNational();
        server.dependencies().redisLink().cut();
        Answer send = api.sendCode(national);
        assertThat(send.status()).isEqualTo(503);
        assertThat(send.error()).isEqualTo("temporarily_unavailable");
        assertThat(aliyun.messagesTo(national)).isEmpty();
        server.dependencies().redisLink().restore();

        assertThat(api.sendCode(national).status()).isEqualTo(200);
        String code = aliyun.lastCodeTo(national);
        server.dependencies().redisLink().cut();
        Answer token = api.token(national, code);
        assertThat(token.status()).isEqualTo(503);
        assertThat(token.error()).isEqualTo("temporarily_unavailable");
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(national))).isEmpty();
        server.dependencies().redisLink().restore();
        assertThat(api.token(national, code).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("Aliyun failing: 503 temporarily_unavailable, the send given back (no cooldown holds the number), then a code")
    void aliyunOutage() {
        String national = Phones.newNational();
        aliyun.misbehave(Misbehaviour.httpError(503));
        Answer refused = api.sendCode(national);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.error()).isEqualTo("temporarily_unavailable");
        assertThat(refused.json().toString()).doesNotContain("Exception");
        aliyun.behave();
        Answer sent = api.sendCode(national);
        assertThat(sent.status()).as("nothing was sent, so no cooldown holds the number: " + sent.json()).isEqualTo(200);
        assertThat(api.token(national, aliyun.lastCodeTo(national)).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("MySQL down at a sign-up: 503 temporarily_unavailable, no Keycloak user and no row; back up: a new code signs up")
    void mysqlOutage() throws Exception {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        assertThat(api.sendCode(national).status()).isEqualTo(200);
        String code = aliyun.lastCodeTo(national);
        server.dependencies().appDatabaseLink().cut();
        try {
            Answer refused = api.token(national, code);
            assertThat(refused.status()).as(refused.json().toString()).isEqualTo(503);
            assertThat(refused.error()).isEqualTo("temporarily_unavailable");
            assertThat(refused.json().toString()).doesNotContain("SQL");
            assertThat(usersWithPhone(admin.realm(realm), e164)).isEmpty();
        } finally {
            server.dependencies().appDatabaseLink().restore();
        }
        assertThat(loginRows(e164)).isZero();
        Thread.sleep(1100);
        assertThat(api.sendCode(national).status()).isEqualTo(200);
        Answer tokens = api.token(national, aliyun.lastCodeTo(national));
        assertThat(tokens.status()).as(tokens.json().toString()).isEqualTo(200);
        assertThat(loginRows(e164)).isEqualTo(1);
        assertThat(usersWithPhone(admin.realm(realm), e164)).hasSize(1);
    }

    // ---- helpers ----

    /**
     * A client of the test realm with direct access grants: public or confidential (secret {@code confidential-secret}),
     * its direct-grant flow overridden with {@code flowAlias} (the example realm's own is {@code sms direct grant}).
     */
    private static void createClient(String clientId, boolean publicClient, String flowAlias) {
        if (!admin.realm(realm).clients().findByClientId(clientId).isEmpty()) {
            return;
        }
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setPublicClient(publicClient);
        if (!publicClient) {
            client.setSecret("confidential-secret");
        }
        client.setStandardFlowEnabled(false);
        client.setDirectAccessGrantsEnabled(true);
        client.setDefaultClientScopes(List.of("basic", "phone", "profile"));
        client.setAuthenticationFlowBindingOverrides(Map.of("direct_grant", flowId(admin.realm(realm), flowAlias)));
        created(admin.realm(realm).clients().create(client));
    }

    private static String clientUuid(String clientId) {
        return admin.realm(realm).clients().findByClientId(clientId).get(0).getId();
    }

    private static EventRepresentation eventOf(String type, String userId) {
        return events(admin.realm(realm), type).stream().filter(e -> userId.equals(e.getUserId())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event of " + userId));
    }

    private static long loginRows(String identification) {
        return app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'P' AND identification = '" + identification + "'");
    }

    private static long appUserIdOf(String identification) {
        return app.count("SELECT user_id FROM user_login_method WHERE login_method = 'P' AND identification = '" + identification + "'");
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }
}
