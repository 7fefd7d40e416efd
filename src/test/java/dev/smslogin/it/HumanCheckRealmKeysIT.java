package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import dev.smslogin.testing.FakeGeetestCaptcha;
import jakarta.ws.rs.core.Response;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.json;
import static dev.smslogin.it.AdminSteps.refusal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A realm's own CAPTCHA keys ({@code human-check-geetest} page, {@code --features=declarative-ui}, a files-plaintext
 * vault) on the real Keycloak, its GeeTest options pointing at the local GeeTest ({@link FakeGeetestCaptcha}), which
 * knows the server's captcha id and the realms' own: a realm with keys checks with them, one without with the server's;
 * a vault reference, masking, refusals, a change of keys without a restart, and keys that stay in their realm.
 */
class HumanCheckRealmKeysIT {

    private static final String PAGE_TYPE = "org.keycloak.services.ui.extend.UiPageProvider";
    private static final String PAGE = "human-check-geetest";
    private static final String MASKED = "**********";
    private static final String REFUSED = "Please complete the verification before we send a code.";
    private static final String UNAVAILABLE = "Sign-in by text message is temporarily unavailable. Try again in a moment.";

    private static FakeGeetestCaptcha geetest;
    private static Path vault;
    private static KeycloakServer server;
    private static Keycloak admin;
    private static FakeAliyunSms aliyun;

    @BeforeAll
    static void start() throws Exception {
        geetest = FakeGeetestCaptcha.start();
        vault = Files.createDirectories(Path.of("target", "human-check-keys-vault").toAbsolutePath());
        server = KeycloakServer.startWith("human-check-keys", List.of(
                "--features=declarative-ui",
                "--vault=file",
                "--vault-dir=" + vault,
                "--spi-sms-human-check--geetest--captcha-id=" + FakeGeetestCaptcha.CAPTCHA_ID,
                "--spi-sms-human-check--geetest--captcha-key=" + FakeGeetestCaptcha.CAPTCHA_KEY,
                "--spi-sms-human-check--geetest--verify-url=" + geetest.verifyUrl(),
                "--spi-sms-human-check--geetest--script-url=" + geetest.scriptUrl(),
                "--spi-sms-human-check--geetest--timeout-ms=1000"), List.of());
        admin = server.adminClient();
        aliyun = server.aliyun();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (geetest != null) {
            geetest.close();
        }
    }

    @AfterEach
    void behave() {
        geetest.reset();
    }

    /** A captcha id GeeTest knows, with its key: a realm's own GeeTest account. */
    private static String[] newGeetestAccount() {
        String captchaId = UUID.randomUUID().toString().replace("-", "");
        String captchaKey = UUID.randomUUID().toString().replace("-", "");
        geetest.accept(captchaId, captchaKey);
        return new String[]{captchaId, captchaKey};
    }

    private static String geetestRealm() {
        return createExampleRealm(admin, Map.of("humanCheck", "geetest", "maxSendsPerIpPerHour", "1000"));
    }

    @Test
    @DisplayName("realm A with its own keys: its page shows A's captcha id, a challenge of A's id sends, one of the server's id is "
            + "refused; realm B without keys uses the server's id")
    void realmKeysOverTheServers() throws Exception {
        String realmA = geetestRealm();
        String realmB = geetestRealm();
        String[] account = newGeetestAccount();
        addKeys(realmA, Map.of("captcha-id", account[0], "captcha-key", account[1]), 201);

        Page pageA = new Browser(server).startLogin(realmA);
        assertThat(widget(pageA).attr("data-captcha-id")).isEqualTo(account[0]);
        assertThat(pageA.body()).doesNotContain(account[1]);
        assertThat(sends(realmA, geetest.solve(FakeGeetestCaptcha.CAPTCHA_ID))).as("the server's captcha id in realm A").isFalse();
        assertThat(sends(realmA, geetest.solve(account[0]))).isTrue();
        assertThat(geetest.passedIds()).last().isEqualTo(account[0]);

        Page pageB = new Browser(server).startLogin(realmB);
        assertThat(widget(pageB).attr("data-captcha-id")).isEqualTo(FakeGeetestCaptcha.CAPTCHA_ID);
        assertThat(sends(realmB, geetest.solve(account[0]))).as("realm A's captcha id in realm B").isFalse();
        assertThat(sends(realmB, geetest.solve(FakeGeetestCaptcha.CAPTCHA_ID))).isTrue();
        assertThat(geetest.passedIds()).last().isEqualTo(FakeGeetestCaptcha.CAPTCHA_ID);
        assertThat(server.logText()).doesNotContain(account[1]);
    }

