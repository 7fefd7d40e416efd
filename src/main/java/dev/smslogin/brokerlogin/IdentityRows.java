package dev.smslogin.brokerlogin;

import dev.smslogin.account.BrokeredAccounts;
import dev.smslogin.adminedit.AdminRefusal;
import dev.smslogin.loginmethod.IdentityLogin;
import dev.smslogin.loginmethod.IdentityTakenException;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.realm.PhoneSteps;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponse;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the app's rows of brokered identities in step with Keycloak's links ({@link BrokeredAccounts}): a global
 * event listener, called before the request's transaction commits, whose writes join that transaction. A link or an
 * unlink (first broker login, account console, admin) that cannot be mirrored (the app's database is down, the
 * identity's row is another app user's, an id longer than the column) is refused: the commit fails, and Keycloak's
 * link rolls back with it. A login through the provider repairs a missing row, and is never held up by it.
 */
final class IdentityRows implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(IdentityRows.class);
    private static final Set<EventType> LINKS = Set.of(EventType.FEDERATED_IDENTITY_LINK, EventType.REMOVE_FEDERATED_IDENTITY, EventType.REGISTER);
    /** {@code users/{id}/federated-identity/{alias}}: an admin's link or unlink. */
    private static final Pattern ADMIN_LINK = Pattern.compile("users/([^/]+)/federated-identity/([^/]+)");

    private static final String UNAVAILABLE = "The identity cannot be linked or unlinked now: the app's login-method database is "
            + "temporarily unavailable. Nothing was changed; try again in a moment.";
    private static final String NOT_MIRRORED = "The identity cannot be linked: the app's record of it belongs to another app account, "
            + "or its id is longer than the app's column. Nothing was changed.";

    private final KeycloakSession session;

    IdentityRows(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getError() != null || event.getUserId() == null || event.getDetails() == null) {
            return;
        }
        String alias = event.getDetails().get(Details.IDENTITY_PROVIDER);
        boolean link = LINKS.contains(event.getType());
        if (alias == null || !link && event.getType() != EventType.LOGIN) {
            return;
        }
        follow(session.realms().getRealm(event.getRealmId()), event.getUserId(), alias, link,
                event.getType() == EventType.REMOVE_FEDERATED_IDENTITY);
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getResourceType() != ResourceType.USER || event.getError() != null || event.getResourcePath() == null
                || event.getOperationType() != OperationType.CREATE && event.getOperationType() != OperationType.DELETE) {
            return;
        }
        Matcher path = ADMIN_LINK.matcher(event.getResourcePath());
        if (path.matches()) {
            follow(session.realms().getRealm(event.getRealmId()), path.group(1), path.group(2), true,
                    event.getOperationType() == OperationType.DELETE);
        }
    }

    private void follow(RealmModel realm, String userId, String alias, boolean link, boolean unlinked) {
        if (realm == null) {
            return;
        }
        BrokeredAccounts accounts = new BrokeredAccounts(session, realm);
        String method = accounts.methodOf(alias);
        if (method == null || !PhoneSteps.managePhoneNumbers(session, realm)) {
            return;
        }
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            return;
        }
        try {
            accounts.follow(user, method, unlinked);
        } catch (LoginMethodUnavailableException | IdentityTakenException | IdentityLogin.TooLongException e) {
            if (!link) {
                LOG.warnf("SMS login: the app's rows of user %s's identities of '%s' could not be repaired at its login: %s", userId, alias,
                        e.getMessage());
                return;
            }
            LOG.warnf("SMS login: a link or unlink of user %s's identity of '%s' is refused, nothing changed: %s", userId, alias, e.getMessage());
            // Keycloak ignores what a listener throws: a transaction that fails the commit rolls the link back with the rows
            Response.Status status = e instanceof LoginMethodUnavailableException ? Response.Status.SERVICE_UNAVAILABLE : Response.Status.CONFLICT;
            session.getTransactionManager().enlistPrepare(new AdminRefusal(ErrorResponse.error(e instanceof LoginMethodUnavailableException
                    ? UNAVAILABLE : NOT_MIRRORED, status)));
        }
    }

    @Override
    public void close() {
    }
}
