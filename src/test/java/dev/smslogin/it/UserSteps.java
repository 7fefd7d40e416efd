package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smslogin.it.Browser.Page;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What an end user does on the SMS login pages, step by step, reading codes from the fake Aliyun. */
final class UserSteps {

    private UserSteps() {
    }

    static Page submitPhone(Browser browser, String realm, String typed) {
        Page phonePage = browser.startLogin(realm);
        assertThat(phonePage.isPhonePage()).as("phone page: " + phonePage.text()).isTrue();
        return browser.submit(phonePage, Map.of("phone_number", typed), null);
    }

    static Page submitCode(Browser browser, Page codePage, String code) {
        assertThat(codePage.isCodePage()).as("code page: " + codePage.text()).isTrue();
        return browser.submit(codePage, Map.of("code", code), "login");
    }

    static JsonNode idToken(JsonNode tokens) {
        String payload = tokens.get("id_token").asText().split("\\.")[1];
        try {
            return KeycloakAdmin.JSON.readTree(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A whole login in a fresh browser; returns the user id ({@code sub}) the client gets. */
    static String logIn(KeycloakServer server, String realm, String national) {
        Browser browser = new Browser(server);
        Page codePage = submitPhone(browser, realm, national);
        Page done = submitCode(browser, codePage, server.aliyun().lastCodeTo(national));
        return idToken(browser.tokens(done)).get("sub").asText();
    }

    /** An admin moves the user to another number, then vouches for it in a later edit (the change alone leaves it unverified). */
    static void moveNumber(org.keycloak.admin.client.resource.UserResource user, String e164) {
        org.keycloak.representations.idm.UserRepresentation edited = user.toRepresentation();
        edited.singleAttribute("phoneNumber", e164);
        user.update(edited);
        org.keycloak.representations.idm.UserRepresentation vouched = user.toRepresentation();
        vouched.singleAttribute("phoneNumberVerified", "true");
        user.update(vouched);
    }
}