    @Test
    @DisplayName("a captcha key read from the realm's vault: refused while the vault lacks it, then checks pass with it, and with "
            + "the key rotated in the vault at the next check; the admin REST shows a typed secret masked, the reference as it is")
    void vaultAndMasking() throws Exception {
        String realm = geetestRealm();
        String[] account = newGeetestAccount();
        String refused = addKeys(realm, Map.of("captcha-id", account[0], "captcha-key", "${vault.geetest-key}"), 400);
        assertThat(refused).contains("captcha-key").contains("${vault.geetest-key}");
        Files.writeString(vault.resolve(realm.replace("_", "__") + "_geetest-key"), account[1]);
        addKeys(realm, Map.of("captcha-id", account[0], "captcha-key", "${vault.geetest-key}"), 201);
        assertThat(sends(realm, geetest.solve(account[0]))).isTrue();
        assertThat(keys(realm).getConfig().getFirst("captcha-key")).isEqualTo("${vault.geetest-key}");

        // the key rotated in the vault only (GeeTest now knows the new one): the next check signs with it, no restart
        String rotated = UUID.randomUUID().toString().replace("-", "");
        geetest.accept(account[0], rotated);
        Files.writeString(vault.resolve(realm.replace("_", "__") + "_geetest-key"), rotated);
        assertThat(sends(realm, geetest.solve(account[0]))).as("signed with the rotated key").isTrue();

        String typedRealm = geetestRealm();
        String[] typed = newGeetestAccount();
        addKeys(typedRealm, Map.of("captcha-id", typed[0], "captcha-key", typed[1]), 201);
        ComponentRepresentation shown = keys(typedRealm);
        assertThat(shown.getConfig().getFirst("captcha-key")).isEqualTo(MASKED);
        assertThat(shown.getConfig().getFirst("captcha-id")).isEqualTo(typed[0]);
        assertThat(json(admin.realm(typedRealm).components().query(null, PAGE_TYPE))).doesNotContain(typed[1]);
    }

    @Test
    @DisplayName("incomplete keys and a second set in the realm are refused with a clear message, and nothing is saved; the "
            + "page offers the key options only")
    void incompleteAndSecondSetRefused() throws Exception {
        String realm = geetestRealm();
        String[] account = newGeetestAccount();
        assertThat(addKeys(realm, Map.of("captcha-id", account[0]), 400)).contains("missing: captcha-key");
        assertThat(admin.realm(realm).components().query(null, PAGE_TYPE)).isEmpty();
        addKeys(realm, Map.of("captcha-id", account[0], "captcha-key", account[1]), 201);
        String[] other = newGeetestAccount();
        assertThat(addKeys(realm, Map.of("captcha-id", other[0], "captcha-key", other[1]), 400)).contains("already has its geetest keys");
        assertThat(admin.realm(realm).components().query(null, PAGE_TYPE)).hasSize(1);
        assertThat(widget(new Browser(server).startLogin(realm)).attr("data-captcha-id")).isEqualTo(account[0]);

        assertThat(admin.serverInfo().getInfo().getComponentTypes().get(PAGE_TYPE))
                .filteredOn(type -> type.getId().equals(PAGE)).singleElement()
                .satisfies(type -> assertThat(type.getProperties()).extracting(property -> property.getName())
                        .containsExactly("captcha-id", "captcha-key"));
    }

