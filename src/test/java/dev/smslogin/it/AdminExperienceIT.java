package dev.smslogin.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.UserProfileResource;
import org.keycloak.representations.idm.ConfigPropertyRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.smslogin.it.AdminSteps.createExampleRealm;
import static dev.smslogin.it.AdminSteps.usersWithPhone;
import static dev.smslogin.it.UserSteps.submitCode;
import static dev.smslogin.it.UserSteps.submitPhone;
import static org.assertj.core.api.Assertions.assertThat;

/** What an admin sees: the metrics on Keycloak's management interface and the realm's user profile. */
class AdminExperienceIT {

    static KeycloakServer server;
    static Keycloak admin;
    static FakeAliyunSms aliyun;
    static final List<String> realms = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = server.adminClient();
        aliyun = server.aliyun();
    }

    @AfterAll
    static void dropRealms() {
        realms.forEach(realm -> admin.realm(realm).remove());
    }

    static String realm(Map<String, String> settings) {
        String realm = createExampleRealm(admin, settings);
        realms.add(realm);
        return realm;
    }

    @Test
    @DisplayName("metrics: codes sent, codes typed by result and the SMS send time, per realm, with no number in them")
    void metrics() throws Exception {
        String realm = realm(Map.of("maxSendsPerIpPerHour", "1000"));
        String national = Phones.newNational();
        String before = metricsText();

        Browser browser = new Browser(server);
        Page codePage = submitPhone(browser, realm, national);
        submitPhone(new Browser(server), realm, national);                       // within the cooldown: no SMS
        submitPhone(new Browser(server), realm, "12345");                        // not a number
        Page wrong = submitCode(browser, codePage, aliyun.lastCodeTo(national).equals("000000") ? "111111" : "000000");
        Page malformed = submitCode(browser, wrong, "12");
        Page done = submitCode(browser, malformed, aliyun.lastCodeTo(national));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();

        String after = metricsText();
        assertThat(delta(before, after, "sms_login_codes_total", realm, "sent")).isEqualTo(1);
        assertThat(delta(before, after, "sms_login_codes_total", realm, "cooldown")).isEqualTo(1);
        assertThat(delta(before, after, "sms_login_codes_total", realm, "invalid_number")).isEqualTo(1);
        assertThat(delta(before, after, "sms_login_verifications_total", realm, "wrong")).isEqualTo(1);
        assertThat(delta(before, after, "sms_login_verifications_total", realm, "malformed")).isEqualTo(1);
        assertThat(delta(before, after, "sms_login_verifications_total", realm, "valid")).isEqualTo(1);
        assertThat(value(after, "sms_login_send_duration_seconds_count", Map.of("sender", "aliyun", "result", "success"))
                - value(before, "sms_login_send_duration_seconds_count", Map.of("sender", "aliyun", "result", "success")))
                .isEqualTo(1);
        assertThat(after).contains("sms_login_send_duration_seconds_bucket{");
        assertThat(after).doesNotContain(national.substring(3));
    }

    @Test
    @DisplayName("a realm whose user profile does not declare the phone attributes gets them declared, admin-editable only")
    void undeclaredPhoneAttributesAreDeclared() {
        String realm = realm(Map.of("maxSendsPerIpPerHour", "1000"));
        UserProfileResource userProfile = admin.realm(realm).users().userProfile();
        UPConfig profile = userProfile.getConfiguration();
        profile.getAttributes().removeIf(attribute -> List.of("phoneNumberVerified", "appUserId").contains(attribute.getName()));
        profile.getAttribute("phoneNumber").setDisplayName("Mobile");               // an admin's own declaration
        profile.setUnmanagedAttributePolicy(null);                                  // Keycloak's default: hidden
        userProfile.update(profile);
        assertThat(declared(realm)).as("declared again by the admin's own change, before any SMS page")
                .containsKeys("phoneNumberVerified", "appUserId");

        String national = Phones.newNational();
        Browser browser = new Browser(server);
        Page done = submitCode(browser, submitPhone(browser, realm, national), aliyun.lastCodeTo(national));
        assertThat(done.isRedirectToClient()).as(done.text()).isTrue();

        Map<String, UPAttribute> declared = declared(realm);
        assertThat(declared.get("phoneNumber").getDisplayName()).as("kept as the admin made it").isEqualTo("Mobile");
        for (String name : List.of("phoneNumberVerified", "appUserId")) {
            assertThat(declared).containsKey(name);
            assertThat(declared.get(name).getPermissions().getEdit()).containsExactly("admin");
        }
        UserRepresentation user = usersWithPhone(admin.realm(realm), Phones.e164(national)).get(0);
        assertThat(user.firstAttribute("phoneNumberVerified")).isEqualTo("true");
        assertThat(user.getAttributes()).as("the admin sees the MySQL link").containsKey("appUserId");
    }

    @Test
    @DisplayName("Server Info shows the extension's version and the code store, sender and login-method store in use")
    void serverInfo() {
        Map<String, String> info = admin.serverInfo().getInfo().getProviders().get("authenticator").getProviders()
                .get("sms-login").getOperationalInfo();
        assertThat(info.get("version")).as("from the jar manifest").matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(info.get("codeStore")).isEqualTo("redis");
        assertThat(info.get("smsSender")).isEqualTo("aliyun");
        assertThat(info.get("loginMethodStore")).isEqualTo("default");
    }

    @Test
    @DisplayName("admin console: every per-flow setting has a label and a help text, in English and in Simplified Chinese")
    void settingsHaveLabelsAndHelpInBothLanguages() throws Exception {
        List<ConfigPropertyRepresentation> settings = admin.realm("master").flows().getAuthenticatorConfigDescription("sms-login").getProperties();
        Map<String, String> english = adminConsoleTexts("en");
        Map<String, String> chinese = adminConsoleTexts("zh-CN");
        assertThat(settings).hasSizeGreaterThanOrEqualTo(14);
        for (ConfigPropertyRepresentation setting : settings) {
            String name = setting.getName();
            for (String key : List.of(setting.getLabel(), setting.getHelpText())) {
                assertThat(english.get(key)).as("English text of %s (%s)", name, key).isNotBlank();
                assertThat(chinese.get(key)).as("Chinese text of %s (%s)", name, key).isNotBlank()
                        .isNotEqualTo(english.get(key)).containsPattern("\\p{IsHan}");
            }
        }
    }

    /** The texts the admin console loads for a language (Keycloak's theme resource it fetches at start). */
    private static Map<String, String> adminConsoleTexts(String locale) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/resources/master/admin/" + locale)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, String> texts = new HashMap<>();
        new ObjectMapper().readTree(response.body())
                .forEach(text -> texts.put(text.get("key").asText(), text.get("value").asText()));
        return texts;
    }

    private static Map<String, UPAttribute> declared(String realm) {
        Map<String, UPAttribute> byName = new HashMap<>();
        admin.realm(realm).users().userProfile().getConfiguration().getAttributes()
                .forEach(attribute -> byName.put(attribute.getName(), attribute));
        return byName;
    }

    private static String metricsText() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static double delta(String before, String after, String name, String realm, String result) {
        Map<String, String> labels = Map.of("realm", realm, "result", result);
        return value(after, name, labels) - value(before, name, labels);
    }

    /** The sample of {@code name} whose labels include {@code labels}, 0 when there is none yet. */
    private static double value(String metrics, String name, Map<String, String> labels) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
        while (sample.find()) {
            String found = sample.group(1);
            if (labels.entrySet().stream().allMatch(l -> found.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                return Double.parseDouble(sample.group(2));
            }
        }
        return 0;
    }
}
