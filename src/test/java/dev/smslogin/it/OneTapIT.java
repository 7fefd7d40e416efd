package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.smslogin.it.NativeApp.Answer;
import dev.smslogin.testing.FakeAliyunPnvs;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeVendorApi.Misbehaviour;
import dev.smslogin.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.smslogin.it.AdminSteps.authenticatorApp;
import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.created;
import static dev.smslogin.it.AdminSteps.detail;
import static dev.smslogin.it.AdminSteps.events;
import static dev.smslogin.it.AdminSteps.flowId;
import static dev.smslogin.it.AdminSteps.user;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One-tap sign-in ("本机号码一键登录") through the native-app API on the real Keycloak, Redis, MariaDB and
 * {@link FakeAliyunPnvs} (Aliyun's Phone Number Verification Service): the token endpoint ({@code grant_type=password})
 * with {@code carrier_token}, the one-click SDK's token, through the {@code sms-login-direct-grant} step whose
 * {@code oneTap} setting is on. The server's {@code one-tap-*} options point at the fake ({@link KeycloakServer}), which
 * knows the server's Aliyun SMS keys: the realms have no Aliyun account of their own, so
 * Keycloak uses them. The example realm's {@code demo-native-app} is the client.
 */
class OneTapIT {

    /** KeycloakServer's {@code one-tap-timeout-ms}. */
    static final int TIMEOUT_MS = 1000;

    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static FakeAliyunPnvs pnvs;
    static TestDatabase app;
    static String realm;
    static NativeApp api;

    @BeforeAll
    static void start() throws Exception {
        server = KeycloakServer.get();
        pnvs = server.pnvs();
        admin = server.adminClient();
        aliyun = server.aliyun();
        app = server.appDatabase();
        realm = createExampleRealm(admin, oneTapSettings(Map.of()));
        api = new NativeApp(server, realm);
    }

    @AfterAll
    static void drop() {
        if (realm != null) {
            admin.realm(realm).remove();
        }
    }

    @BeforeEach
    void reset() {
        pnvs.reset();
    }

    /** The SMS steps' settings with one-tap on, pointed at the fake, and {@code more}. */
    static Map<String, String> oneTapSettings(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of("resendCooldownSeconds", "1", "maxSendsPerIpPerHour", "10000",
                "oneTap", "true"));
        settings.putAll(more);
        return settings;
    }

    static Answer oneTap(NativeApp client, String clientId, String token, String... more) {
        String[] fields = new String[8 + more.length];
        System.arraycopy(new String[]{"grant_type", "password", "client_id", clientId, "scope", "openid", "carrier_token", token}, 0, fields, 0, 8);
        System.arraycopy(more, 0, fields, 8, more.length);
        return client.post(client.tokenUrl(), NativeApp.form(fields), Map.of());
    }

    static Answer oneTap(String token, String... more) {
        return oneTap(api, NativeApp.CLIENT_ID, token, more);
    }

    @Test
    @DisplayName("a new SIM's number signs up with one tap (tokens carry phone_number, REGISTER and LOGIN with phone_proof carrier, one "
            + "MySQL row); a later tap signs the same user in; the number and the token appear in no log line")
    void signUpThenReturn() {
        String national = Phones.newNational();
        String e164 = Phones.e164(national);
        String token = pnvs.issue(national);
        Answer tokens = oneTap(token);
        assertThat(tokens.status()).as(tokens.json().toString()).isEqualTo(200);
        assertThat(tokens.json().get("refresh_token").asText()).isNotEmpty();
        JsonNode claims = NativeApp.idToken(tokens);
        assertThat(claims.get("phone_number").asText()).isEqualTo(e164);
        assertThat(claims.get("phone_number_verified").asBoolean()).isTrue();
        String sub = claims.get("sub").asText();
        assertThat(pnvs.calls(FakeAliyunPnvs.GET_MOBILE)).isEqualTo(1);
        assertThat(pnvs.rejections()).as("every call signed as Aliyun checks it").isEmpty();
        assertThat(aliyun.messagesTo(national)).as("no SMS").isEmpty();

        EventRepresentation register = eventOf(realm, "REGISTER", sub);
        assertThat(register.getClientId()).isEqualTo(NativeApp.CLIENT_ID);
        assertThat(detail(register, "register_method")).isEqualTo("sms-login-direct-grant");
        assertThat(detail(register, "phone_number")).isEqualTo("+86139****" + national.substring(7));
        EventRepresentation login = eventOf(realm, "LOGIN", sub);
        assertThat(detail(login, "phone_proof")).isEqualTo("carrier");
        assertThat(detail(login, "phone_number")).isEqualTo("+86139****" + national.substring(7));
        assertThat(loginRows(e164)).isEqualTo(1);
        UserRepresentation user = user(admin, realm, sub);
        assertThat(user.firstAttribute("appUserId")).isEqualTo(String.valueOf(appUserIdOf(e164)));
        assertThat(user.firstAttribute("phoneNumberVerified")).isEqualTo("true");

        Answer again = oneTap(pnvs.issue(national));
        assertThat(again.status()).as(again.json().toString()).isEqualTo(200);
        assertThat(NativeApp.idToken(again).get("sub").asText()).isEqualTo(sub);
        assertThat(usersWithPhone(admin.realm(realm), e164)).hasSize(1);
        assertThat(events(admin.realm(realm), "REGISTER").stream().filter(e -> sub.equals(e.getUserId()))).hasSize(1);
        assertThat(loginRows(e164)).isEqualTo(1);

        assertThat(server.logText()).doesNotContain(e164).doesNotContain(national).doesNotContain(token);
    }

    @Test
    @DisplayName("VerifyMobile: phone_number beside the token signs in on PASS only; REJECT and UNKNOWN answer invalid_grant telling the "
            + "app to fall back to an SMS code, and sign nobody up")
    void verifyMobile() {
        String national = Phones.newNational();
        Answer pass = oneTap(pnvs.issue(national), "phone_number", national);
        assertThat(pass.status()).as(pass.json().toString()).isEqualTo(200);
        assertThat(NativeApp.idToken(pass).get("phone_number").asText()).isEqualTo(Phones.e164(national));
        assertThat(pnvs.calls(FakeAliyunPnvs.VERIFY_MOBILE)).isEqualTo(1);
        assertThat(pnvs.calls(FakeAliyunPnvs.GET_MOBILE)).as("the typed number is checked, not fetched").isZero();

        String other = Phones.newNational();
        Answer reject = oneTap(pnvs.issue(national), "phone_number", other);
        assertThat(reject.status()).as(reject.json().toString()).isEqualTo(400);
        assertThat(reject.error()).isEqualTo("invalid_grant");
        assertThat(reject.json().get("error_description").asText()).contains("REJECT").contains("SMS code");
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(other))).isEmpty();

        Answer unknown = oneTap(pnvs.issueUnknown(), "phone_number", other);
        assertThat(unknown.status()).as(unknown.json().toString()).isEqualTo(400);
        assertThat(unknown.error()).isEqualTo("invalid_grant");
        assertThat(unknown.json().get("error_description").asText()).contains("UNKNOWN").contains("SMS code");
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(other))).isEmpty();
        assertThat(loginRows(Phones.e164(other))).isZero();

        Answer sms = smsLogin(api, NativeApp.CLIENT_ID, other);
        assertThat(sms.status()).as("the fallback: " + sms.json()).isEqualTo(200);
    }

    @Test
    @DisplayName("a token is used once: shown again by the same client it is refused by Keycloak without asking Aliyun; a made-up token "
            + "is refused by Aliyun; both invalid_grant")
    void replayedToken() {
        String national = Phones.newNational();
        String token = pnvs.issue(national);
        assertThat(oneTap(token).status()).isEqualTo(200);
        Answer replay = oneTap(token);
        assertThat(replay.status()).as(replay.json().toString()).isEqualTo(400);
        assertThat(replay.error()).isEqualTo("invalid_grant");
        assertThat(replay.json().get("error_description").asText()).contains("already used");
        assertThat(pnvs.requests()).as("Keycloak refused the replay itself").isEqualTo(1);

        Answer forged = oneTap(FakeAliyunPnvs.forged());
        assertThat(forged.status()).as(forged.json().toString()).isEqualTo(400);
        assertThat(forged.error()).isEqualTo("invalid_grant");
        assertThat(pnvs.requests()).isEqualTo(2);
        assertThat(events(admin.realm(realm), "LOGIN_ERROR")).anySatisfy(e -> assertThat(detail(e, "reason")).isEqualTo("carrier_token_used"))
                .anySatisfy(e -> assertThat(detail(e, "reason")).isEqualTo("isv.TOKEN_INVALID"));
    }

    @Test
    @DisplayName("a token is bound to the client that showed it: shown by another client it is refused (invalid_grant) without asking Aliyun")
    void tokenOfAnotherClient() {
        createClient("second-native-app");
        String national = Phones.newNational();
        String token = pnvs.issue(national);
        assertThat(oneTap(token).status()).isEqualTo(200);
        Answer other = oneTap(api, "second-native-app", token);
        assertThat(other.status()).as(other.json().toString()).isEqualTo(400);
        assertThat(other.error()).isEqualTo("invalid_grant");
        assertThat(other.json().get("error_description").asText()).contains("another client");
        assertThat(pnvs.requests()).isEqualTo(1);

        Answer own = oneTap(api, "second-native-app", pnvs.issue(national));
        assertThat(own.status()).as("the second client's own token: " + own.json()).isEqualTo(200);
    }

    @Test
    @DisplayName("the carrier's number passes the flow's region rule: a realm that allows only Hong Kong numbers refuses a mainland SIM "
            + "(invalid_grant) and signs nobody up")
    void carrierNumberOutsideAllowedRegions() {
        String hk = createExampleRealm(admin, oneTapSettings(Map.of("defaultRegion", "HK", "allowedRegions", "HK")));
        try {
            String national = Phones.newNational();
            Answer refused = oneTap(new NativeApp(server, hk), NativeApp.CLIENT_ID, pnvs.issue(national));
            assertThat(refused.status()).as(refused.json().toString()).isEqualTo(400);
            assertThat(refused.error()).isEqualTo("invalid_grant");
            assertThat(refused.json().get("error_description").asText()).contains("region");
            assertThat(usersWithPhone(admin.realm(hk), Phones.e164(national))).isEmpty();
            assertThat(loginRows(Phones.e164(national))).isZero();
        } finally {
            admin.realm(hk).remove();
        }
    }

    @Test
    @DisplayName("a holder with a second factor (an authenticator app) in a flow that asks for it: one tap gets the same answer as a right "
            + "SMS code (invalid_grant, no tokens)")
    void holderWithSecondFactor() throws Exception {
        ArrayNode flows = (ArrayNode) KeycloakAdmin.JSON.readTree(Files.readString(Path.of("examples/realm-sms-demo.json"))).get("authenticationFlows");
        flows.add(KeycloakAdmin.JSON.readTree("""
                {"alias": "sms then otp", "providerId": "basic-flow", "topLevel": true, "builtIn": false,
                 "authenticationExecutions": [
                   {"authenticator": "sms-login-direct-grant", "authenticatorConfig": "sms-login-direct-grant",
                    "requirement": "REQUIRED", "priority": 10, "authenticatorFlow": false, "userSetupAllowed": false},
                   {"flowAlias": "otp if configured", "requirement": "CONDITIONAL", "priority": 20, "authenticatorFlow": true,
                    "userSetupAllowed": false}]}"""));
        flows.add(KeycloakAdmin.JSON.readTree("""
                {"alias": "otp if configured", "providerId": "basic-flow", "topLevel": false, "builtIn": false,
                 "authenticationExecutions": [
                   {"authenticator": "conditional-user-configured", "requirement": "REQUIRED", "priority": 10,
                    "authenticatorFlow": false, "userSetupAllowed": false},
                   {"authenticator": "direct-grant-validate-otp", "requirement": "REQUIRED", "priority": 20,
                    "authenticatorFlow": false, "userSetupAllowed": false}]}"""));
        String mfa = createExampleRealm(admin, oneTapSettings(Map.of()), Map.of("authenticationFlows", flows, "directGrantFlow", "sms then otp"));
        try {
            NativeApp client = new NativeApp(server, mfa);
            String national = Phones.newNational();
            UserRepresentation holder = new UserRepresentation();
            holder.setUsername("mfa-" + UUID.randomUUID().toString().substring(0, 8));
            holder.setEnabled(true);
            holder.singleAttribute("phoneNumber", Phones.e164(national));
            holder.singleAttribute("phoneNumberVerified", "true");
            holder.setCredentials(List.<CredentialRepresentation>of(authenticatorApp("JBSWY3DPEHPK3PXP")));
            created(admin.realm(mfa).users().create(holder));

            Answer byCode = smsLogin(client, NativeApp.CLIENT_ID, national);
            Answer byTap = oneTap(client, NativeApp.CLIENT_ID, pnvs.issue(national));
            assertThat(byCode.status()).as(byCode.json().toString()).isEqualTo(400);
            assertThat(byTap.status()).as(byTap.json().toString()).isEqualTo(byCode.status());
            assertThat(byTap.error()).isEqualTo(byCode.error()).isEqualTo("invalid_grant");
            assertThat(byTap.json().has("access_token")).isFalse();

            String newcomer = Phones.newNational();
            Answer without = oneTap(client, NativeApp.CLIENT_ID, pnvs.issue(newcomer));
            assertThat(without.status()).as("a number without a second factor signs in: " + without.json()).isEqualTo(200);
        } finally {
            admin.realm(mfa).remove();
        }
    }

    @Test
    @DisplayName("Aliyun down, slower than one-tap-timeout-ms, or refusing the account: 503 temporarily_unavailable within the timeout, and the "
            + "SMS code path works meanwhile; back up, the same token signs in (no restart)")
    void serviceDown() {
        String national = Phones.newNational();
        String token = pnvs.issue(national);
        pnvs.misbehave(FakeAliyunPnvs.down());
        Answer down = oneTap(token);
        assertThat(down.status()).as(down.json().toString()).isEqualTo(503);
        assertThat(down.error()).isEqualTo("temporarily_unavailable");
        assertThat(down.json().get("error_description").asText()).contains("SMS code");
        assertThat(down.response().body()).doesNotContain("Exception").doesNotContain("at dev.");

        pnvs.misbehave(FakeAliyunPnvs.errorCode("isv.RAM_PERMISSION_DENY"));
        Answer denied = oneTap(token);
        assertThat(denied.status()).as(denied.json().toString()).isEqualTo(503);

        // a slow answer still uses its token at Aliyun once it comes, after Keycloak gave up: a token of its own
        pnvs.misbehave(Misbehaviour.slow(Duration.ofMillis(TIMEOUT_MS * 3L)));
        long start = System.nanoTime();
        Answer slow = oneTap(pnvs.issue(Phones.newNational()));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(slow.status()).as(slow.json().toString()).isEqualTo(503);
        assertThat(slow.error()).isEqualTo("temporarily_unavailable");
        assertThat(tookMs).as("answered within the timeout").isLessThan(TIMEOUT_MS * 2L + 500);

        String smsNumber = Phones.newNational();
        Answer sms = smsLogin(api, NativeApp.CLIENT_ID, smsNumber);
        assertThat(sms.status()).as("the SMS fallback while Aliyun's verification is down: " + sms.json()).isEqualTo(200);

        pnvs.behave();
        Answer back = oneTap(token);
        assertThat(back.status()).as("the same token once Aliyun is back: " + back.json()).isEqualTo(200);
        assertThat(NativeApp.idToken(back).get("phone_number").asText()).isEqualTo(Phones.e164(national));
        assertThat(server.logText()).doesNotContain(token);
    }

    @Test
    @DisplayName("one client IP's one-tap attempts per hour are held to maxSendsPerIpPerHour: past it 429 slow_down with Retry-After, "
            + "Aliyun not asked")
    void attemptsPerClientIp() {
        String limited = createExampleRealm(admin, oneTapSettings(Map.of("maxSendsPerIpPerHour", "3")));
        try {
            NativeApp client = new NativeApp(server, limited);
            for (int i = 0; i < 3; i++) {
                Answer tap = oneTap(client, NativeApp.CLIENT_ID, pnvs.issue(Phones.newNational()));
                assertThat(tap.status()).as(tap.json().toString()).isEqualTo(200);
            }
            Answer over = oneTap(client, NativeApp.CLIENT_ID, pnvs.issue(Phones.newNational()));
            assertThat(over.status()).as(over.json().toString()).isEqualTo(429);
            assertThat(over.error()).isEqualTo("slow_down");
            assertThat(Long.parseLong(over.header("Retry-After"))).isPositive();
            assertThat(pnvs.calls(FakeAliyunPnvs.GET_MOBILE)).isEqualTo(3);
        } finally {
            admin.realm(limited).remove();
        }
    }

    @Test
    @DisplayName("oneTap off (the default): carrier_token is refused (invalid_request naming the setting), Aliyun is not asked, and the SMS "
            + "code path of the same flow works")
    void offByDefault() {
        String plain = createExampleRealm(admin, Map.of("resendCooldownSeconds", "1", "maxSendsPerIpPerHour", "10000"));
        try {
            NativeApp client = new NativeApp(server, plain);
            Answer refused = oneTap(client, NativeApp.CLIENT_ID, pnvs.issue(Phones.newNational()));
            assertThat(refused.status()).as(refused.json().toString()).isEqualTo(400);
            assertThat(refused.error()).isEqualTo("invalid_request");
            assertThat(refused.json().get("error_description").asText()).contains("oneTap");
            assertThat(pnvs.requests()).isZero();
            assertThat(smsLogin(client, NativeApp.CLIENT_ID, Phones.newNational()).status()).isEqualTo(200);
        } finally {
            admin.realm(plain).remove();
        }
    }

    /** The SMS code path of the native-app API: a code sent to {@code national}, then tokens with it. */
    static Answer smsLogin(NativeApp client, String clientId, String national) {
        Answer sent = client.sendCode(clientId, national);
        assertThat(sent.status()).as(sent.json().toString()).isEqualTo(200);
        return client.token(clientId, national, aliyun.lastCodeTo(national));
    }

    private static void createClient(String clientId) {
        if (!admin.realm(realm).clients().findByClientId(clientId).isEmpty()) {
            return;
        }
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setPublicClient(true);
        client.setStandardFlowEnabled(false);
        client.setDirectAccessGrantsEnabled(true);
        client.setDefaultClientScopes(List.of("basic", "phone", "profile"));
        client.setAuthenticationFlowBindingOverrides(Map.of("direct_grant", flowId(admin.realm(realm), "sms direct grant")));
        created(admin.realm(realm).clients().create(client));
    }

    private static EventRepresentation eventOf(String realmName, String type, String userId) {
        return events(admin.realm(realmName), type).stream().filter(e -> userId.equals(e.getUserId())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event of " + userId));
    }

    private static long loginRows(String identification) {
        return app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'P' AND identification = '" + identification + "'");
    }

    private static long appUserIdOf(String identification) {
        return app.count("SELECT user_id FROM user_login_method WHERE login_method = 'P' AND identification = '" + identification + "'");
    }
}
