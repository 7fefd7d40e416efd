package dev.smslogin.nativeapp;

import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowBindings;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

import java.util.Optional;

/**
 * The {@code sms-login-direct-grant} execution a client's tokens go through: the enabled one in the client's
 * direct-grant flow (its override, else the realm's), looked for in the flow's enabled sub-flows too. A client
 * without one cannot have codes sent, so that a realm that never set the API up cannot be used to send SMS.
 */
record NativeAppFlow(AuthenticationExecutionModel execution, AuthenticatorConfigModel config) {

    static Optional<NativeAppFlow> of(RealmModel realm, ClientModel client) {
        String overrideId = client.getAuthenticationFlowBindingOverride(AuthenticationFlowBindings.DIRECT_GRANT_BINDING);
        AuthenticationFlowModel flow = overrideId != null ? realm.getAuthenticationFlowById(overrideId) : realm.getDirectGrantFlow();
        if (flow == null) {
            return Optional.empty();
        }
        return find(realm, flow.getId(), 0).map(execution -> new NativeAppFlow(execution,
                execution.getAuthenticatorConfig() == null ? null : realm.getAuthenticatorConfigById(execution.getAuthenticatorConfig())));
    }

    private static Optional<AuthenticationExecutionModel> find(RealmModel realm, String flowId, int depth) {
        if (depth > 10) {
            return Optional.empty();    // flows nest a few levels; deeper is a loop an admin made
        }
        return realm.getAuthenticationExecutionsStream(flowId)
                .filter(execution -> !execution.isDisabled())
                .flatMap(execution -> execution.isAuthenticatorFlow()
                        ? find(realm, execution.getFlowId(), depth + 1).stream()
                        : SmsDirectGrantAuthenticatorFactory.PROVIDER_ID.equals(execution.getAuthenticator()) ? java.util.stream.Stream.of(execution)
                        : java.util.stream.Stream.empty())
                .findFirst();
    }
}
