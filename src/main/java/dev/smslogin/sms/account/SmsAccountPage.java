package dev.smslogin.sms.account;

import dev.smslogin.sms.AccountSenderFactory;
import dev.smslogin.sms.SmsSender;
import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.ui.extend.UiPageProvider;
import org.keycloak.services.ui.extend.UiPageProviderFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * An "SMS accounts" page of the admin console (Keycloak's declarative UI, {@code --features=declarative-ui}): a
 * realm's own accounts with one SMS service, each a component of the realm holding the service's settings (the same
 * names as its server options; secrets masked by Keycloak and accepting {@code ${vault.<key>}}), the destination
 * regions it serves and its priority among the accounts serving a region.
 */
abstract class SmsAccountPage implements UiPageProviderFactory<ComponentModel>, UiPageProvider {

    /** The page ids: {@code sms-account-<service>}. */
    static final String PREFIX = "sms-account-";

    private final String service;
    private volatile List<ProviderConfigProperty> properties = List.of();

    SmsAccountPage(String service) {
        this.service = service;
    }

    @Override
    public String getId() {
        return PREFIX + service;
    }

    @Override
    public String getHelpText() {
        return "This realm's own accounts with the " + service + " SMS service: the regions each serves, tried in priority "
                + "order (lowest first) when one is unavailable. A realm without accounts sends with the server's.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return properties;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (!(factory.getProviderFactory(SmsSender.class, service) instanceof AccountSenderFactory senders)) {
            return;
        }
        List<ProviderConfigProperty> all = new ArrayList<>(ProviderConfigurationBuilder.create()
                .property().name(SmsAccount.REGIONS).label("smsAccountRegions").helpText("smsAccountRegionsHelp")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue("CN").add()
                .property().name(SmsAccount.PRIORITY).label("smsAccountPriority").helpText("smsAccountPriorityHelp")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue("0").add()
                .build());
        senders.getConfigMetadata().stream().filter(option -> !AccountSenderFactory.SERVER_ONLY.contains(option.getName())).forEach(all::add);
        properties = List.copyOf(all);
    }

    /** An account is saved only when it can send: its settings complete and its vault references resolved. */
    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) throws ComponentValidationException {
        String problem = SmsAccount.problem(model.get(SmsAccount.REGIONS), model.get(SmsAccount.PRIORITY));
        if (problem != null) {
            throw new ComponentValidationException(problem);
        }
        try {
            AccountSenders.check(session, SmsAccount.of(model, service));
        } catch (IllegalArgumentException e) {
            throw new ComponentValidationException(e.getMessage());
        }
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        AccountSenders.forget(oldModel.getId());
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        AccountSenders.forget(model.getId());
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void close() {
    }
}
