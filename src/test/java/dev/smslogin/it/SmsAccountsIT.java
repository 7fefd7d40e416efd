package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeTencentSms;
import dev.smslogin.testing.FakeTwilio;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static dev.smslogin.it.AdminSteps.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Realms' own SMS accounts on the real Keycloak ({@code --features=declarative-ui}, a files-plaintext vault): each
 * realm's codes go out with its own credentials, a realm without accounts uses the server's, routes by destination
 * region, failover to the next account only when one is unavailable, one count in the limits whichever account
 * delivered, and secrets masked in what the admin console reads.
 */
class SmsAccountsIT {

    private static final String PAGE_TYPE = "org.keycloak.services.ui.extend.UiPageProvider";
    private static final String MASKED = "**********";

    private static FakeTencentSms tencent;
    private static FakeTwilio twilio;
    private static Path vault;
    private static KeycloakServer server;
    private static Keycloak admin;

    @BeforeAll
    static void start() throws Exception {
        tencent = FakeTencentSms.start();
        twilio = FakeTwilio.start();
        vault = Files.createDirectories(Path.of("target", "sms-accounts-vault").toAbsolutePath());
        // the server account stays Aliyun's; Tencent and Twilio are reached where the server admin says (realm
        // accounts cannot point Keycloak elsewhere)
        server = KeycloakServer.startWith("sms-accounts", List.of(
                "--features=declarative-ui",
                "--vault=file",
                "--vault-dir=" + vault,
                "--spi-sms-sender--tencent--endpoint=" + tencent.endpoint(),
                "--spi-sms-sender--tencent--protocol=http",
                "--spi-sms-sender--tencent--read-timeout-ms=2000",
                "--spi-sms-sender--twilio--endpoint=" + twilio.endpoint(),
                "--spi-sms-sender--twilio--protocol=http",
                "--spi-sms-sender--twilio--read-timeout-ms=2000"),
                List.of("-Djdk.net.hosts.file=" + FakeTencentSms.hostsFile(Path.of("target", "tencent-hosts")).toAbsolutePath()));
        admin = server.adminClient();
    }

    @AfterAll
    static void stop() {
        server.close();
        tencent.close();
        twilio.close();
    }

    @AfterEach
    void behave() {
        server.aliyun().behave();
        tencent.reset();
        twilio.reset();
    }

    @Test
    @DisplayName("two realms with their own Aliyun accounts (one secret read from the vault): each realm's code goes out with "
            + "its own key only; a realm without accounts sends with the server's; the number logs in")
    void eachRealmItsOwnAccount() throws Exception {
        String first = createExampleRealm(admin, Map.of());
        String second = createExampleRealm(admin, Map.of());
        String plain = createExampleRealm(admin, Map.of());
        server.aliyun().acceptAccount("firstRealmKey", "firstRealmSecret", "BrandOne", "SMS_100000001");
        server.aliyun().acceptAccount("secondRealmKey", "secondRealmSecret", "BrandTwo", "SMS_200000002");
        addAccount(first, "aliyun", "brand-one", Map.of("access-key-id", "firstRealmKey", "access-key-secret", "firstRealmSecret",
                "sign-name", "BrandOne", "template-code", "SMS_100000001"));
        Files.writeString(vault.resolve(second.replace("_", "__") + "_aliyun-secret"), "secondRealmSecret");
        addAccount(second, "aliyun", "brand-two", Map.of("access-key-id", "secondRealmKey", "access-key-secret", "${vault.aliyun-secret}",
                "sign-name", "BrandTwo", "template-code", "SMS_200000002"));

        assertThat(logIn(first)).satisfies(m -> {
            assertThat(m.accessKeyId()).isEqualTo("firstRealmKey");
            assertThat(m.signName()).isEqualTo("BrandOne");
        });
        assertThat(logIn(second)).satisfies(m -> {
            assertThat(m.accessKeyId()).isEqualTo("secondRealmKey");
            assertThat(m.signName()).isEqualTo("BrandTwo");
        });
        assertThat(logIn(plain).accessKeyId()).isEqualTo(FakeAliyunSms.ACCESS_KEY_ID);
        assertThat(server.aliyun().rejections()).isEmpty();
        assertThat(server.logText()).doesNotContain("firstRealmSecret").doesNotContain("secondRealmSecret");
    }