    @Test
    @DisplayName("a change of the realm's keys takes effect at the next check without a restart; removed, the server's keys again")
    void keyChangeWithoutRestart() throws Exception {
        String realm = geetestRealm();
        String[] first = newGeetestAccount();
        addKeys(realm, Map.of("captcha-id", first[0], "captcha-key", first[1]), 201);
        assertThat(sends(realm, geetest.solve(first[0]))).isTrue();

        String[] second = newGeetestAccount();
        ComponentRepresentation keys = keys(realm);
        keys.getConfig().putSingle("captcha-id", second[0]);
        keys.getConfig().putSingle("captcha-key", second[1]);
        admin.realm(realm).components().component(keys.getId()).update(keys);
        assertThat(widget(new Browser(server).startLogin(realm)).attr("data-captcha-id")).isEqualTo(second[0]);
        assertThat(sends(realm, geetest.solve(first[0]))).as("the former captcha id").isFalse();
        assertThat(sends(realm, geetest.solve(second[0]))).isTrue();

        ComponentRepresentation masked = keys(realm);
        masked.getConfig().putSingle("captcha-id", second[0]);
        admin.realm(realm).components().component(masked.getId()).update(masked);
        assertThat(sends(realm, geetest.solve(second[0]))).as("saved again with the key left masked: the stored key is kept").isTrue();

        admin.realm(realm).components().component(keys.getId()).remove();
        assertThat(widget(new Browser(server).startLogin(realm)).attr("data-captcha-id")).isEqualTo(FakeGeetestCaptcha.CAPTCHA_ID);
        assertThat(sends(realm, geetest.solve(FakeGeetestCaptcha.CAPTCHA_ID))).isTrue();
    }

    @Test
    @DisplayName("a vault secret gone after saving: the realm's check says temporarily unavailable and sends nothing; back, it sends")
    void vaultSecretGone() throws Exception {
        String realm = geetestRealm();
        String[] account = newGeetestAccount();
        Path file = vault.resolve(realm.replace("_", "__") + "_geetest-gone");
        Files.writeString(file, account[1]);
        addKeys(realm, Map.of("captcha-id", account[0], "captcha-key", "${vault.geetest-gone}"), 201);
        Files.delete(file);
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page unavailable = submitPhone(browser, browser.startLogin(realm), national, geetest.solve(account[0]));
        assertThat(unavailable.text()).contains(UNAVAILABLE);
        assertThat(aliyun.messagesTo(national)).isEmpty();
        Files.writeString(file, account[1]);
        assertThat(sends(realm, geetest.solve(account[0]))).isTrue();
    }

