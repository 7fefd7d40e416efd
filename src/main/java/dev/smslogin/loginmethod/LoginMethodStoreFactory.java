package dev.smslogin.loginmethod;

import dev.smslogin.spi.StatelessProviderFactory;

public interface LoginMethodStoreFactory extends StatelessProviderFactory<LoginMethodStore> {
}
