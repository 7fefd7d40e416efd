package dev.smslogin.authenticator;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.userprofile.UserProfileProvider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Declares {@code phoneNumber}, {@code phoneNumberVerified} and {@code appUserId} in the user profile of a realm
 * that uses the SMS login, where the realm does not declare them yet.
 *
 * <p>Since Keycloak 24 every realm has a user profile, and attributes it does not declare ("unmanaged") are hidden
 * from the admin console and the admin API by default; with the unmanaged-attribute policy "Enabled" users may
 * even edit them in the account console, and a user who could set {@code phoneNumber} could claim someone
 * else's number. Declared here, admins see the three attributes and only admins may change them. Declarations an
 * admin already made are kept as they are; one that lets users edit the number is warned about at start.
 *
 * <p>{@code phoneNumber} carries the {@link PhoneNumberValidator}: admin edits and imports cannot give a number two
 * users, nor store one that is not an E.164 mobile number of an allowed region. A realm whose declaration lacks it
 * gets it added.
 *
 * <p>Runs at start for every realm with an {@code sms-login} execution, when a realm is created or imported, and at
 * the first SMS login page of a realm on each node (for realms given the execution later).
 */
final class PhoneAttributesDeclaration {

    private static final Logger LOG = Logger.getLogger(PhoneAttributesDeclaration.class);
    private static final Set<String> ADMIN = Set.of("admin");
    private static final Set<String> ADMIN_AND_USER = Set.of("admin", "user");

    private final Set<String> declaredRealmIds = ConcurrentHashMap.newKeySet();

    /** Declares the attributes in the realm of {@code session}'s context, once per realm on this node. */
    void ensureOnce(KeycloakSession session, RealmModel realm) {
        if (!declaredRealmIds.contains(realm.getId())) {
            ensure(session, realm);
            declaredRealmIds.add(realm.getId());
        }
    }

    /** Declares the attributes in every realm whose flows hold an {@code sms-login} execution. */
    void ensureInRealmsUsingSmsLogin(KeycloakSession session) {
        session.realms().getRealmsStream().filter(PhoneAttributesDeclaration::usesSmsLogin).forEach(realm -> {
            session.getContext().setRealm(realm);
            ensureOnce(session, realm);
        });
    }

    /**
     * For a realm just created or imported: declares the attributes when its flows hold an {@code sms-login} execution.
     * Does not count as the node's declaration of the realm: an admin may change the user profile before its first
     * SMS login page, which then declares again what is missing (and a creation that rolls back leaves no mark).
     */
    void ensureIfUsesSmsLogin(KeycloakSession session, RealmModel realm) {
        if (!usesSmsLogin(realm)) {
            return;
        }
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm);
        try {
            ensure(session, realm);
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    /**
     * Whether phone numbers are this extension's business in {@code realm} (the realm of {@code session}'s context):
     * its flows hold one of the steps that send codes, or its user profile validates {@code phoneNumber} with
     * {@link PhoneNumberValidator}. Other realms may keep anything in an attribute of that name.
     */
    static boolean managesPhoneNumbers(KeycloakSession session, RealmModel realm) {
        if (usesSmsLogin(realm)) {
            return true;
        }
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm);   // the user profile read is the context realm's
        try {
            UPAttribute phoneNumber = session.getProvider(UserProfileProvider.class).getConfiguration()
                    .getAttribute(PhoneUsers.PHONE_NUMBER);
            return phoneNumber != null && hasValidations(phoneNumber, Set.of(PhoneNumberValidator.ID));
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    private static boolean usesSmsLogin(RealmModel realm) {
        return realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .anyMatch(RealmSendLimits::isSendingStep);
    }

    private static void ensure(KeycloakSession session, RealmModel realm) {
        UserProfileProvider profiles = session.getProvider(UserProfileProvider.class);
        UPConfig config = profiles.getConfiguration();
        List<String> added = new ArrayList<>();
        for (UPAttribute wanted : List.of(
                validated(attribute(PhoneUsers.PHONE_NUMBER, "${phoneNumber}", ADMIN_AND_USER)),
                attribute(PhoneUsers.PHONE_NUMBER_VERIFIED, "${phoneNumberVerified}", ADMIN_AND_USER),
                attribute(PhoneAccounts.APP_USER_ID, "App user id", ADMIN))) {
            UPAttribute existing = config.getAttribute(wanted.getName());
            if (existing == null) {
                config.addOrReplaceAttribute(wanted);
                added.add(wanted.getName());
                continue;
            }
            if (existing.getPermissions() != null && existing.getPermissions().getEdit() != null
                    && existing.getPermissions().getEdit().contains("user")) {
                LOG.warnf("SMS login: the user profile of realm '%s' lets users edit '%s'; a user could claim another "
                        + "person's phone number. Make it editable by admins only (Realm settings > User profile).",
                        realm.getName(), wanted.getName());
            }
            if (wanted.getValidations() != null && !hasValidations(existing, wanted.getValidations().keySet())) {
                // a realm declared before the validator existed, or an admin removed it: edits must stay safe
                Map<String, Map<String, Object>> validations = existing.getValidations() == null
                        ? new HashMap<>() : new HashMap<>(existing.getValidations());
                wanted.getValidations().forEach(validations::putIfAbsent);
                existing.setValidations(validations);
                added.add("the " + PhoneNumberValidator.ID + " validator of " + wanted.getName());
            }
        }
        if (added.isEmpty()) {
            return;
        }
        try {
            profiles.setConfiguration(config);
            LOG.infof("SMS login: declared %s in the user profile of realm '%s' (visible to admins, editable by admins only, numbers validated)",
                    String.join(", ", added), realm.getName());
        } catch (RuntimeException e) {
            LOG.warnf("SMS login: could not declare %s in the user profile of realm '%s' (%s); admins will not see "
                    + "these attributes until they are declared (README: User profile)", String.join(", ", added),
                    realm.getName(), e.getMessage());
        }
    }

    private static boolean hasValidations(UPAttribute attribute, Set<String> validatorIds) {
        return attribute.getValidations() != null && attribute.getValidations().keySet().containsAll(validatorIds);
    }

    /** {@code phoneNumber}: E.164, a mobile number of an allowed region, held by no other user ({@link PhoneNumberValidator}). */
    private static UPAttribute validated(UPAttribute attribute) {
        attribute.addValidation(PhoneNumberValidator.ID, new HashMap<>());
        return attribute;
    }

    private static UPAttribute attribute(String name, String displayName, Set<String> viewers) {
        UPAttribute attribute = new UPAttribute(name, new UPAttributePermissions(viewers, ADMIN));
        attribute.setDisplayName(displayName);
        attribute.setMultivalued(false);
        return attribute;
    }
}
