package dev.smslogin.sms;

import dev.smslogin.spi.StatelessProviderFactory;

public interface SmsSenderFactory extends StatelessProviderFactory<SmsSender> {
}
