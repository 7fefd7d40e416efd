package dev.smslogin.realm;

import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.userprofile.UserProfileProvider;

import java.util.Set;

/**
 * The extension in a realm: the ids under which a realm's flows, required actions and user profile name its parts,
 * and whether a realm uses it at all ({@link #managePhoneNumbers}). Every part that acts on users outside a flow
 * (admin edits, imports, the user-profile declaration, the app's rows) acts only in realms that do.
 */
public final class PhoneSteps {

    public static final String SMS_LOGIN = "sms-login";
    public static final String DIRECT_GRANT = "sms-login-direct-grant";
    public static final String SECOND_FACTOR = "sms-otp";
    public static final String RESET_CREDENTIALS = "sms-reset-credentials";
    public static final String IDP_SMS_LINK = "idp-sms-link";
    public static final String VERIFY_PHONE_NUMBER = "verify-phone-number";
    /** The user-profile validator of {@code phoneNumber}. */
    public static final String PHONE_NUMBER_VALIDATOR = "sms-login-phone-number";

    /** The flow steps that send codes; their limits count together (same keys, same windows). */
    private static final Set<String> SENDING_STEPS = Set.of(SMS_LOGIN, DIRECT_GRANT, SECOND_FACTOR, RESET_CREDENTIALS, IDP_SMS_LINK);

    private PhoneSteps() {
    }

    /** Whether {@code execution} is one of the steps that send codes (a sub-flow's execution names no authenticator). */
    public static boolean isSendingStep(AuthenticationExecutionModel execution) {
        return execution.getAuthenticator() != null && SENDING_STEPS.contains(execution.getAuthenticator());
    }

    /**
     * Whether phone numbers are this extension's business in {@code realm}: its flows hold one of the steps that
     * send codes, it has the required action {@code verify-phone-number} enabled, or its user profile validates
     * {@code phoneNumber} with the extension's validator. Other realms may keep anything in an attribute of that name.
     */
    public static boolean managePhoneNumbers(KeycloakSession session, RealmModel realm) {
        if (usesPhoneSteps(realm)) {
            return true;
        }
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm);   // the user profile read is the context realm's
        try {
            UPAttribute phoneNumber = session.getProvider(UserProfileProvider.class).getConfiguration()
                    .getAttribute(PhoneAttributes.PHONE_NUMBER);
            return phoneNumber != null && phoneNumber.getValidations() != null
                    && phoneNumber.getValidations().containsKey(PHONE_NUMBER_VALIDATOR);
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    /** An execution of a step that sends codes in any of its flows, or the required action enabled. */
    private static boolean usesPhoneSteps(RealmModel realm) {
        return realm.getRequiredActionProvidersStream().anyMatch(action -> action.isEnabled()
                && VERIFY_PHONE_NUMBER.equals(action.getProviderId())) || realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .anyMatch(PhoneSteps::isSendingStep);
    }
}
