package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.TestDatabase;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.AuthenticationManagementResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.smslogin.it.AdminSteps.addOidcIdentityProvider;
import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.createFlowOfOneStep;
import static dev.smslogin.it.AdminSteps.created;
import static dev.smslogin.it.AdminSteps.detail;
import static dev.smslogin.it.AdminSteps.events;
import static dev.smslogin.it.AdminSteps.json;
import static dev.smslogin.it.AdminSteps.oidcProviderRealm;
import static dev.smslogin.it.AdminSteps.password;
import static dev.smslogin.it.AdminSteps.refusal;
import static dev.smslogin.it.AdminSteps.user;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static dev.smslogin.it.UserSteps.logIn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step {@code idp-sms-link} on the real Keycloak, MariaDB and Redis: a second realm of the same Keycloak is the
 * OpenID Connect identity provider {@code wechat}; the consumer realm's first broker login flow is the step alone.
 * The app's {@code 'WX'} rows (identification = the user's id at the provider) follow.
 */
class BrokeredLoginIT {

    private static final String ALIAS = "wechat";
    private static final String PROVIDER_PASSWORD = "Provider-Password-1";
    private static final String ALREADY_LINKED = "already linked to another account of this identity provider";
    private static final String APP_CONFLICT = "belongs to another account than the one of this identity provider sign-in";

