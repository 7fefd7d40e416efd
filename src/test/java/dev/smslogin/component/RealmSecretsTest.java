package dev.smslogin.component;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.vault.DefaultVaultRawSecret;
import org.keycloak.vault.DefaultVaultTranscriber;
import org.keycloak.vault.VaultProvider;
import org.keycloak.vault.VaultRawSecret;
import org.keycloak.vault.VaultTranscriber;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A realm component's settings with secrets read through Keycloak's vault transcriber (its {@code ${vault.<key>}} syntax). */
class RealmSecretsTest {

    private static final List<ProviderConfigProperty> OPTIONS = ProviderConfigurationBuilder.create()
            .property().name("key-id").type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name("key-secret").type(ProviderConfigProperty.PASSWORD).secret(true).add()
            .property().name("prefix").type(ProviderConfigProperty.STRING_TYPE).add()
            .build();

    /** A session whose realm vault holds {@code secrets} (Keycloak's own transcriber over a vault provider). */
    private static KeycloakSession sessionWithVault(Map<String, String> secrets) {
        VaultProvider vault = new VaultProvider() {
            @Override
            public VaultRawSecret obtainSecret(String key) {
                String value = secrets.get(key);
                return DefaultVaultRawSecret.forBuffer(Optional.ofNullable(value).map(v -> ByteBuffer.wrap(v.getBytes(StandardCharsets.UTF_8))));
            }

            @Override
            public void close() {
            }
        };
        VaultTranscriber transcriber = new DefaultVaultTranscriber(vault);
        return (KeycloakSession) Proxy.newProxyInstance(RealmSecretsTest.class.getClassLoader(), new Class<?>[]{KeycloakSession.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("vault")) {
                        return transcriber;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static ComponentModel component(Map<String, String> config) {
        ComponentModel component = new ComponentModel();
        config.forEach(component::put);
        return component;
    }

    @Test
    @DisplayName("given a secret typed in, then it is used as typed; blank and unlisted settings are left out")
    void typedSecret() {
        Map<String, String> resolved = RealmSecrets.resolved(sessionWithVault(Map.of()),
                component(Map.of("key-id", "id1", "key-secret", "typedSecret", "prefix", " ", "other", "x")), OPTIONS);
        assertThat(resolved).containsExactlyInAnyOrderEntriesOf(Map.of("key-id", "id1", "key-secret", "typedSecret"));
    }

    @Test
    @DisplayName("given a ${vault.<key>} secret, then the vault's value is used; a reference in a non-secret option stays as typed")
    void vaultSecret() {
        Map<String, String> resolved = RealmSecrets.resolved(sessionWithVault(Map.of("captcha-secret", "fromTheVault")),
                component(Map.of("key-id", "${vault.captcha-secret}", "key-secret", "${vault.captcha-secret}")), OPTIONS);
        assertThat(resolved).containsEntry("key-secret", "fromTheVault").containsEntry("key-id", "${vault.captcha-secret}");
    }

    @Test
    @DisplayName("given a ${vault.<key>} the vault does not hold, then refused naming the option and the reference")
    void missingVaultSecret() {
        assertThatThrownBy(() -> RealmSecrets.resolved(sessionWithVault(Map.of()),
                component(Map.of("key-secret", "${vault.gone}")), OPTIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key-secret: the realm's vault holds no secret for ${vault.gone}");
    }
}
