package dev.smslogin.loginmethod;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityProviderMethodsTest {

    @Test
    @DisplayName("unset: wechat and weixin are 'WX', other providers have no rows")
    void defaults() {
        IdentityProviderMethods methods = IdentityProviderMethods.parse(null);
        assertThat(methods.methodOf("wechat")).isEqualTo("WX");
        assertThat(methods.methodOf("weixin")).isEqualTo("WX");
        assertThat(methods.methodOf("google")).isNull();
    }

    @Test
    @DisplayName("pairs as given; none: no provider")
    void given() {
        IdentityProviderMethods methods = IdentityProviderMethods.parse(" wechat-open:WX , qq:QQ ");
        assertThat(methods.methodOf("wechat-open")).isEqualTo("WX");
        assertThat(methods.methodOf("qq")).isEqualTo("QQ");
        assertThat(methods.methodOf("wechat")).isNull();
        assertThat(IdentityProviderMethods.parse("none").methodOf("wechat")).isNull();
    }

    @Test
    @DisplayName("a pair without a method, the phone's P, an alias twice, a method longer than the column: refused, naming it")
    void refused() {
        assertThatThrownBy(() -> IdentityProviderMethods.parse("wechat")).hasMessageContaining("'wechat'");
        assertThatThrownBy(() -> IdentityProviderMethods.parse("wechat:P")).hasMessageContaining("'P'");
        assertThatThrownBy(() -> IdentityProviderMethods.parse("a:X,a:Y")).hasMessageContaining("twice");
        assertThatThrownBy(() -> IdentityProviderMethods.parse("a:" + "M".repeat(37))).hasMessageContaining("36");
    }

    @Test
    @DisplayName("an id longer than the column is refused, not cut; logs see a masked id")
    void identificationLength() {
        assertThat(IdentityLogin.of("WX", "x".repeat(36)).identification()).hasSize(36);
        assertThatThrownBy(() -> IdentityLogin.of("WX", "x".repeat(37))).isInstanceOf(IdentityLogin.TooLongException.class);
        assertThat(IdentityLogin.of("WX", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M").masked()).isEqualTo("WX:o6_***L2M");
    }
}
