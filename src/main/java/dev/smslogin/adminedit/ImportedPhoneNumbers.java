package dev.smslogin.adminedit;

import dev.smslogin.credential.PhoneNumberCredentialProvider;
import dev.smslogin.phone.PhoneMasking;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phone.PhoneNumberParser;
import dev.smslogin.realm.PhoneAttributes;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.SmsLoginConfigCache;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;

import java.util.stream.Stream;

/**
 * Refuses the import of a realm that uses the SMS steps (or validates {@code phoneNumber} with the
 * {@link PhoneNumberValidator}) whose users hold one {@code phoneNumber} twice, or a value the validator refuses; other
 * realms may keep anything in an attribute of that name. A full realm import ({@code POST /admin/realms}, the admin console's "Create realm" with a file,
 * {@code --import-realm}, {@code kc.sh import}) runs no user-profile validator and sends no per-user admin event.
 *
 * <p>Runs on Keycloak's {@code RealmPostCreateEvent}, which an import fires in its own transaction once the realm's
 * users are in (those of the realm file, and of a directory's user files when the import is one transaction, as it is
 * by default). Throwing there rolls the whole import back: the Admin REST API answers 409 (a number held twice) or 400
 * (a value that is no number) with the message; a startup import stops the start with it. One query reads the realm's
 * numbers in order, so the check takes one pass and constant memory however many users the realm brings.
 */
final class ImportedPhoneNumbers {

    private static final Logger LOG = Logger.getLogger(ImportedPhoneNumbers.class);
    private static final String NUMBERS_IN_ORDER = "select a.value, u.id, u.username from UserAttributeEntity a join a.user u"
            + " where a.name = :name and u.realmId = :realmId order by a.value, u.id";

    private ImportedPhoneNumbers() {
    }

    static void check(KeycloakSession session, RealmModel realm) {
        if (!PhoneSteps.managePhoneNumbers(session, realm)) {
            return;
        }
        EntityManager entities = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        PhoneNumberParser parser = PhoneNumberValidator.parser(realm, new SmsLoginConfigCache());
        try (Stream<Object[]> rows = entities.createQuery(NUMBERS_IN_ORDER, Object[].class)
                .setParameter("name", PhoneAttributes.PHONE_NUMBER)
                .setParameter("realmId", realm.getId())
                .getResultStream()) {
            Holder previous = null;
            for (Object[] row : (Iterable<Object[]>) rows::iterator) {
                Holder holder = new Holder((String) row[0], (String) row[1], (String) row[2]);
                if (holder.value() == null) {
                    // Keycloak keeps a value longer than 255 characters in another column: no number
                    throw refused(realm, new ModelException("User " + holder.named() + " of the imported realm has a phoneNumber "
                            + "longer than 255 characters. Nothing was imported."));
                }
                if (holder.value().isBlank()) {
                    continue;    // no number, as an admin may clear one
                }
                String formatError = PhoneNumberValidator.formatError(parser, holder.value());
                if (formatError != null) {
                    throw refused(realm, new ModelException("User " + holder.named() + " of the imported realm has a phoneNumber ("
                            + PhoneMasking.mask(holder.value()) + ") that " + reason(formatError) + ". Nothing was imported."));
                }
                if (previous != null && previous.value().equals(holder.value()) && !previous.userId().equals(holder.userId())) {
                    throw refused(realm, new ModelDuplicateException("Users " + previous.named() + " and " + holder.named()
                            + " of the imported realm have the same phoneNumber (" + PhoneMasking.mask(holder.value())
                            + "); a number logs into one account only. Nothing was imported."));
                }
                previous = holder;
            }
        }
        // the realm file's phoneNumberVerified=true is its author's word for the number beside it, and for that number only
        session.users().searchForUserByUserAttributeStream(realm, PhoneAttributes.PHONE_NUMBER_VERIFIED, "true").forEach(user -> {
            String value = user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER);
            if (value != null && !value.isBlank()) {
                PhoneNumberCredentialProvider.markVerified(user, PhoneNumber.fromE164(value));
            }
        });
    }

    private static ModelException refused(RealmModel realm, ModelException e) {
        LOG.warnf("SMS login: import of realm '%s' refused: %s", realm.getName(), e.getMessage());
        return e;
    }

    private static String reason(String messageKey) {
        return switch (messageKey) {
            case PhoneNumberValidator.NOT_MOBILE -> "is not a mobile number";
            case PhoneNumberValidator.REGION_NOT_ALLOWED -> "is of a region none of the realm's SMS login steps allows";
            default -> "is not a mobile number in E.164 form (+8613912345678)";
        };
    }

    private record Holder(String value, String userId, String username) {
        /** The username, unless it is the number itself (usernameFormat {@code phone}): then the user id. */
        String named() {
            return username == null || username.equals(value) || username.startsWith("+")
                    ? "'" + userId + "'" : "'" + username + "'";
        }
    }
}
