package dev.smslogin.credential;

import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.realm.PhoneAttributes;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The phone number as the account console's "Signing in" page shows it: a credential type {@code phone-number}
 * whose "Set up" (no verified number) or "Update" (a verified number) starts the {@code verify-phone-number}
 * action. Nobody logs in with this credential: the SMS login reads the {@code phoneNumber} attribute. A stored
 * marker of the type, labelled with the masked number and dated when the number was verified, is the row the page
 * lists; {@link #markVerified} writes it wherever a number is verified. The marker also binds the verification to
 * that one number (its secret data, which no admin or user representation carries): {@link #verifiedNumber}.
 */
public final class PhoneNumberCredentialProvider extends VerifiedNumberCredentialProvider {

    public static final String TYPE = "phone-number";
    /** The marker's secret data: the E.164 number it verifies ({@code {"number":"+86..."}}). */
    private static final String NUMBER = "number";

    PhoneNumberCredentialProvider(KeycloakSession session) {
        super(session);
    }

    /**
     * {@code user}'s marker now binds {@code phone}: the number's verification belongs to it, and to no number the
     * attribute may later hold (unless it already did).
     */
    public static void markVerified(UserModel user, PhoneNumber phone) {
        if (markers(user).anyMatch(marker -> phone.e164().equals(boundNumber(marker)))) {
            return;
        }
        unmark(user);
        CredentialModel marker = new CredentialModel();
        marker.setType(TYPE);
        marker.setUserLabel(phone.maskedForDisplay());
        marker.setCreatedDate(Time.currentTimeMillis());
        try {
            // writeValueAsString: valueAsString came with Keycloak 26.5
            marker.setSecretData(JsonSerialization.writeValueAsString(Map.of(NUMBER, phone.e164())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        marker.setCredentialData("{}");
        user.credentialManager().createStoredCredential(marker);
    }

    /** {@code user} has no verified number any more. */
    public static void unmark(UserModel user) {
        markers(user).toList().forEach(marker -> user.credentialManager().removeStoredCredentialById(marker.getId()));
    }

    private static Stream<CredentialModel> markers(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(TYPE);
    }

    /**
     * The number a marker was written for, or null. A marker of a version before the binding (no number in it) stands
     * for the number its label shows masked; {@link #markVerified} rewrites it at the holder's next login.
     */
    private static String boundNumber(CredentialModel marker) {
        try {
            Object number = JsonSerialization.readValue(marker.getSecretData(), Map.class).get(NUMBER);
            return number instanceof String e164 ? e164 : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean binds(CredentialModel marker, PhoneNumber phone) {
        String bound = boundNumber(marker);
        return bound != null ? bound.equals(phone.e164()) : phone.maskedForDisplay().equals(marker.getUserLabel());
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    CredentialTypeMetadata.CredentialTypeMetadataBuilder describe(CredentialTypeMetadata.CredentialTypeMetadataBuilder metadata) {
        return metadata.category(CredentialTypeMetadata.Category.BASIC_AUTHENTICATION)
                .displayName("phone-number-display-name")
                .helpText("phone-number-help-text")
                .iconCssClass("kcAuthenticatorDefaultClass");
    }

    @Override
    public boolean supportsCredentialType(String credentialType) {
        return TYPE.equals(credentialType);
    }

    /** The user has a number proven with a code: what the SMS second factor sends to. */
    public static boolean hasVerifiedNumber(UserModel user) {
        return verifiedNumber(user) != null;
    }

    /**
     * The user's verified number, or null. Verified means: {@code phoneNumberVerified} is {@code true} and the number
     * is the one that was proven (by a code, or vouched for by an admin): a number that changed since, by whatever path
     * (an admin edit, an identity-provider or LDAP mapper, an import, a profile form), is not verified, whatever
     * {@code phoneNumberVerified} still says. Also null for a value no code can go to (the validator refuses such values).
     */
    public static PhoneNumber verifiedNumber(UserModel user) {
        if (user == null || !"true".equals(user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER_VERIFIED))) {
            return null;
        }
        String value = user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER);
        if (value == null) {
            return null;
        }
        PhoneNumber phone;
        try {
            phone = PhoneNumber.fromE164(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return markers(user).anyMatch(marker -> binds(marker, phone)) ? phone : null;
    }
}
