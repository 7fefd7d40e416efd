package dev.smslogin.resetcredentials;

import dev.smslogin.credential.OtherSecondFactors;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a flow, after the SMS reset step, will certainly ask the user for one of their second factors (an
 * authenticator app, a security key, a passkey): a number proven by SMS alone must not end in a session of an account
 * that has one. Reads the flow as Keycloak's {@code DefaultAuthenticationFlow} runs it, and counts only what cannot be
 * avoided: a REQUIRED step of a second factor the user has, inside REQUIRED sub-flows or CONDITIONAL sub-flows whose
 * only conditions are "Condition - user configured" and hold for the user, or a group of ALTERNATIVE steps that are all
 * such second factors. Anything else (an ALTERNATIVE the user could pick instead, another condition, a step already
 * processed in this login session) does not count: in doubt, the reset is refused.
 */
final class SecondFactorAfterReset {

    /**
     * The steps of {@link OtherSecondFactors}, and the credential type each asks for. {@code sms-otp} is the same
     * phone: not one.
     */
    static final Map<String, String> SECOND_FACTOR_STEPS = Map.of(
            "auth-otp-form", OTPCredentialModel.TYPE,
            "webauthn-authenticator", WebAuthnCredentialModel.TYPE_TWOFACTOR,
            "webauthn-authenticator-passwordless", WebAuthnCredentialModel.TYPE_PASSWORDLESS);
    static final String CONDITION_USER_CONFIGURED = "conditional-user-configured";
    /** Deeper nesting than this is not followed (and then does not count). */
    private static final int MAX_DEPTH = 32;
    /** Execution states in which Keycloak does not run an execution again ({@code DefaultAuthenticationFlow.isProcessed}). */
    private static final Set<AuthenticationSessionModel.ExecutionStatus> PROCESSED = EnumSet.of(
            AuthenticationSessionModel.ExecutionStatus.SUCCESS, AuthenticationSessionModel.ExecutionStatus.SKIPPED,
            AuthenticationSessionModel.ExecutionStatus.ATTEMPTED, AuthenticationSessionModel.ExecutionStatus.SETUP_REQUIRED);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final UserModel user;
    private final AuthenticationSessionModel authSession;

    SecondFactorAfterReset(KeycloakSession session, RealmModel realm, UserModel user, AuthenticationSessionModel authSession) {
        this.session = session;
        this.realm = realm;
        this.user = user;
        this.authSession = authSession;
    }