    @Test
    @DisplayName("realm A's admin can keep A's keys but can neither see nor change realm B's: B's components are refused (403), "
            + "and B's keys are not found through realm A (404)")
    void keysStayInTheirRealm() throws Exception {
        String realmA = geetestRealm();
        String realmB = geetestRealm();
        String[] accountB = newGeetestAccount();
        addKeys(realmB, Map.of("captcha-id", accountB[0], "captcha-key", accountB[1]), 201);
        String keysB = keys(realmB).getId();

        RealmResource a = admin.realm(realmA);
        // realm A's administrator: a service account of realm A with realm A's manage-realm and view-realm roles
        ClientRepresentation console = new ClientRepresentation();
        console.setClientId("realm-a-admin");
        console.setPublicClient(false);
        console.setSecret("realm-a-admin-secret");
        console.setServiceAccountsEnabled(true);
        console.setStandardFlowEnabled(false);
        String consoleId = AdminSteps.created(a.clients().create(console));
        String adminA = a.clients().get(consoleId).getServiceAccountUser().getId();
        String realmManagement = a.clients().findByClientId("realm-management").get(0).getId();
        RoleRepresentation manageRealm = a.clients().get(realmManagement).roles().get("manage-realm").toRepresentation();
        RoleRepresentation viewRealm = a.clients().get(realmManagement).roles().get("view-realm").toRepresentation();
        a.users().get(adminA).roles().clientLevel(realmManagement).add(List.of(manageRealm, viewRealm));

        try (Keycloak asAdminA = KeycloakBuilder.builder().serverUrl(server.baseUrl()).realm(realmA).grantType("client_credentials")
                .clientId("realm-a-admin").clientSecret("realm-a-admin-secret").build()) {
            String[] accountA = newGeetestAccount();
            try (Response created = asAdminA.realm(realmA).components().add(keysComponent(realmA, Map.of("captcha-id", accountA[0],
                    "captcha-key", accountA[1])))) {
                assertThat(created.getStatus()).as(created.readEntity(String.class)).isEqualTo(201);
            }
            assertThat(asAdminA.realm(realmA).components().query(null, PAGE_TYPE)).singleElement()
                    .satisfies(component -> assertThat(component.getConfig().getFirst("captcha-id")).isEqualTo(accountA[0]));

            refusal(403, () -> asAdminA.realm(realmB).components().query(null, PAGE_TYPE));
            refusal(403, () -> asAdminA.realm(realmB).components().component(keysB).toRepresentation());
            refusal(404, () -> asAdminA.realm(realmA).components().component(keysB).toRepresentation());
            ComponentRepresentation takeover = keys(realmB);
            takeover.getConfig().putSingle("captcha-id", accountA[0]);
            takeover.getConfig().putSingle("captcha-key", accountA[1]);
            refusal(403, () -> asAdminA.realm(realmB).components().component(keysB).update(takeover));
            refusal(404, () -> asAdminA.realm(realmA).components().component(keysB).update(takeover));
            refusal(404, () -> asAdminA.realm(realmA).components().component(keysB).remove());
        }
        assertThat(keys(realmB).getConfig().getFirst("captcha-id")).isEqualTo(accountB[0]);
        assertThat(sends(realmB, geetest.solve(accountB[0]))).isTrue();
    }

    // ---- helpers ----

    private static Element widget(Page page) {
        Element widget = page.document().selectFirst("#kc-human-check .sms-login-human-check");
        assertThat(widget).as(page.text()).isNotNull();
        assertThat(widget.attr("data-provider")).isEqualTo("geetest");
        return widget;
    }

    /** Whether a new number's code goes out in {@code realm} with this challenge result. */
    private static boolean sends(String realm, Map<String, String> captcha) {
        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page answer = submitPhone(browser, browser.startLogin(realm), national, captcha);
        if (answer.isCodePage()) {
            assertThat(aliyun.messagesTo(national)).hasSize(1);
            return true;
        }
        assertThat(answer.text()).contains(REFUSED);
        assertThat(aliyun.messagesTo(national)).isEmpty();
        return false;
    }

    private static Page submitPhone(Browser browser, Page phonePage, String national, Map<String, String> captcha) {
        Map<String, String> fields = new HashMap<>(captcha);
        fields.put("phone_number", national);
        return browser.submit(phonePage, fields, null);
    }

    private static ComponentRepresentation keys(String realm) {
        List<ComponentRepresentation> keys = admin.realm(realm).components().query(null, PAGE_TYPE);
        assertThat(keys).hasSize(1);
        return keys.get(0);
    }

    private static ComponentRepresentation keysComponent(String realm, Map<String, String> settings) {
        ComponentRepresentation component = new ComponentRepresentation();
        component.setName("geetest keys");
        component.setProviderId(PAGE);
        component.setProviderType(PAGE_TYPE);
        component.setParentId(admin.realm(realm).toRepresentation().getId());
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        settings.forEach(config::putSingle);
        component.setConfig(config);
        return component;
    }

    /** Saves keys as the server's admin; Keycloak's answer body, which must come with {@code status}. */
    private static String addKeys(String realm, Map<String, String> settings, int status) {
        try (Response answer = admin.realm(realm).components().add(keysComponent(realm, settings))) {
            String body = answer.hasEntity() ? answer.readEntity(String.class) : "";
            assertThat(answer.getStatus()).as(body).isEqualTo(status);
            return body;
        }
    }
}
