package dev.smslogin.humancheck;

import dev.smslogin.spi.StatelessProviderFactory;

public interface HumanCheckFactory extends StatelessProviderFactory<HumanCheck> {
}
