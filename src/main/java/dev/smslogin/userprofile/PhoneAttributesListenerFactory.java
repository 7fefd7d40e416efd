package dev.smslogin.userprofile;

import dev.smslogin.adminedit.AdminRefusal;
import dev.smslogin.spi.StatelessProviderFactory;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.services.ErrorResponse;

import java.util.Set;

/**
 * {@code sms-login-phone-attributes}: keeps {@code phoneNumber}, {@code phoneNumberVerified} and {@code appUserId}
 * declared, editable by admins only, in the user profile of every realm whose phone numbers are the extension's
 * business ({@link PhoneAttributesDeclaration}), from the moment it becomes one and whatever an admin does to its
 * user profile later:
 * <ul>
 *   <li>at start, once realms are imported and migrated, for every realm;</li>
 *   <li>when a realm is created or imported, in that transaction;</li>
 *   <li>as a global admin-event listener (Keycloak 26.7 sends every realm's admin events to global listeners, whatever
 *   the realm's event settings), in the transaction of each admin change of a realm's flows, executions, required
 *   actions, user profile or components: a realm that starts using {@code sms-otp}, the reset step, the direct grant
 *   or the required action is covered before the change commits, and an admin's user profile that drops the
 *   attributes or lets users edit them is corrected before it commits (the admin's answer shows the corrected profile).
 *   Where the correction cannot be written, the admin's change is refused whole.</li>
 * </ul>
 */
public final class PhoneAttributesListenerFactory implements EventListenerProviderFactory, StatelessProviderFactory<EventListenerProvider> {

    public static final String PROVIDER_ID = "sms-login-phone-attributes";
    private static final Logger LOG = Logger.getLogger(PhoneAttributesListenerFactory.class);
    /** The admin changes that can make phone numbers a realm's business, or change its user profile. */
    private static final Set<ResourceType> WATCHED = Set.of(ResourceType.AUTH_FLOW, ResourceType.AUTH_EXECUTION_FLOW,
            ResourceType.AUTH_EXECUTION, ResourceType.REQUIRED_ACTION, ResourceType.USER_PROFILE, ResourceType.COMPONENT);

    private final PhoneAttributesDeclaration declaration = new PhoneAttributesDeclaration();

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new Listener(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created) {
                // a realm imported with SMS steps: declared before any admin edits a user, in the import's transaction
                try {
                    PhoneAttributesDeclaration.ensureIfManaged(created.getKeycloakSession(), created.getCreatedRealm());
                } catch (RuntimeException e) {
                    // never fails the import: the next admin change of the realm, its first SMS page, or the next start try again
                    LOG.errorf("SMS login: could not declare phoneNumber, phoneNumberVerified and appUserId editable by "
                            + "admins only in the user profile of realm '%s' at its creation (%s); users may be able to "
                            + "write them until they are (docs/phone-numbers.md: User profile)",
                            created.getCreatedRealm().getName(), e.getMessage());
                }
            }
            if (event instanceof PostMigrationEvent) {
                try {
                    KeycloakModelUtils.runJobInTransaction(factory, declaration::ensureInManagingRealms);
                } catch (RuntimeException e) {
                    LOG.errorf("SMS login: could not check the realms' user profiles at start: %s", e.getMessage());
                }
            }
        });
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    private record Listener(KeycloakSession session) implements EventListenerProvider {

        @Override
        public void onEvent(AdminEvent event, boolean includeRepresentation) {
            if (event.getError() != null || !WATCHED.contains(event.getResourceType())) {
                return;
            }
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            if (realm == null) {
                return;     // the realm itself was deleted
            }
            try {
                PhoneAttributesDeclaration.ensureIfManaged(session, realm);
            } catch (RuntimeException e) {
                LOG.errorf("SMS login: admin change in realm '%s' refused, nothing changed: the phone attributes could not "
                        + "be declared editable by admins only in its user profile (%s)", realm.getName(), e.getMessage());
                // Keycloak ignores what a listener throws: a transaction that fails the commit's prepare phase rolls back
                // the admin's change with everything else of the request, and the admin gets this answer
                session.getTransactionManager().enlistPrepare(new AdminRefusal(ErrorResponse.error("This realm uses the SMS "
                        + "login steps, which need phoneNumber, phoneNumberVerified and appUserId declared in its user profile, "
                        + "editable by admins only, and they could not be declared: " + e.getMessage() + ". Nothing was changed.",
                        Response.Status.BAD_REQUEST)));
            }
        }

        @Override
        public void onEvent(Event event) {
        }

        @Override
        public void close() {
        }
    }
}
