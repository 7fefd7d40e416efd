package dev.smslogin.testing;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;

import java.lang.reflect.Proxy;

/**
 * What a provider factory's {@code postInit} asks of Keycloak at start: which provider of its SPI is in use. Any other
 * call fails the test, so a factory that needs more at start is noticed.
 */
public final class StartingKeycloak {

    private StartingKeycloak() {
    }

    /** A Keycloak whose {@code spi} provider in use is {@code selected}. */
    public static KeycloakSessionFactory using(Class<? extends Provider> spi, ProviderFactory<?> selected) {
        return (KeycloakSessionFactory) Proxy.newProxyInstance(StartingKeycloak.class.getClassLoader(),
                new Class<?>[]{KeycloakSessionFactory.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProviderFactory") && args != null && args.length == 1 && args[0] == spi) {
                        return selected;
                    }
                    throw new UnsupportedOperationException("at start, a factory asked Keycloak for " + method);
                });
    }
}
