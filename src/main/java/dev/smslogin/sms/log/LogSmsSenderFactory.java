package dev.smslogin.sms.log;

import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.SmsTemplate;
import dev.smslogin.sms.SmsSenderFactory;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * {@code --spi-sms-sender--provider=log}: writes the masked number and the code to the server log instead of
 * sending an SMS. For development only; a warning at start says so.
 */
public final class LogSmsSenderFactory implements SmsSenderFactory {

    public static final String PROVIDER_ID = "log";
    private static final Logger LOG = Logger.getLogger("dev.smslogin.sms.log");
    private static final SmsSender SENDER = LogSmsSenderFactory::log;

    private static void log(PhoneNumber to, String code, SmsTemplate template) {
        LOG.infof("SMS login code for %s: %s", to.masked(), code);
    }

    /** Warns when this is the sender in use; a server that merely ships it says nothing. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (!PROVIDER_ID.equals(factory.getProviderFactory(SmsSender.class).getId())) {
            return;
        }
        LOG.warn("SMS login: the 'log' SMS sender is in use: NO text message is sent, and every login code is written to "
                + "this server log, where anyone who reads the log can log in as any phone user. For development only; "
                + "in production select a real sender, e.g. --spi-sms-sender--provider=aliyun.");
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
