package dev.smslogin.userprofile;

import dev.smslogin.adminedit.PhoneNumberValidator;
import dev.smslogin.realm.PhoneAttributes;
import dev.smslogin.realm.PhoneSteps;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.userprofile.UserProfileProvider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Declares {@code phoneNumber}, {@code phoneNumberVerified} and {@code appUserId} in the user profile of every realm
 * whose phone numbers are this extension's business ({@link #managesPhoneNumbers}), editable by admins only, so that
 * users never write them: only the extension's steps (the required action {@code verify-phone-number}, a sign-up)
 * and admins do.
 *
 * <p>Since Keycloak 24 every realm has a user profile. Attributes it does not declare ("unmanaged") are hidden from
 * the admin console and the admin API by default, and with the unmanaged-attribute policy "Enabled" users edit them
 * through the account REST API: a user who sets {@code appUserId} takes over another app user's rows at the next SMS
 * login, one who sets {@code phoneNumber} and {@code phoneNumberVerified} claims a number. Declared here, Keycloak
 * itself refuses a change of them in every user context (account, update-profile page, registration, brokered
 * review), whatever the unmanaged-attribute policy. An admin's own declaration is kept (display name, group,
 * annotations, validators, who may view), except what would open it to users: an edit permission for users becomes
 * admins only, and a scope selector is removed (where its scopes are not requested, the attribute is unmanaged
 * again); each such fix is logged. {@code phoneNumber} carries the {@link PhoneNumberValidator}: admin edits cannot
 * give a number two users, nor store one that is not an E.164 mobile number of an allowed region.
 *
 * <p>Runs at start for every such realm, when a realm is created or imported, in the transaction of every admin
 * change that can make a realm such a realm or change its user profile ({@link PhoneAttributesListenerFactory}),
 * and at the first SMS login page of a realm on each node.
 */
public final class PhoneAttributesDeclaration {

    private static final Logger LOG = Logger.getLogger(PhoneAttributesDeclaration.class);
    private static final Set<String> ADMIN = Set.of("admin");
    private static final Set<String> ADMIN_AND_USER = Set.of("admin", "user");

    private final Set<String> declaredRealmIds = ConcurrentHashMap.newKeySet();

    /**
     * Declares the attributes in the realm of {@code session}'s context, once per realm on this node (later changes
     * are seen by the admin-event listener). A failure is logged, and tried again next time.
     */
    public void ensureOnce(KeycloakSession session, RealmModel realm) {
        if (!declaredRealmIds.contains(realm.getId())) {
            try {
                ensure(session, realm);
                declaredRealmIds.add(realm.getId());
            } catch (RuntimeException e) {
                LOG.errorf("SMS login: could not declare phoneNumber, phoneNumberVerified and appUserId editable by admins "
                        + "only in the user profile of realm '%s' (%s); users may be able to write them until they are "
                        + "(docs/phone-numbers.md: User profile)", realm.getName(), e.getMessage());
            }
        }
    }

    /** Declares the attributes in every realm whose phone numbers are the extension's business. */
    void ensureInManagingRealms(KeycloakSession session) {
        session.realms().getRealmsStream().forEach(realm -> {
            session.getContext().setRealm(realm);
            if (PhoneSteps.managePhoneNumbers(session, realm)) {
                ensureOnce(session, realm);
            }
        });
    }

    /**
     * For a realm just created or imported, or one an admin just changed: declares the attributes when its phone
     * numbers are the extension's business ({@link #managesPhoneNumbers}), in the caller's transaction. Does not count
     * as the node's declaration of the realm (a creation or change that rolls back leaves no mark).
     *
     * @throws RuntimeException when the user profile could not be written: the realm's users could write the attributes
     */
    static void ensureIfManaged(KeycloakSession session, RealmModel realm) {
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm);   // the user profile read and written is the context realm's
        try {
            if (PhoneSteps.managePhoneNumbers(session, realm)) {
                ensure(session, realm);
            }
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    /**
     * Declares what is missing and closes what users could write; writes the user profile only when something changed.
     *
     * @throws RuntimeException when the user profile could not be written
     */
    private static void ensure(KeycloakSession session, RealmModel realm) {
        UserProfileProvider profiles = session.getProvider(UserProfileProvider.class);
        UPConfig config = profiles.getConfiguration();
        List<String> added = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        for (UPAttribute wanted : List.of(
                validated(attribute(PhoneAttributes.PHONE_NUMBER, "${phoneNumber}", ADMIN_AND_USER)),
                attribute(PhoneAttributes.PHONE_NUMBER_VERIFIED, "${phoneNumberVerified}", ADMIN_AND_USER),
                attribute(PhoneAttributes.APP_USER_ID, "App user id", ADMIN))) {
            UPAttribute existing = config.getAttribute(wanted.getName());
            if (existing == null) {
                config.addOrReplaceAttribute(wanted);
                added.add(wanted.getName());
                continue;
            }
            UPAttributePermissions permissions = existing.getPermissions();
            if (permissions != null && permissions.getEdit() != null && !ADMIN.containsAll(permissions.getEdit())) {
                // users may edit it: admins only, and whoever could edit it still sees it
                Set<String> viewers = new LinkedHashSet<>(permissions.getView() == null ? Set.of() : permissions.getView());
                viewers.addAll(permissions.getEdit());
                existing.setPermissions(new UPAttributePermissions(viewers, ADMIN));
                closed.add("'" + wanted.getName() + "' editable by admins only (it let users edit it)");
            }
            if (existing.getSelector() != null && existing.getSelector().getScopes() != null
                    && !existing.getSelector().getScopes().isEmpty()) {
                // where none of its scopes is requested (the account console, the account REST API) it is unmanaged
                existing.setSelector(null);
                closed.add("'" + wanted.getName() + "' declared in every context (it was declared only for the scopes "
                        + "it selected, and unmanaged elsewhere)");
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
        if (added.isEmpty() && closed.isEmpty()) {
            return;
        }
        profiles.setConfiguration(config);
        if (!added.isEmpty()) {
            LOG.infof("SMS login: declared %s in the user profile of realm '%s' (visible to admins, editable by admins only, numbers validated)",
                    String.join(", ", added), realm.getName());
        }
        if (!closed.isEmpty()) {
            LOG.warnf("SMS login: made %s in the user profile of realm '%s': users must never write phoneNumber, "
                    + "phoneNumberVerified or appUserId (docs/phone-numbers.md: User profile)",
                    String.join("; ", closed), realm.getName());
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