    /**
     * Whether the flow certainly asks the user for one of their second factors once {@code execution} succeeded: in
     * the rest of its flow, else (that flow then being done) in the rest of each enclosing flow.
     */
    boolean askedAfter(AuthenticationExecutionModel execution) {
        AuthenticationExecutionModel current = execution;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            if (current.isRequired() || current.isConditional()) {
                // an ALTERNATIVE that succeeded ends its flow: nothing after it there runs
                List<AuthenticationExecutionModel> required = new ArrayList<>();
                split(current.getParentFlow(), required, new ArrayList<>());
                boolean after = false;
                for (AuthenticationExecutionModel next : required) {
                    if (after && asks(next, depth)) {
                        return true;
                    }
                    after |= next.getId().equals(current.getId());
                }
            }
            AuthenticationExecutionModel enclosing = realm.getAuthenticationExecutionByFlowId(current.getParentFlow());
            if (enclosing == null) {
                return false;  // the top flow is done: the login ends
            }
            current = enclosing;
        }
        return false;
    }

    /** Whether a REQUIRED or CONDITIONAL execution, when its turn comes, certainly asks for one of the user's second factors. */
    private boolean asks(AuthenticationExecutionModel execution, int depth) {
        if (depth > MAX_DEPTH || processed(execution)) {
            return false;
        }
        if (!execution.isAuthenticatorFlow()) {
            return execution.isRequired() && isUsersSecondFactor(execution);
        }
        if (execution.isConditional() && !conditionsHold(execution.getFlowId())) {
            return false;
        }
        return (execution.isRequired() || execution.isConditional()) && flowAsks(execution.getFlowId(), depth + 1);
    }

    /** Whether a sub-flow run from its start certainly asks for one of the user's second factors. */
    private boolean flowAsks(String flowId, int depth) {
        List<AuthenticationExecutionModel> required = new ArrayList<>();
        List<AuthenticationExecutionModel> alternatives = new ArrayList<>();
        split(flowId, required, alternatives);
        if (!required.isEmpty()) {
            // every one of them runs, in order, and the flow succeeds only when each did
            return required.stream().anyMatch(execution -> asks(execution, depth));
        }
        // Keycloak runs the first alternative the user has set up and offers the others the user has ("Try another way")
        return !alternatives.isEmpty()
                && alternatives.stream().allMatch(execution -> !execution.isAuthenticatorFlow()
                        && SECOND_FACTOR_STEPS.containsKey(execution.getAuthenticator()) && !processed(execution))
                && alternatives.stream().anyMatch(this::isUsersSecondFactor);
    }

    /**
     * Whether a CONDITIONAL sub-flow runs for the user: it has conditions, all of them "Condition - user configured",
     * and that condition holds as Keycloak evaluates it (the user has set up every REQUIRED step of the sub-flow, or
     * when there is none, one of its ALTERNATIVE steps).
     */
    private boolean conditionsHold(String flowId) {
        List<AuthenticationExecutionModel> executions = realm.getAuthenticationExecutionsStream(flowId).toList();
        List<AuthenticationExecutionModel> conditions = executions.stream().filter(e -> e.isEnabled() && isCondition(e)).toList();
        if (conditions.isEmpty() || !conditions.stream().allMatch(e -> CONDITION_USER_CONFIGURED.equals(e.getAuthenticator()))) {
            return false;
        }
        List<AuthenticationExecutionModel> steps = executions.stream().filter(e -> !e.isAuthenticatorFlow() && !isCondition(e)).toList();
        List<AuthenticationExecutionModel> required = steps.stream().filter(AuthenticationExecutionModel::isRequired).toList();
        List<AuthenticationExecutionModel> alternatives = steps.stream().filter(AuthenticationExecutionModel::isAlternative).toList();
        if (!required.isEmpty()) {
            return required.stream().allMatch(this::configuredFor);
        }
        return alternatives.isEmpty() || alternatives.stream().anyMatch(this::configuredFor);
    }

    /** A flow's executions as Keycloak runs them: REQUIRED and CONDITIONAL ones, else ALTERNATIVE ones; no conditions. */
    private void split(String flowId, List<AuthenticationExecutionModel> required, List<AuthenticationExecutionModel> alternatives) {
        realm.getAuthenticationExecutionsStream(flowId)
                .filter(e -> !(e.isEnabled() && isCondition(e)))
                .forEachOrdered(e -> {
                    if (e.isRequired() || e.isConditional()) {
                        required.add(e);
                    } else if (e.isAlternative()) {
                        alternatives.add(e);
                    }
                });
        if (!required.isEmpty()) {
            alternatives.clear();  // Keycloak ignores ALTERNATIVE executions beside REQUIRED ones
        }
    }

    private boolean isUsersSecondFactor(AuthenticationExecutionModel execution) {
        String type = execution.isAuthenticatorFlow() ? null : SECOND_FACTOR_STEPS.get(execution.getAuthenticator());
        return type != null && !processed(execution) && user.credentialManager().isConfiguredFor(type) && configuredFor(execution);
    }

    private boolean configuredFor(AuthenticationExecutionModel execution) {
        Authenticator authenticator = authenticator(execution);
        return authenticator != null && authenticator.configuredFor(session, realm, user);
    }

    private boolean isCondition(AuthenticationExecutionModel execution) {
        return !execution.isAuthenticatorFlow() && authenticator(execution) instanceof ConditionalAuthenticator;
    }

    private Authenticator authenticator(AuthenticationExecutionModel execution) {
        if (execution.getAuthenticator() == null) {
            return null;
        }
        AuthenticatorFactory factory = (AuthenticatorFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(Authenticator.class, execution.getAuthenticator());
        return factory == null ? null : factory.create(session);
    }

    private boolean processed(AuthenticationExecutionModel execution) {
        AuthenticationSessionModel.ExecutionStatus status = authSession.getExecutionStatus().get(execution.getId());
        return status != null && PROCESSED.contains(status);
    }
}
