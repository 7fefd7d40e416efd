package dev.smslogin.loginmethod;

import org.keycloak.provider.ProviderFactory;

public interface LoginMethodStoreFactory extends ProviderFactory<LoginMethodStore> {
}
