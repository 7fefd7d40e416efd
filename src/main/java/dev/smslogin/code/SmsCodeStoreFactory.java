package dev.smslogin.code;

import org.keycloak.provider.ProviderFactory;

public interface SmsCodeStoreFactory extends ProviderFactory<SmsCodeStore> {
}
