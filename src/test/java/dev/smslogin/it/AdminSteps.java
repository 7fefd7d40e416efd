package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.AuthenticationManagementResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationExecutionRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.IdentityProviderMapperRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RequiredActionConfigRepresentation;
import org.keycloak.representations.idm.RequiredActionProviderSimpleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests' admin does through Keycloak's admin client ({@link KeycloakServer#adminClient()}) in more than one
 * call, or in a call whose arguments are mostly nulls: the example realm, users by phone number, events, new users,
 * credentials, required actions, flows and clients, Keycloak's refusals, and the one call the 26.0 client lacks (the
 * profile Keycloak answers a user-profile save with). Everything else the tests call on the typed resources directly.
 */
final class AdminSteps {

    private AdminSteps() {
    }

    /** The example realm of {@code examples/realm-sms-demo.json}, under a new name, with the SMS steps' settings overridden. */
    static String createExampleRealm(Keycloak admin, Map<String, String> smsSettings) {
        return createExampleRealm(admin, smsSettings, Map.of());
    }

    /** As {@link #createExampleRealm(Keycloak, Map)}, with realm settings (top-level keys of the realm representation) overridden too. */
    static String createExampleRealm(Keycloak admin, Map<String, String> smsSettings, Map<String, Object> realmSettings) {
        return importRealm(admin, exampleRealm(smsSettings, realmSettings));
    }

    /**
     * The example realm as JSON, under a new name, with the settings of every SMS step (the login page's, and the
     * native-app direct grant's) and top-level realm settings overridden: for tests that change it further.
     */
    static ObjectNode exampleRealm(Map<String, String> smsSettings, Map<String, Object> realmSettings) {
        try {
            ObjectNode realm = (ObjectNode) JsonSerialization.mapper.readTree(Files.readString(java.nio.file.Path.of("examples/realm-sms-demo.json")));
            realm.put("realm", "it-" + UUID.randomUUID().toString().substring(0, 8));
            for (JsonNode step : realm.get("authenticatorConfig")) {
                smsSettings.forEach(((ObjectNode) step.get("config"))::put);
            }
            realmSettings.forEach((key, value) -> realm.set(key, JsonSerialization.mapper.valueToTree(value)));
            return realm;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Imports a realm given as JSON (a realm export, say); returns its name. */
    static String importRealm(Keycloak admin, ObjectNode realm) {
        admin.realms().create(representation(realm));
        return realm.get("realm").asText();
    }

    /** A realm's JSON as the admin client's representation. */
    static RealmRepresentation representation(ObjectNode realm) {
        return JsonSerialization.mapper.convertValue(realm, RealmRepresentation.class);
    }

    /** The user {@code id} of {@code realm}, as an admin reads it. */
    static UserRepresentation user(Keycloak admin, String realm, String id) {
        return admin.realm(realm).users().get(id).toRepresentation();
    }

    /** The realm's users whose {@code phoneNumber} is {@code e164}, with their attributes. */
    static List<UserRepresentation> usersWithPhone(RealmResource realm, String e164) {
        return realm.users().searchByAttributes(0, 100, null, false, "phoneNumber:" + e164);
    }

    /** The realm's user events of {@code type} (the last 1000), newest first. */
    static List<EventRepresentation> events(RealmResource realm, String type) {
        return realm.getEvents(List.of(type), null, null, null, null, null, 0, 1000);
    }

    /** A representation as the admin REST API sends it: JSON (for what it must not hold anywhere). */
    static String json(Object representation) {
        try {
            return JsonSerialization.writeValueAsString(representation);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The event's detail {@code key}, or null where it has none. */
    static String detail(EventRepresentation event, String key) {
        return event.getDetails() == null ? null : event.getDetails().get(key);
    }

    /** Keycloak's brute-force count of the user's failed logins. */
    static int failures(RealmResource realm, String userId) {
        return ((Number) realm.attackDetection().bruteForceUserStatus(userId).get("numFailures")).intValue();
    }

    /** A new enabled user with these (single-valued) attributes; returns its id. */
    static String createUser(RealmResource realm, String username, Map<String, String> attributes) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        attributes.forEach(user::singleAttribute);
        return created(realm.users().create(user));
    }

    /** A password credential, not temporary (for {@code UserResource.resetPassword}). */
    static CredentialRepresentation password(String value) {
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(value);
        credential.setTemporary(false);
        return credential;
    }

    /**
     * An authenticator app (TOTP: HMAC-SHA1, 6 digits, 30 s) with {@code secret}, as a user's credential in a create or an
     * import: Keycloak's stored form of it.
     */
    static CredentialRepresentation authenticatorApp(String secret) {
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.TOTP);
        credential.setUserLabel("phone app");
        credential.setSecretData(json(Map.of("value", secret)));
        credential.setCredentialData(json(Map.of("subType", "totp", "digits", 6, "counter", 0, "period", 30, "algorithm", "HmacSHA1")));
        return credential;
    }

    /** Registers the required action {@code providerId} in the realm, as the admin console's "Required actions" tab does. */
    static void registerRequiredAction(RealmResource realm, String providerId, String name) {
        RequiredActionProviderSimpleRepresentation action = new RequiredActionProviderSimpleRepresentation();
        action.setProviderId(providerId);
        action.setName(name);
        realm.flows().registerRequiredAction(action);
    }

    /** The settings of the realm's required action {@code alias}. */
    static void configureRequiredAction(RealmResource realm, String alias, Map<String, String> config) {
        RequiredActionConfigRepresentation settings = new RequiredActionConfigRepresentation();
        settings.setConfig(config);
        realm.flows().updateRequiredActionConfig(alias, settings);
    }

    /** A new, empty top-level flow {@code alias} of the basic kind, as the admin console's "Create flow" makes it. */
    static void createFlow(RealmResource realm, String alias) {
        AuthenticationFlowRepresentation flow = new AuthenticationFlowRepresentation();
        flow.setAlias(alias);
        flow.setProviderId("basic-flow");
        flow.setTopLevel(true);
        flow.setBuiltIn(false);
        created(realm.flows().createFlow(flow));
    }

    /** A new top-level flow {@code alias} whose one step, the authenticator {@code provider}, is REQUIRED; returns that step. */
    static AuthenticationExecutionInfoRepresentation createFlowOfOneStep(RealmResource realm, String alias, String provider) {
        createFlow(realm, alias);
        AuthenticationManagementResource flows = realm.flows();
        flows.addExecution(alias, Map.of("provider", provider));
        AuthenticationExecutionInfoRepresentation step = flows.getExecutions(alias).get(0);
        step.setRequirement("REQUIRED");
        flows.updateExecutions(alias, step);
        return step;
    }

    /** The id of the realm's flow {@code alias}. */
    static String flowId(RealmResource realm, String alias) {
        return realm.flows().getFlows().stream()
                .filter(flow -> flow.getAlias().equals(alias))
                .map(AuthenticationFlowRepresentation::getId)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no flow " + alias));
    }

    /** A public client (PKCE) of {@link Browser#REDIRECT_URI} whose browser flow is the realm's flow {@code flowAlias}. */
    static void createClient(RealmResource realm, String clientId, String flowAlias) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setPublicClient(true);
        client.setStandardFlowEnabled(true);
        client.setRedirectUris(List.of(Browser.REDIRECT_URI));
        client.setAttributes(Map.of("pkce.code.challenge.method", "S256"));
        client.setAuthenticationFlowBindingOverrides(Map.of("browser", flowId(realm, flowAlias)));
        created(realm.clients().create(client));
    }

    /** A realm without the SMS steps whose users may keep any attribute (unmanaged attributes enabled); returns its name. */
    static String plainRealm(Keycloak admin, String name) {
        RealmRepresentation plain = new RealmRepresentation();
        plain.setRealm(name);
        plain.setEnabled(true);
        admin.realms().create(plain);
        UPConfig profile = admin.realm(name).users().userProfile().getConfiguration();
        profile.setUnmanagedAttributePolicy(UPConfig.UnmanagedAttributePolicy.ENABLED);
        admin.realm(name).users().userProfile().update(profile);
        return name;
    }

    /**
     * A {@link #plainRealm} as an OpenID Connect provider of the same Keycloak: its confidential client {@code phone-broker}
     * (secret {@code broker-secret}) puts the user's {@code mobile} attribute in the ID token.
     */
    static String oidcProviderRealm(Keycloak admin, String name) {
        plainRealm(admin, name);
        ProtocolMapperRepresentation mobile = new ProtocolMapperRepresentation();
        mobile.setName("mobile");
        mobile.setProtocol("openid-connect");
        mobile.setProtocolMapper("oidc-usermodel-attribute-mapper");
        mobile.setConfig(Map.of("user.attribute", "mobile", "claim.name", "mobile", "jsonType.label", "String",
                "id.token.claim", "true", "access.token.claim", "true", "userinfo.token.claim", "true"));
        ClientRepresentation broker = new ClientRepresentation();
        broker.setClientId("phone-broker");
        broker.setSecret("broker-secret");
        broker.setPublicClient(false);
        broker.setStandardFlowEnabled(true);
        broker.setRedirectUris(List.of("*"));
        broker.setProtocolMappers(List.of(mobile));
        created(admin.realm(name).clients().create(broker));
        return name;
    }

    /**
     * The {@link #oidcProviderRealm} at {@code issuer} as identity provider {@code alias} of {@code realm}, its {@code mobile}
     * claim written to {@code phoneNumber} in {@code syncMode} (FORCE, IMPORT), with the first broker login flow
     * {@code firstBrokerLoginFlow} (null: Keycloak's own); Keycloak's Identity Provider Redirector comes first in the realm's
     * {@code sms browser} flow, so that {@code kc_idp_hint} goes straight to the provider.
     */
    static void addOidcIdentityProvider(Keycloak admin, String realm, String issuer, String alias, String syncMode, String firstBrokerLoginFlow) {
        IdentityProviderRepresentation identityProvider = new IdentityProviderRepresentation();
        identityProvider.setAlias(alias);
        identityProvider.setProviderId("oidc");
        identityProvider.setEnabled(true);
        identityProvider.setTrustEmail(false);
        identityProvider.setFirstBrokerLoginFlowAlias(firstBrokerLoginFlow);
        identityProvider.setConfig(new HashMap<>(Map.of("clientId", "phone-broker", "clientSecret", "broker-secret",
                "clientAuthMethod", "client_secret_post", "authorizationUrl", issuer + "/protocol/openid-connect/auth",
                "tokenUrl", issuer + "/protocol/openid-connect/token", "validateSignature", "false", "disableUserInfo", "true",
                "defaultScope", "openid", "syncMode", syncMode)));
        RealmResource realmAdmin = admin.realm(realm);
        created(realmAdmin.identityProviders().create(identityProvider));
        IdentityProviderMapperRepresentation phone = new IdentityProviderMapperRepresentation();
        phone.setName("phone");
        phone.setIdentityProviderAlias(alias);
        phone.setIdentityProviderMapper("oidc-user-attribute-idp-mapper");
        phone.setConfig(Map.of("claim", "mobile", "user.attribute", "phoneNumber", "syncMode", syncMode));
        created(realmAdmin.identityProviders().get(alias).addMapper(phone));
        AuthenticationManagementResource flows = realmAdmin.flows();
        AuthenticationExecutionRepresentation redirector = new AuthenticationExecutionRepresentation();
        redirector.setAuthenticator("identity-provider-redirector");
        redirector.setRequirement("ALTERNATIVE");
        redirector.setParentFlow(flowId(realmAdmin, "sms browser"));
        created(flows.addExecution(redirector));
        for (AuthenticationExecutionInfoRepresentation execution : flows.getExecutions("sms browser")) {
            if ("identity-provider-redirector".equals(execution.getProviderId())) {
                flows.raisePriority(execution.getId());
            }
        }
    }

    /** The id of what a create call made (the last segment of its {@code Location}); fails with Keycloak's answer otherwise. */
    static String created(Response response) {
        try (response) {
            if (response.getStatus() != 201) {
                throw new AssertionError("create answered " + response.getStatus() + ": " + response.readEntity(String.class));
            }
            String path = response.getLocation().getPath();
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /** The body of Keycloak's answer to a create (or import) call that must answer {@code status}. */
    static String refusal(int status, Response response) {
        try (response) {
            String body = response.readEntity(String.class);
            assertThat(response.getStatus()).as(body).isEqualTo(status);
            return body;
        }
    }

    /** The body of Keycloak's refusal of a call that must fail with {@code status}. */
    static String refusal(int status, Runnable call) {
        try {
            call.run();
        } catch (WebApplicationException e) {
            String body = e.getResponse().readEntity(String.class);
            assertThat(e.getResponse().getStatus()).as(body).isEqualTo(status);
            return body;
        }
        throw new AssertionError("accepted; expected a refusal with " + status);
    }

    /**
     * Saves a realm's user profile and returns the profile Keycloak answers with (the one in force): the 26.0 client's
     * {@code UserProfileResource.update} drops that answer.
     */
    static UPConfig updateUserProfile(KeycloakServer server, String realm, UPConfig profile) {
        return server.adminClient().proxy(UserProfileUpdate.class, URI.create(server.baseUrl())).update(realm, profile);
    }

    @Path("/admin/realms/{realm}/users/profile")
    interface UserProfileUpdate {
        @PUT
        @Consumes(MediaType.APPLICATION_JSON)
        @Produces(MediaType.APPLICATION_JSON)
        UPConfig update(@PathParam("realm") String realm, UPConfig profile);
    }
}