    @Test
    @DisplayName("one-tap sign-in checks the carrier's token with the realm's Aliyun account (its secret from the vault), not the "
            + "server's: refused while Aliyun does not know that account (503, nothing signed in), signed in once it does")
    void oneTapWithTheRealmsAliyunAccount() throws Exception {
        String realm = createExampleRealm(admin, Map.of("oneTap", "true"));
        Files.writeString(vault.resolve(realm.replace("_", "__") + "_pnvs-secret"), "oneTapRealmSecret");
        addAccount(realm, "aliyun", "mainland", Map.of("access-key-id", "oneTapRealmKey", "access-key-secret", "${vault.pnvs-secret}",
                "sign-name", "Mainland", "template-code", "SMS_400000004"));
        NativeApp api = new NativeApp(server, realm);
        String national = Phones.newNational();

        NativeApp.Answer unknownAccount = OneTapIT.oneTap(api, NativeApp.CLIENT_ID, server.pnvs().issue(national));
        assertThat(unknownAccount.status()).as(unknownAccount.json().toString()).isEqualTo(503);
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(national))).isEmpty();

        server.pnvs().acceptAccount("oneTapRealmKey", "oneTapRealmSecret");
        NativeApp.Answer tokens = OneTapIT.oneTap(api, NativeApp.CLIENT_ID, server.pnvs().issue(national));
        assertThat(tokens.status()).as(tokens.json().toString()).isEqualTo(200);
        assertThat(NativeApp.idToken(tokens).get("phone_number").asText()).isEqualTo(Phones.e164(national));
        assertThat(server.logText()).doesNotContain("oneTapRealmSecret");
    }

    @Test
    @DisplayName("routes: a mainland number through the realm's Aliyun account, a US number through its Twilio account")
    void routesByRegion() throws Exception {
        String realm = createExampleRealm(admin, Map.of("allowedRegions", "CN,US"));
        server.aliyun().acceptAccount("routeKey", "routeSecret", "Mainland", "SMS_300000003");
        twilio.acceptAccount("AC00000000000000000000000000000777", "routeToken");
        addAccount(realm, "aliyun", "mainland", Map.of("regions", "CN", "access-key-id", "routeKey", "access-key-secret", "routeSecret",
                "sign-name", "Mainland", "template-code", "SMS_300000003"));
        addAccount(realm, "twilio", "world", Map.of("regions", "*", "account-sid", "AC00000000000000000000000000000777",
                "auth-token", "routeToken", "from", "+15005550006"));

        assertThat(logIn(realm).accessKeyId()).isEqualTo("routeKey");
        String us = "+1628" + (2_000_000 + ThreadLocalRandom.current().nextInt(7_000_000));
        Browser browser = new Browser(server);
        Page codePage = UserSteps.submitPhone(browser, realm, us);
        Page done = UserSteps.submitCode(browser, codePage, twilio.lastCodeTo(us));
        assertThat(UserSteps.idToken(browser.tokens(done)).get("sub").asText()).isNotBlank();
        assertThat(twilio.lastMessageTo(us).accountSid()).isEqualTo("AC00000000000000000000000000000777");
        assertThat(server.aliyun().messagesTo(us)).isEmpty();
    }

    @Test
    @DisplayName("failover: Aliyun down (503), the same request's code arrives through the realm's Tencent account and logs in; "
            + "it counted once (a one-a-day number is refused its second code); a number Aliyun refuses is not tried elsewhere")
    void failsOverOnlyWhenUnavailable() throws Exception {
        String realm = createExampleRealm(admin, Map.of("maxSendsPerPhonePerDay", "1", "maxSendsPerPhonePerHour", "1"));
        server.aliyun().acceptAccount("failKey", "failSecret", "First", "SMS_400000004");
        tencent.acceptAccount("AKIDrealmSecretId00000000000000000", "realmSecretKey0000000000000000000");
        addAccount(realm, "aliyun", "first", Map.of("regions", "CN", "priority", "0", "access-key-id", "failKey",
                "access-key-secret", "failSecret", "sign-name", "First", "template-code", "SMS_400000004"));
        addAccount(realm, "tencent", "second", Map.of("regions", "CN", "priority", "1", "secret-id", "AKIDrealmSecretId00000000000000000",
                "secret-key", "realmSecretKey0000000000000000000", "sdk-app-id", FakeTencentSms.SDK_APP_ID,
                "sign-name", FakeTencentSms.SIGN_NAME, "template-id", FakeTencentSms.TEMPLATE_ID));

        server.aliyun().misbehave(FakeAliyunSms.Misbehaviour.httpError(503));
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page codePage = UserSteps.submitPhone(browser, realm, national);
        assertThat(codePage.isCodePage()).as(codePage.text()).isTrue();
        String code = tencent.lastCodeTo(Phones.e164(national));
        assertThat(tencent.lastMessageTo(Phones.e164(national)).secretId()).isEqualTo("AKIDrealmSecretId00000000000000000");
        Page done = UserSteps.submitCode(browser, codePage, code);
        assertThat(UserSteps.idToken(browser.tokens(done)).get("sub").asText()).isNotBlank();
        assertThat(tencent.messagesTo(Phones.e164(national))).hasSize(1);

        UserSteps.submitPhone(new Browser(server), realm, national);
        assertThat(tencent.messagesTo(Phones.e164(national))).as("no second code the same day").hasSize(1);
        assertThat(server.aliyun().messagesTo(national)).isEmpty();

        server.aliyun().misbehave(FakeAliyunSms.Misbehaviour.businessError("isv.MOBILE_NUMBER_ILLEGAL", "invalid mobile number"));
        String refused = Phones.newNational();
        Page refusedPage = UserSteps.submitPhone(new Browser(server), realm, refused);
        assertThat(refusedPage.isCodePage()).isFalse();
        assertThat(tencent.messagesTo(Phones.e164(refused))).as("a refusal about the number is not retried elsewhere").isEmpty();
        assertThat(metrics()).anyMatch(line -> line.startsWith("sms_login_account_sends_total{") && line.contains("account=\"first\"")
                && line.contains("result=\"failed_over\"") && line.contains("region=\"CN\""));
    }

    @Test
    @DisplayName("the admin console reads a plain secret masked and a vault reference as it is; an account that cannot send is not saved")
    void secretsAreMasked() throws Exception {
        String realm = createExampleRealm(admin, Map.of());
        addAccount(realm, "aliyun", "masked", Map.of("access-key-id", "maskedKey", "access-key-secret", "plainSecretValue",
                "sign-name", "Masked", "template-code", "SMS_500000005"));
        addAccount(realm, "tencent", "vaulted", Map.of("secret-id", "AKIDvaulted", "secret-key", "${vault.tencent-key}",
                "sdk-app-id", "1400000000", "sign-name", "Vaulted", "template-id", "100"), 400);
        Files.writeString(vault.resolve(realm.replace("_", "__") + "_tencent-key"), "vaultedKey");
        addAccount(realm, "tencent", "vaulted", Map.of("secret-id", "AKIDvaulted", "secret-key", "${vault.tencent-key}",
                "sdk-app-id", "1400000000", "sign-name", "Vaulted", "template-id", "100"));
        addAccount(realm, "aliyun", "incomplete", Map.of("access-key-id", "only"), 400);

        List<ComponentRepresentation> components = admin.realm(realm).components().query(null, PAGE_TYPE);
        Map<String, MultivaluedHashMap<String, String>> byName = new LinkedHashMap<>();
        components.forEach(component -> byName.put(component.getName(), component.getConfig()));
        assertThat(byName).containsOnlyKeys("masked", "vaulted");
        assertThat(byName.get("masked").getFirst("access-key-secret")).isEqualTo(MASKED);
        assertThat(byName.get("masked").getFirst("access-key-id")).isEqualTo("maskedKey");
        assertThat(byName.get("vaulted").getFirst("secret-key")).isEqualTo("${vault.tencent-key}");
        assertThat(json(components)).doesNotContain("plainSecretValue");
    }

    /** One login of a new mainland number in {@code realm}; the message Aliyun received. */
    private static FakeAliyunSms.Message logIn(String realm) {
        String national = Phones.newNational();
        UserSteps.logIn(server, realm, national);
        List<FakeAliyunSms.Message> messages = server.aliyun().messagesTo(national);
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    private static void addAccount(String realm, String service, String name, Map<String, String> settings) throws Exception {
        addAccount(realm, service, name, settings, 201);
    }

    private static void addAccount(String realm, String service, String name, Map<String, String> settings, int status) throws Exception {
        ComponentRepresentation component = new ComponentRepresentation();
        component.setName(name);
        component.setProviderId("sms-account-" + service);
        component.setProviderType(PAGE_TYPE);
        component.setParentId(admin.realm(realm).toRepresentation().getId());
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        settings.forEach(config::putSingle);
        component.setConfig(config);
        try (Response answer = admin.realm(realm).components().add(component)) {
            assertThat(answer.getStatus()).as(answer.readEntity(String.class)).isEqualTo(status);
        }
    }

    private static List<String> metrics() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        return response.body().lines().toList();
    }
}