    static KeycloakServer server;
    static Keycloak admin;
    static TestDatabase app;
    static String provider;
    static String realm;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        app = server.appDatabase();
        provider = providerRealm();
        Map<String, String> settings = Map.of("maxSendsPerIpPerHour", "10000", "resendCooldownSeconds", "1");
        realm = createExampleRealm(admin, settings);
        firstBrokerLoginFlow(realm, settings);
        addIdentityProvider(realm, provider);
    }

    @AfterAll
    static void drop() {
        admin.realm(realm).remove();
        admin.realm(provider).remove();
    }

    @Test
    @DisplayName("a new identity with a new number: the provider's number is the suggestion; after the code one user holds it, "
            + "linked to the identity, with a 'P' and a 'WX' row of one app user")
    void newIdentityNewNumber() {
        String national = Phones.newNational();
        String identity = providerUser("new-" + national, Phones.e164(national));
        Browser browser = new Browser(server);
        Page phonePage = brokeredLogin(browser, "new-" + national);
        assertThat(phonePage.isPhonePage()).as(phonePage.text()).isTrue();
        assertThat(phonePage.document().selectFirst("input[name=phone_number]").attr("value")).as("the provider's number, suggested")
                .isEqualTo(Phones.e164(national));
        assertThat(phonePage.text()).contains("Add your phone number");

        Page done = proveNumber(browser, phonePage, national);

        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
        String userId = UserSteps.idToken(browser.tokens(done)).get("sub").asText();
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(national))).extracting(UserRepresentation::getId).containsExactly(userId);
        UserRepresentation user = user(admin, realm, userId);
        assertThat(user.firstAttribute("phoneNumberVerified")).isEqualTo("true");
        assertThat(links(userId)).containsExactly(ALIAS + ":" + identity);
        long appUserId = Long.parseLong(user.firstAttribute("appUserId"));
        assertThat(phoneRowUser(national)).isEqualTo(appUserId);
        assertThat(wxRowUser(identity)).isEqualTo(appUserId);
        assertThat(events(admin.realm(realm), "REGISTER")).anyMatch(e -> userId.equals(e.getUserId())
                && ALIAS.equals(detail(e, "identity_provider")));
    }

    @Test
    @DisplayName("a new identity with the number of an SMS user: linked to that user (FEDERATED_IDENTITY_LINK), no new user, "
            + "the 'WX' row to its app account")
    void numberOfAnExistingUser() {
        String national = Phones.newNational();
        String holder = logIn(server, realm, national);
        long appUserId = phoneRowUser(national);
        String identity = providerUser("holder-" + national, null);
        sleep(1100);    // the number's cooldown (1 s), shared by the steps: the next code goes out
        Browser browser = new Browser(server);
        Page phonePage = brokeredLogin(browser, "holder-" + national);
        assertThat(phonePage.document().selectFirst("input[name=phone_number]").attr("value")).as("no number from the provider").isEmpty();

        Page done = proveNumber(browser, phonePage, national);

        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
        assertThat(UserSteps.idToken(browser.tokens(done)).get("sub").asText()).isEqualTo(holder);
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(national))).hasSize(1);
        assertThat(links(holder)).containsExactly(ALIAS + ":" + identity);
        assertThat(wxRowUser(identity)).isEqualTo(appUserId);
        assertThat(events(admin.realm(realm), "FEDERATED_IDENTITY_LINK")).anyMatch(e -> holder.equals(e.getUserId()));
    }

    @Test
    @DisplayName("an identity with an original-app 'WX' row: the new user is that app user's, and its number's 'P' row joins it")
    void originalAppIdentity() {
        String national = Phones.newNational();
        String identity = providerUser("original-" + national, null);
        long appUserId = originalAppUser("微信老用户");
        String unionId = "union-" + UUID.randomUUID().toString().substring(0, 8);   // a row of an id Keycloak never links
        app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + appUserId + ", 'WX', '" + identity + "')",
                "INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + appUserId + ", 'WX', '" + unionId + "')");
        Browser browser = new Browser(server, "zh-CN");
        Page phonePage = brokeredLogin(browser, "original-" + national);
        assertThat(phonePage.text()).as("the page in Chinese").contains("绑定手机号");

        Page done = proveNumber(browser, phonePage, national);

        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
        String userId = UserSteps.idToken(browser.tokens(done)).get("sub").asText();
        assertThat(user(admin, realm, userId).firstAttribute("appUserId")).isEqualTo(String.valueOf(appUserId));
        assertThat(phoneRowUser(national)).isEqualTo(appUserId);
        assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND identification = '" + identity + "'")).isEqualTo(1);
        assertThat(app.count("SELECT COUNT(*) FROM `user` WHERE id = " + appUserId)).isEqualTo(1);
        assertThat(wxRowUser(unionId)).as("the original app's other row is left alone").isEqualTo(appUserId);
    }

    @Test
    @DisplayName("an identity whose 'WX' row names an app user that has its Keycloak user: linked to it before any number is asked")
    void identityOfAKnownAppUser() {
        String national = Phones.newNational();
        String holder = logIn(server, realm, national);
        long appUserId = phoneRowUser(national);
        String identity = providerUser("known-" + national, null);
        app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + appUserId + ", 'WX', '" + identity + "')");
        Browser browser = new Browser(server);

        Page done = brokeredLogin(browser, "known-" + national);

        assertThat(done.isRedirectToClient()).as("no phone page: " + done.text()).isTrue();
        assertThat(UserSteps.idToken(browser.tokens(done)).get("sub").asText()).isEqualTo(holder);
        assertThat(links(holder)).containsExactly(ALIAS + ":" + identity);
    }

    @Test
    @DisplayName("the identity's 'WX' row names one app user, the number's 'P' row another: refused with a clear page and an event, "
            + "nothing written, nothing linked, the number masked in the log")
    void conflictingAppUsers() {
        String national = Phones.newNational();
        String username = "conflict-" + UUID.randomUUID().toString().substring(0, 8);   // the event names it: no number in it
        String identity = providerUser(username, null);
        long wxAppUser = originalAppUser("微信用户");
        long phoneAppUser = originalAppUser("手机用户");
        app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + wxAppUser + ", 'WX', '" + identity + "')",
                "INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + phoneAppUser + ", 'P', '" + national + "')");
        long rows = app.count("SELECT COUNT(*) FROM user_login_method");
        long appUsers = app.count("SELECT COUNT(*) FROM `user`");
        Browser browser = new Browser(server);

        Page refused = proveNumber(browser, brokeredLogin(browser, username), national);

        assertThat(refused.isRedirectToClient()).isFalse();
        assertThat(refused.text()).contains(APP_CONFLICT).doesNotContain(national);
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(national))).isEmpty();
        assertThat(app.count("SELECT COUNT(*) FROM user_login_method")).isEqualTo(rows);
        assertThat(app.count("SELECT COUNT(*) FROM `user`")).isEqualTo(appUsers);
        assertThat(linkedUsers(identity)).isEmpty();
        assertThat(errorEvents()).anyMatch(e -> "identity_app_user_conflict".equals(detail(e, "reason"))
                && !json(e).contains(national));
        assertThat(server.logText()).as("a masked log line").contains("with +86" + national.substring(0, 3) + "****" + national.substring(7)
                + " refused").doesNotContain(national);
    }

    @Test
    @DisplayName("the number's holder has an authenticator app: the first broker login, which would not ask for it, links nothing "
            + "and signs nobody in (a clear page, an event)")
    void holderWithASecondFactorIsNotLinked() {
        String national = Phones.newNational();
        org.keycloak.representations.idm.UserRepresentation user = new org.keycloak.representations.idm.UserRepresentation();
        user.setUsername("totp-" + national);
        user.setEnabled(true);
        user.singleAttribute("phoneNumber", Phones.e164(national));
        user.singleAttribute("phoneNumberVerified", "true");
        user.setCredentials(java.util.List.of(AdminSteps.authenticatorApp("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")));
        String holder = AdminSteps.created(admin.realm(realm).users().create(user));
        String identity = providerUser("totp-" + national, null);
        sleep(1100);
        Browser browser = new Browser(server);

        Page refused = proveNumber(browser, brokeredLogin(browser, "totp-" + national), national);

        assertThat(refused.isRedirectToClient()).as(refused.text()).isFalse();
        assertThat(refused.text()).contains("This number cannot be used to sign in here.");
        assertThat(links(holder)).isEmpty();
        assertThat(linkedUsers(identity)).isEmpty();
        assertThat(errorEvents()).anyMatch(e -> holder.equals(e.getUserId()) && e.getDetails() != null
                && "second_factor_not_asked".equals(e.getDetails().get("reason")));
    }

    @Test
    @DisplayName("an identity whose 'WX' row names the app user of a user with an authenticator app: refused at once, as a holder "
            + "with a second factor is (the same page and event), nothing linked, no session")
    void appUserWithASecondFactorIsNotLinked() {
        String username = "wx-totp-" + UUID.randomUUID().toString().substring(0, 8);
        long appUserId = originalAppUser("微信双因素");
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        user.singleAttribute("appUserId", String.valueOf(appUserId));
        user.setCredentials(List.of(AdminSteps.authenticatorApp("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")));
        String holder = created(admin.realm(realm).users().create(user));
        String identity = providerUser(username, null);
        app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + appUserId + ", 'WX', '" + identity + "')");
        Browser browser = new Browser(server);

        Page refused = brokeredLogin(browser, username);

        assertThat(refused.isRedirectToClient()).as(refused.text()).isFalse();
        assertThat(refused.isPhonePage()).as("no number asked").isFalse();
        assertThat(refused.text()).contains("This number cannot be used to sign in here.");
        assertThat(links(holder)).isEmpty();
        assertThat(linkedUsers(identity)).isEmpty();
        assertThat(admin.realm(realm).users().get(holder).getUserSessions()).as("no session").isEmpty();
        assertThat(errorEvents()).anyMatch(e -> holder.equals(e.getUserId()) && "second_factor_not_asked".equals(detail(e, "reason")));
    }

    @Test
    @DisplayName("the number's holder is linked to another identity of the provider: a clear page, nothing linked")
    void holderLinkedToAnotherIdentity() {
        String national = Phones.newNational();
        String holder = logIn(server, realm, national);
        String first = providerUser("first-" + national, null);
        sleep(1100);    // the number's cooldown (1 s), shared by the steps: the next code goes out
        Browser firstBrowser = new Browser(server);
        assertThat(proveNumber(firstBrowser, brokeredLogin(firstBrowser, "first-" + national), national).isRedirectToClient()).isTrue();
        String second = providerUser("second-" + national, null);
        sleep(1100);
        Browser browser = new Browser(server);

        Page refused = proveNumber(browser, brokeredLogin(browser, "second-" + national), national);

        assertThat(refused.isRedirectToClient()).isFalse();
        assertThat(refused.text()).contains(ALREADY_LINKED);
        assertThat(links(holder)).containsExactly(ALIAS + ":" + first);
        assertThat(linkedUsers(second)).isEmpty();
        assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE identification = '" + second + "'")).isZero();
        assertThat(errorEvents()).anyMatch(e -> "federated_identity_account_exists".equals(e.getError())
                && holder.equals(e.getUserId()));
    }

    @Test
    @DisplayName("MySQL down during the first broker login: a clear page, no user, no row; once it is back the same identity signs up")
    void mysqlDown() throws java.io.IOException {
        String national = Phones.newNational();
        String identity = providerUser("outage-" + national, null);
        Browser browser = new Browser(server);
        Page phonePage = brokeredLogin(browser, "outage-" + national);
        Page codePage = browser.submit(phonePage, Map.of("phone_number", national), null);
        server.dependencies().appDatabaseLink().cut();
        Page refused;
        try {
            refused = browser.submit(codePage, Map.of("code", server.aliyun().lastCodeTo(national)), "login");
        } finally {
            server.dependencies().appDatabaseLink().restore();
        }
        assertThat(refused.isRedirectToClient()).isFalse();
        assertThat(refused.text()).contains("temporarily unavailable").doesNotContain("Exception").doesNotContain("SQLState");
        assertThat(usersWithPhone(admin.realm(realm), Phones.e164(national))).isEmpty();
        assertThat(linkedUsers(identity)).isEmpty();
        assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE identification IN ('" + identity + "', '"
                + Phones.e164(national) + "')")).isZero();

        sleep(1100);
        Browser again = new Browser(server);
        Page done = proveNumber(again, brokeredLogin(again, "outage-" + national), national);
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
        assertThat(wxRowUser(identity)).isEqualTo(phoneRowUser(national));
    }

    @Test
    @DisplayName("an admin unlinks the identity: its 'WX' row goes, the 'P' row stays; a link by an admin writes it again, "
            + "and is refused (503, nothing linked) while MySQL is down")
    void adminUnlinkAndLink() throws java.io.IOException {
        String national = Phones.newNational();
        String identity = providerUser("admin-" + national, null);
        Browser browser = new Browser(server);
        Page done = proveNumber(browser, brokeredLogin(browser, "admin-" + national), national);
        String userId = UserSteps.idToken(browser.tokens(done)).get("sub").asText();
        long appUserId = phoneRowUser(national);
        assertThat(wxRowUser(identity)).isEqualTo(appUserId);

        UserResource user = admin.realm(realm).users().get(userId);
        user.removeFederatedIdentity(ALIAS);
        assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND identification = '" + identity + "'")).isZero();
        assertThat(phoneRowUser(national)).isEqualTo(appUserId);

        FederatedIdentityRepresentation link = new FederatedIdentityRepresentation();
        link.setIdentityProvider(ALIAS);
        link.setUserId(identity);
        link.setUserName("admin-" + national);
        server.dependencies().appDatabaseLink().cut();
        try {
            String refused = refusal(503, user.addFederatedIdentity(ALIAS, link));
            assertThat(refused).contains("temporarily unavailable").doesNotContain("SQLState");
        } finally {
            server.dependencies().appDatabaseLink().restore();
        }
        assertThat(links(userId)).as("MySQL down: the link is refused, nothing linked").isEmpty();

        try (Response linked = user.addFederatedIdentity(ALIAS, link)) {
            assertThat(linked.getStatus()).isEqualTo(204);
        }
        assertThat(wxRowUser(identity)).isEqualTo(appUserId);
        assertThat(links(userId)).containsExactly(ALIAS + ":" + identity);
    }

    @Test
    @DisplayName("a realm that does not use the extension, with a provider aliased wechat: an admin's links and unlinks write and "
            + "delete no app row; in the extension's realm the same admin link writes the 'WX' row")
    void linksOfOtherRealmsWriteNoRows() {
        String plain = AdminSteps.plainRealm(admin, "plain-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            created(admin.realm(plain).identityProviders().create(wechat()));
            String outsider = AdminSteps.createUser(admin.realm(plain), "outsider", Map.of());
            UserResource user = admin.realm(plain).users().get(outsider);
            long appUserId = originalAppUser("别的系统");
            String known = "known-" + UUID.randomUUID().toString().substring(0, 8);
            app.execute("INSERT INTO user_login_method (user_id, login_method, identification) VALUES (" + appUserId + ", 'WX', '" + known + "')");
            String unknown = "unknown-" + UUID.randomUUID().toString().substring(0, 8);

            linkByAdmin(user, known);
            user.removeFederatedIdentity(ALIAS);
            linkByAdmin(user, unknown);
            user.removeFederatedIdentity(ALIAS);

            assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND identification = '" + known
                    + "' AND user_id = " + appUserId)).as("the original app's row, not deleted by another realm's unlink").isEqualTo(1);
            assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE identification = '" + unknown + "'")).isZero();
            assertThat(user.toRepresentation().firstAttribute("appUserId")).as("no app user").isNull();
        } finally {
            admin.realm(plain).remove();
        }
        String member = AdminSteps.createUser(admin.realm(realm), "member-" + UUID.randomUUID().toString().substring(0, 8), Map.of());
        String identity = "member-" + UUID.randomUUID().toString().substring(0, 8);
        linkByAdmin(admin.realm(realm).users().get(member), identity);
        assertThat(wxRowUser(identity)).isEqualTo(Long.parseLong(user(admin, realm, member).firstAttribute("appUserId")));
    }

    @Test
    @DisplayName("the account console (26.7: application-initiated action idp_link:wechat) links a signed-in SMS user to its wechat "
            + "identity and writes the 'WX' row of its app account; its unlink (DELETE account/linked-accounts/wechat) deletes it")
    void accountConsoleLinkAndUnlink() throws Exception {
        consoleRedirectsToTheTestCallback();
        String national = Phones.newNational();
        String username = "console-" + UUID.randomUUID().toString().substring(0, 8);
        String identity = providerUser(username, null);
        Browser browser = new Browser(server);
        String userId = UserSteps.idToken(browser.tokens(UserSteps.submitCode(browser, UserSteps.submitPhone(browser, realm, national),
                server.aliyun().lastCodeTo(national)))).get("sub").asText();
        long appUserId = phoneRowUser(national);

        Page confirm = browser.startAction(realm, "account-console", "idp_link:" + ALIAS);
        Page providerLogin = browser.submit(confirm, Map.of(), "continue");
        Page done = browser.submit(providerLogin, Map.of("username", username, "password", PROVIDER_PASSWORD), null);

        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
        assertThat(links(userId)).containsExactly(ALIAS + ":" + identity);
        assertThat(wxRowUser(identity)).isEqualTo(appUserId);
        String consoleToken = browser.tokens(done).get("access_token").asText();
        assertThat(unlinkInConsole(consoleToken).statusCode()).as("Keycloak keeps a user without a password its last identity").isEqualTo(400);
        assertThat(wxRowUser(identity)).isEqualTo(appUserId);

        admin.realm(realm).users().get(userId).resetPassword(password("Console-Password-1"));
        assertThat(unlinkInConsole(consoleToken).statusCode()).isEqualTo(204);
        assertThat(links(userId)).isEmpty();
        assertThat(app.count("SELECT COUNT(*) FROM user_login_method WHERE login_method = 'WX' AND identification = '" + identity + "'")).isZero();
        assertThat(phoneRowUser(national)).as("the number's row stays").isEqualTo(appUserId);
    }

    @Test
    @DisplayName("a 'WX' row lost since the first login is written again at the next login through the provider")
    void missingRowRepairedAtNextLogin() {
        String national = Phones.newNational();
        String username = "repair-" + UUID.randomUUID().toString().substring(0, 8);
        String identity = providerUser(username, null);
        Browser first = new Browser(server);
        String userId = UserSteps.idToken(first.tokens(proveNumber(first, brokeredLogin(first, username), national))).get("sub").asText();
        long appUserId = phoneRowUser(national);
        app.execute("DELETE FROM user_login_method WHERE login_method = 'WX' AND identification = '" + identity + "'");

        Browser browser = new Browser(server);
        Page done = brokeredLogin(browser, username);

        assertThat(done.isRedirectToClient()).as("a returning identity: no phone page: " + done.text()).isTrue();
        assertThat(UserSteps.idToken(browser.tokens(done)).get("sub").asText()).isEqualTo(userId);
        assertThat(wxRowUser(identity)).isEqualTo(appUserId);
    }

    @Test
    @DisplayName("optional: the phone page offers \"Skip for now\"; skipped, the user is created without a number, its 'WX' row of a new app user")
    void optionalNumberSkipped() {
        AuthenticationManagementResource flows = admin.realm(realm).flows();
        String configId = flows.getExecutions("sms first broker login").get(0).getAuthenticationConfig();
        AuthenticatorConfigRepresentation original = flows.getAuthenticatorConfig(configId);
        AuthenticatorConfigRepresentation optional = flows.getAuthenticatorConfig(configId);
        optional.getConfig().put("optional", "true");
        flows.updateAuthenticatorConfig(configId, optional);
        try {
            String username = "skip-" + UUID.randomUUID().toString().substring(0, 8);
            String identity = providerUser(username, null);
            Browser browser = new Browser(server);
            Page phonePage = brokeredLogin(browser, username);
            assertThat(phonePage.text()).contains("Skip for now");

            Page done = browser.submit(phonePage, Map.of(), "skip");

            assertThat(done.isRedirectToClient()).as(done.text()).isTrue();
            String userId = UserSteps.idToken(browser.tokens(done)).get("sub").asText();
            UserRepresentation user = user(admin, realm, userId);
            assertThat(user.getUsername()).isEqualTo(username);
            assertThat(user.firstAttribute("phoneNumber")).isNull();
            assertThat(links(userId)).containsExactly(ALIAS + ":" + identity);
            assertThat(wxRowUser(identity)).isEqualTo(Long.parseLong(user.firstAttribute("appUserId")));
        } finally {
            flows.updateAuthenticatorConfig(configId, original);
        }
        Page required = brokeredLogin(new Browser(server), "skip-" + UUID.randomUUID());
        assertThat(required.text()).as("not optional: no skip").doesNotContain("Skip for now");
    }

    @Test
    @DisplayName("the SMS login's phone page lists the realm's identity providers (\"Or sign in with\"), in English and Chinese, "
            + "and so does the sms-login theme's tabbed page")
    void phonePageListsIdentityProviders() {
        Page english = new Browser(server).startLogin(realm);
        assertThat(english.isPhonePage()).isTrue();
        assertThat(english.document().selectFirst("a#social-" + ALIAS)).as(english.body()).isNotNull();
        assertThat(english.text()).contains("Or sign in with");
        Page chinese = new Browser(server, "zh-CN").startLogin(realm);
        assertThat(chinese.text()).contains("或使用以下方式登录");
        assertThat(chinese.document().selectFirst("a#social-" + ALIAS)).isNotNull();

        String tabbed = createExampleRealm(admin, Map.of(), Map.of("loginTheme", "sms-login"));
        try {
            created(admin.realm(tabbed).identityProviders().create(wechat()));
            Page tabs = new Browser(server).startLogin(tabbed);
            assertThat(tabs.isPhonePage()).as(tabs.text()).isTrue();
            assertThat(tabs.document().selectFirst("a#social-" + ALIAS)).as(tabs.body()).isNotNull();
            assertThat(tabs.text()).contains("Or sign in with");
        } finally {
            admin.realm(tabbed).remove();
        }
    }

    // --- helpers ---

    private static Page proveNumber(Browser browser, Page phonePage, String national) {
        assertThat(phonePage.isPhonePage()).as("phone page: " + phonePage.text()).isTrue();
        Page codePage = browser.submit(phonePage, Map.of("phone_number", national), null);
        return UserSteps.submitCode(browser, codePage, server.aliyun().lastCodeTo(national));
    }

    /** Through the provider's login page as {@code username}: the page the consumer realm shows next. */
    private static Page brokeredLogin(Browser browser, String username) {
        Page providerLogin = browser.startBrokeredLogin(realm, ALIAS);
        return browser.submit(providerLogin, Map.of("username", username, "password", PROVIDER_PASSWORD), null);
    }

    /** A user of the provider realm (with {@code mobile} when given); its id, which is the consumer's broker user id. */
    private static String providerUser(String username, String mobile) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        user.setEmail(username + "@example.com");
        user.setEmailVerified(true);
        user.setFirstName("F");
        user.setLastName("L");
        if (mobile != null) {
            user.singleAttribute("mobile", mobile);
        }
        String id = created(admin.realm(provider).users().create(user));
        admin.realm(provider).users().get(id).resetPassword(password(PROVIDER_PASSWORD));
        return id;
    }

    /** Identity provider {@code wechat} (the provider realm) for another realm, without mappers or flows of its own. */
    private static IdentityProviderRepresentation wechat() {
        String issuer = server.baseUrl() + "/realms/" + provider;
        IdentityProviderRepresentation wechat = new IdentityProviderRepresentation();
        wechat.setAlias(ALIAS);
        wechat.setProviderId("oidc");
        wechat.setEnabled(true);
        wechat.setConfig(new HashMap<>(Map.of("clientId", "phone-broker", "clientSecret", "broker-secret",
                "authorizationUrl", issuer + "/protocol/openid-connect/auth", "tokenUrl", issuer + "/protocol/openid-connect/token")));
        return wechat;
    }

    /** The admin console's "Link account" of {@code user} to {@code identity} of {@code wechat}. */
    private static void linkByAdmin(UserResource user, String identity) {
        FederatedIdentityRepresentation link = new FederatedIdentityRepresentation();
        link.setIdentityProvider(ALIAS);
        link.setUserId(identity);
        link.setUserName(identity);
        try (Response linked = user.addFederatedIdentity(ALIAS, link)) {
            assertThat(linked.getStatus()).isEqualTo(204);
        }
    }

    /** The realm's {@code account-console} client (the account console's own) may send its codes to the HTTP browser's callback. */
    private static void consoleRedirectsToTheTestCallback() {
        ClientRepresentation console = admin.realm(realm).clients().findByClientId("account-console").get(0);
        if (!console.getRedirectUris().contains(Browser.REDIRECT_URI)) {
            List<String> uris = new ArrayList<>(console.getRedirectUris());
            uris.add(Browser.REDIRECT_URI);
            console.setRedirectUris(uris);
            admin.realm(realm).clients().get(console.getId()).update(console);
        }
    }

    /** The account console's "Unlink account": {@code DELETE /account/linked-accounts/wechat} with its token. */
    private static HttpResponse<String> unlinkInConsole(String accessToken) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/realms/" + realm
                        + "/account/linked-accounts/" + ALIAS)).header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long originalAppUser(String name) {
        app.execute("INSERT INTO `user` (name, age) VALUES ('" + name + "', 30)");
        return app.count("SELECT MAX(id) FROM `user`");
    }

    private static long phoneRowUser(String national) {
        return app.count("SELECT user_id FROM user_login_method WHERE login_method = 'P' AND identification IN ('" + national + "', '"
                + Phones.e164(national) + "')");
    }

    private static long wxRowUser(String identity) {
        return app.count("SELECT user_id FROM user_login_method WHERE login_method = 'WX' AND identification = '" + identity + "'");
    }

    private static List<String> links(String userId) {
        List<String> links = new ArrayList<>();
        admin.realm(realm).users().get(userId).getFederatedIdentity()
                .forEach(link -> links.add(link.getIdentityProvider() + ":" + link.getUserId()));
        return links;
    }

    /** The realm's users linked to {@code identity} of the provider (the admin API's search by idpAlias and idpUserId). */
    private static List<UserRepresentation> linkedUsers(String identity) {
        return admin.realm(realm).users().search(null, null, null, null, null, ALIAS, identity, null, null, null, null);
    }

    private static List<EventRepresentation> errorEvents() {
        List<EventRepresentation> events = new ArrayList<>(events(admin.realm(realm), "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR"));
        events.addAll(events(admin.realm(realm), "LOGIN_ERROR"));
        return events;
    }

    /** An OpenID Connect provider realm of the same Keycloak (AdminSteps.oidcProviderRealm). */
    private static String providerRealm() {
        return oidcProviderRealm(admin, "wx-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** The consumer's first broker login flow: step idp-sms-link alone, with the login's settings. */
    private static void firstBrokerLoginFlow(String realm, Map<String, String> settings) {
        AuthenticationExecutionInfoRepresentation step = createFlowOfOneStep(admin.realm(realm), "sms first broker login", "idp-sms-link");
        AuthenticatorConfigRepresentation config = new AuthenticatorConfigRepresentation();
        config.setAlias("sms-first-broker-login");
        config.setConfig(new HashMap<>(settings));
        created(admin.realm(realm).flows().newExecutionConfig(step.getId(), config));
    }

    /**
     * {@code provider} as identity provider {@code wechat} of {@code realm}, with the SMS first broker login flow; its {@code mobile}
     * claim goes to the brokered identity's {@code phoneNumber} (IMPORT: a suggestion, never written over a user's number).
     */
    private static void addIdentityProvider(String realm, String provider) {
        addOidcIdentityProvider(admin, realm, server.baseUrl() + "/realms/" + provider, ALIAS, "IMPORT", "sms first broker login");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
