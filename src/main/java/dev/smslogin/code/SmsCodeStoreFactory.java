package dev.smslogin.code;

import dev.smslogin.spi.StatelessProviderFactory;

public interface SmsCodeStoreFactory extends StatelessProviderFactory<SmsCodeStore> {
}
