package dev.smslogin.sms.log;

import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.SmsSenderFactory;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;

/**
 * {@code --spi-sms-sender--provider=log}: writes the masked number and the code to the server log instead of
 * sending an SMS. For development only; a warning at start says so.
 */
public final class LogSmsSenderFactory implements SmsSenderFactory {

    public static final String PROVIDER_ID = "log";
    private static final Logger LOG = Logger.getLogger("dev.smslogin.sms.log");
    private static final SmsSender SENDER = LogSmsSenderFactory::log;

    private static void log(PhoneNumber to, String code) {
        LOG.infof("SMS login code for %s: %s", to.masked(), code);
    }

    @Override
    public SmsSender create(KeycloakSession session) {
        return SENDER;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
