package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;

import static dev.smslogin.it.AdminSteps.authenticatorApp;
import static dev.smslogin.it.AdminSteps.createClient;
import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.created;
import static dev.smslogin.it.AdminSteps.failures;
import static dev.smslogin.it.AdminSteps.flowId;
import static dev.smslogin.it.FlowJson.step;
import static dev.smslogin.it.FlowJson.subflow;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Second review, finding 8: an SMS login records the credential type {@code phone-number}, not {@code otp}, so
 * Keycloak's "Condition - credential" sees that no OTP was used and a conditional OTP after an SMS-only login is
 * asked; wrong codes still count in Keycloak's brute-force protection and a login by SMS still clears them.
 */
class SmsCredentialTypeIT {

    static final String BROWSER_FLOW = "sms then otp unless used";
    static final String BROWSER_CLIENT = "sms-otp-unless-used-app";
    static final String DIRECT_GRANT_FLOW = "sms direct grant then otp unless used";
    static final String DIRECT_GRANT_CLIENT = "native-otp-unless-used-app";
    /** The authenticator app's secret, as Keycloak stores it (the HMAC key is its bytes). */
    static final String TOTP_SECRET = "JBSWY3DPEHPK3PXP";

    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static String realm;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
        Map<String, String> limits = Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1");
        Map<String, String> smsSettings = new HashMap<>(limits);
        smsSettings.put("maxSendsPerPhonePerHour", "20");
        smsSettings.put("maxSendsPerPhonePerDay", "20");
        FlowJson flows = FlowJson.ofExampleRealm()
                // Keycloak's "Condition - credential": true when none of the listed credential types was used so far
                .config("otp not used", Map.of("credentials", "otp", "included", "false"))
                .flow(BROWSER_FLOW, step("auth-cookie", "ALTERNATIVE"), subflow("sms forms", "ALTERNATIVE"))
                .subflowDefinition("sms forms", step("sms-login", "REQUIRED", "sms-login"), subflow("otp unless used", "CONDITIONAL"))
                .subflowDefinition("otp unless used",
                        step("conditional-credential", "REQUIRED", "otp not used"), step("auth-otp-form", "REQUIRED"))
                .flow(DIRECT_GRANT_FLOW, step("sms-login-direct-grant", "REQUIRED", "sms-login-direct-grant"),
                        subflow("direct grant otp unless used", "CONDITIONAL"))
                .subflowDefinition("direct grant otp unless used",
                        step("conditional-credential", "REQUIRED", "otp not used"), step("direct-grant-validate-otp", "REQUIRED"));
        Map<String, Object> settings = new HashMap<>(flows.realmSettings());
        // the flows' copy of the example realm's SMS settings replaces the one createRealm adjusts: adjust it here
        for (JsonNode config : (ArrayNode) settings.get("authenticatorConfig")) {
            if (config.get("alias").asText().startsWith("sms-login")) {
                smsSettings.forEach(((ObjectNode) config.get("config"))::put);
            }
        }
        realm = createExampleRealm(admin, smsSettings, settings);
        createClient(admin.realm(realm), BROWSER_CLIENT, BROWSER_FLOW);
        ClientRepresentation directGrant = PasswordResetIT.tokenClient(DIRECT_GRANT_CLIENT);
        directGrant.setAuthenticationFlowBindingOverrides(Map.of("direct_grant", flowId(admin.realm(realm), DIRECT_GRANT_FLOW)));
        created(admin.realm(realm).clients().create(directGrant));
    }

    @AfterAll
    static void drop() {
        admin.realm(realm).remove();
    }

    @Test
    @DisplayName("browser: after the SMS code, a user with an authenticator app is asked for it by a subflow conditioned on"
            + " \"no OTP used\"; the right TOTP logs in")
    void conditionalOtpIsAskedAfterAnSmsLogin() throws Exception {
        String national = Phones.newNational();
        userWithNumberAndTotp(national);
        Browser browser = new Browser(server);
        Page codePage = browser.submit(browser.startLogin(realm, BROWSER_CLIENT), Map.of("phone_number", national), null);
        Page afterCode = UserSteps.submitCode(browser, codePage, aliyun.lastCodeTo(national));

        assertThat(afterCode.isRedirectToClient()).as("the SMS code alone must not log in: the OTP was not used yet").isFalse();
        assertThat(afterCode.document().select("input[name=otp]")).as("the OTP form: " + afterCode.text()).hasSize(1);
        Page done = browser.submit(afterCode, Map.of("otp", totp()), null);
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
    }

    @Test
    @DisplayName("direct grant: phone_number and code alone get no tokens when the flow asks for an OTP not used yet;"
            + " with the TOTP they do")
    void conditionalOtpIsAskedAfterAnSmsDirectGrant() throws Exception {
        String national = Phones.newNational();
        userWithNumberAndTotp(national);
        NativeApp api = new NativeApp(server, realm);
        assertThat(api.sendCode(DIRECT_GRANT_CLIENT, national).status()).isEqualTo(200);
        String code = aliyun.lastCodeTo(national);

        NativeApp.Answer withoutOtp = api.token(DIRECT_GRANT_CLIENT, national, code);
        assertThat(withoutOtp.status()).as("no tokens without the OTP: " + withoutOtp.json()).isNotEqualTo(200);

        Thread.sleep(1100);    // the resend cooldown
        assertThat(api.sendCode(DIRECT_GRANT_CLIENT, national).status()).isEqualTo(200);
        NativeApp.Answer withOtp = api.post(api.tokenUrl(), NativeApp.form("grant_type", "password", "client_id", DIRECT_GRANT_CLIENT,
                "scope", "openid", "phone_number", national, "code", aliyun.lastCodeTo(national), "totp", totp()), Map.of());
        assertThat(withOtp.status()).as(withOtp.json().toString()).isEqualTo(200);
    }

    @Test
    @DisplayName("direct grant without an OTP step: a wrong code counts in Keycloak's brute-force protection; the right code"
            + " clears the count, as an OTP login does")
    void directGrantCountsWrongCodesAndClearsThemOnSuccess() throws Exception {
        String national = Phones.newNational();
        NativeApp api = new NativeApp(server, realm);
        assertThat(api.sendCode(national).status()).isEqualTo(200);
        NativeApp.Answer signedUp = api.token(national, aliyun.lastCodeTo(national));
        assertThat(signedUp.status()).as(signedUp.json().toString()).isEqualTo(200);
        String userId = NativeApp.idToken(signedUp).get("sub").asText();

        Thread.sleep(1100);
        assertThat(api.sendCode(national).status()).isEqualTo(200);
        String right = aliyun.lastCodeTo(national);
        assertThat(api.token(national, right.equals("000000") ? "111111" : "000000").error()).isEqualTo("invalid_grant");
        assertThat(awaitFailures(userId, n -> n == 1)).as("the wrong code counted").isEqualTo(1);

        assertThat(api.token(national, right).status()).isEqualTo(200);
        assertThat(awaitFailures(userId, n -> n == 0)).as("the right code cleared the count").isZero();
    }

    // ---- steps ----

    /** A user (no password) with the verified number {@code national} and an authenticator app (TOTP). */
    static String userWithNumberAndTotp(String national) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername("totp-" + UUID.randomUUID().toString().substring(0, 8));
        user.setEnabled(true);
        user.singleAttribute("phoneNumber", Phones.e164(national));
        user.singleAttribute("phoneNumberVerified", "true");
        user.setCredentials(List.of(authenticatorApp(TOTP_SECRET)));
        created(admin.realm(realm).users().create(user));
        return user.getUsername();
    }

    /** The authenticator app's current code (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits). */
    static String totp() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TOTP_SECRET.getBytes(StandardCharsets.US_ASCII), "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(System.currentTimeMillis() / 1000 / 30).array());
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }

    private static int awaitFailures(String userId, IntPredicate expected) throws InterruptedException {
        int failures = -1;
        for (int i = 0; i < 50; i++) {
            failures = failures(admin.realm(realm), userId);
            if (expected.test(failures)) {
                break;
            }
            Thread.sleep(100);
        }
        return failures;
    }
}
