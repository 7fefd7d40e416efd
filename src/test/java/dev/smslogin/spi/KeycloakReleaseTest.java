package dev.smslogin.spi;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeycloakReleaseTest {

    @ParameterizedTest
    @ValueSource(strings = {"26.4.0", "26.4.7", "26.5.6", "26.7.0", "26.7.3", "26.10.1", "27.0.0", "999.0.0-SNAPSHOT"})
    @DisplayName("given a release from 26.4 on (or a build of Keycloak's sources), then the server starts")
    void supported(String version) {
        assertThatCode(() -> KeycloakRelease.requireSupported(version)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"26.3.5", "26.0.0", "25.0.6", "24.0.5", "2.5.5.Final"})
    @DisplayName("given an older release, then the server is refused with a message naming both versions and what to do")
    void refused(String version) {
        assertThatThrownBy(() -> KeycloakRelease.requireSupported(version))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs Keycloak 26.4.0 or later")
                .hasMessageContaining("this server is " + version)
                .hasMessageContaining("Compatibility");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "unknown", "master"})
    @DisplayName("given a version that cannot be read, then the server is let through")
    void unreadable(String version) {
        assertThatCode(() -> KeycloakRelease.requireSupported(version)).doesNotThrowAnyException();
    }
}
