package dev.smslogin.sms.twilio;

import dev.smslogin.sms.SmsPurpose;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.theme.Theme;

import java.io.IOException;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;

/**
 * The text of a code message, for senders that send text rather than an approved template: the login theme's message
 * {@code smsLoginSmsText<Purpose>} in the language of the page the code is asked from (English and Simplified Chinese
 * shipped; a realm's localization overrides it per language), with {@value #CODE} where the code goes.
 */
final class TwilioTexts {

    /** Where the code goes in a text. */
    static final String CODE = "{code}";
    /** When no theme text is found (a request outside a realm). */
    static final String BUILT_IN = "Your verification code is " + CODE + ". Do not share it with anyone.";
    private static final Logger LOG = Logger.getLogger(TwilioTexts.class);

    private TwilioTexts() {
    }

    /** {@code smsLoginSmsTextLogin}, {@code smsLoginSmsTextSecondFactor}, ... */
    static String messageKey(SmsPurpose purpose) {
        StringBuilder key = new StringBuilder("smsLoginSmsText");
        for (String word : purpose.id().split("-")) {
            key.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return key.toString();
    }

    /** The session's texts: its realm's login theme, in the language Keycloak picks for the request. */
    static Function<SmsPurpose, String> of(KeycloakSession session) {
        return purpose -> {
            RealmModel realm = session.getContext().getRealm();
            if (realm == null) {
                return null;
            }
            try {
                Locale locale = session.getContext().resolveLocale(null);
                Properties messages = session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, locale);
                String text = messages.getProperty(messageKey(purpose));
                if (text != null && !text.contains(CODE)) {
                    LOG.warnf("SMS sender 'twilio': the login theme's %s has no %s; the built-in text is sent", messageKey(purpose), CODE);
                    return null;
                }
                return text;
            } catch (IOException | RuntimeException e) {
                LOG.warnf("SMS sender 'twilio': no theme text for %s (%s); the built-in text is sent", messageKey(purpose), e.getClass().getSimpleName());
                return null;
            }
        };
    }

    /** {@code text} with the code in its place. */
    static String fill(String text, String code) {
        return text.replace(CODE, code);
    }
}
