package dev.smslogin.sms.twilio;

import dev.smslogin.sms.SenderOptions;
import dev.smslogin.sms.SmsPurpose;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.VendorSenderFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import java.util.Map;

/**
 * {@code --spi-sms-sender--twilio--*}: Twilio Programmable Messaging. Owns this node's one HTTP client for Twilio,
 * built at start and closed with Keycloak. Without credentials the sender refuses every send with a clear log line
 * instead of failing start.
 */
public final class TwilioSmsSenderFactory extends VendorSenderFactory {

    public static final String PROVIDER_ID = "twilio";
    private static final Logger LOG = Logger.getLogger(TwilioSmsSenderFactory.class);

    private TwilioSettings settings;
    private CloseableHttpClient http;

    @Override
    public void init(Config.Scope config) {
        settings = TwilioSettings.from(config::get);
        started(config::get, settings.connection(), settings::missingOptions);
        http = TwilioSmsSender.newHttpClient(settings.connection().maxConcurrentSends());
    }

    @Override
    public SmsSender create(KeycloakSession session) {
        return new TwilioSmsSender(settings, http, bulkhead(), TwilioTexts.of(session));
    }

    @Override
    protected Account openAccount(Function<String, String> option) {
        TwilioSettings account = TwilioSettings.from(option);
        requireComplete(account.missingOptions());
        return new Account() {
            @Override
            public SmsSender sender(KeycloakSession session) {
                return new TwilioSmsSender(account, http, bulkhead(), TwilioTexts.of(session));
            }

            @Override
            public void close() {
                // the HTTP client is the node's, shared with the server's account
            }
        };
    }

    /** The client every Twilio sender of this node shares. */
    public CloseableHttpClient httpClient() {
        return http;
    }

    @Override
    public void close() {
        if (http != null) {
            try {
                http.close();
            } catch (IOException e) {
                LOG.debugf("SMS sender 'twilio': closing the HTTP client: %s", e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        ProviderConfigurationBuilder builder = ProviderConfigurationBuilder.create()
                .property().name("account-sid").type(ProviderConfigProperty.STRING_TYPE).helpText("Twilio Account SID (AC...).").add()
                .property().name("auth-token").type(ProviderConfigProperty.PASSWORD).secret(true).helpText("Twilio Auth Token.").add()
                .property().name("from").type(ProviderConfigProperty.STRING_TYPE).helpText("Sender: one of the account's numbers (E.164) or an alphanumeric sender ID.").add()
                .property().name("messaging-service-sid").type(ProviderConfigProperty.STRING_TYPE).helpText("Messaging Service SID (MG...), instead of or beside from.").add()
                .property().name("message").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Text of every code message, with {code} (default: the login theme's text in the user's language).").add();
        for (SmsPurpose purpose : SmsPurpose.values()) {
            builder.property().name(SenderOptions.perPurposeName("message", purpose)).type(ProviderConfigProperty.STRING_TYPE)
                    .helpText("Text of " + purpose.id() + " codes, with {code} (default: message).").add();
        }
        return SenderOptions.connectionOptions(builder, TwilioSettings.DEFAULT_ENDPOINT, "Twilio").build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = super.getOperationalInfo();
        info.put("sender", settings.messagingServiceSid() != null ? "messaging service" : "from");
        return info;
    }
}
