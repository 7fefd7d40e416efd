package dev.smslogin.code;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodeHasherTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private final CodeHasher hasher = new CodeHasher(SECRET);
    private final CodeScope scope = hasher.scope("realm-1", "+8613912345678", "session-a");

    @Test
    void theHashIsStableAndDoesNotContainTheCode() {
        String hash = hasher.hash(scope, "123456");
        assertThat(hasher.hash(scope, "123456")).isEqualTo(hash);
        assertThat(hash).doesNotContain("123456").hasSizeGreaterThanOrEqualTo(43);
    }

    @Test
    void theHashIsBoundToSessionPhoneRealmAndSecret() {
        String hash = hasher.hash(scope, "123456");
        assertThat(hasher.hash(hasher.scope("realm-1", "+8613912345678", "session-b"), "123456")).isNotEqualTo(hash);
        assertThat(hasher.hash(hasher.scope("realm-1", "+8613912345679", "session-a"), "123456")).isNotEqualTo(hash);
        assertThat(hasher.hash(hasher.scope("realm-2", "+8613912345678", "session-a"), "123456")).isNotEqualTo(hash);
        assertThat(hasher.hash(scope, "123457")).isNotEqualTo(hash);
        byte[] otherSecret = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
        assertThat(new CodeHasher(otherSecret).hash(scope, "123456")).isNotEqualTo(hash);
    }

    @Test
    @DisplayName("store records are named by a keyed hash: no plain SHA-256 of the number, which a search over all numbers reverses")
    void recordNamesAreKeyed() throws Exception {
        String plain = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("+8613912345678".getBytes(StandardCharsets.UTF_8)));
        assertThat(plain).doesNotContain(scope.id().substring("realm-1:".length()));
        byte[] otherSecret = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
        CodeScope underOtherSecret = new CodeHasher(otherSecret).scope("realm-1", "+8613912345678", "session-a");
        assertThat(underOtherSecret.id()).isNotEqualTo(scope.id());
        assertThat(underOtherSecret.sessionId()).isNotEqualTo(scope.sessionId());
    }

    @Test
    @DisplayName("a client's records are named by a keyed hash of its address: stable, per realm and secret, no address in clear")
    void clientNamesAreKeyed() throws Exception {
        String name = hasher.clientName("realm-1", "203.0.113.7");
        assertThat(name).hasSize(32).matches("[0-9a-f]+").doesNotContain("203.0.113.7");
        assertThat(hasher.clientName("realm-1", "203.0.113.7")).isEqualTo(name);
        assertThat(hasher.clientName("realm-1", "203.0.113.8")).isNotEqualTo(name);
        assertThat(hasher.clientName("realm-2", "203.0.113.7")).isNotEqualTo(name);
        byte[] otherSecret = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
        assertThat(new CodeHasher(otherSecret).clientName("realm-1", "203.0.113.7")).isNotEqualTo(name);
        String plain = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("203.0.113.7".getBytes(StandardCharsets.UTF_8)));
        assertThat(plain).doesNotContain(name);
        assertThat(hasher.clientName("realm-1", "2001:db8:1:2::/64")).hasSize(32).doesNotContain(":");
    }

    @Test
    void matchesComparesWholeValues() {
        assertThat(CodeHasher.matches("abc", "abc")).isTrue();
        assertThat(CodeHasher.matches("abc", "abd")).isFalse();
        assertThat(CodeHasher.matches("abc", "abcd")).isFalse();
        assertThat(CodeHasher.matches(null, "abc")).isFalse();
        assertThat(CodeHasher.matches("abc", null)).isFalse();
    }

    @Test
    void refusesAShortSecret() {
        assertThatThrownBy(() -> new CodeHasher(new byte[8])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scopeIdsDoNotContainThePhoneNumber() {
        assertThat(scope.id()).startsWith("realm-1:").doesNotContain("13912345678");
        assertThat(hasher.scope("realm-1", "+8613912345678", "session-b").id()).as("one number, one id").isEqualTo(scope.id());
        assertThat(hasher.scope("realm-1", "+8613912345678", "session-b").sessionId()).isNotEqualTo(scope.sessionId());
        assertThat(hasher.scope("realm-1", "+8613912345679", "session-a").id()).isNotEqualTo(scope.id());
    }

    @Test
    @DisplayName("opaque usernames: deterministic per realm key, realm and number, a sequence per attempt, no digits of the number")
    void usernames() {
        String first = hasher.username("realm-1", "+8613912345678", 0);
        assertThat(first).matches("[0-9a-f]{24}").doesNotContain("5678").doesNotContain("139123");
        assertThat(new CodeHasher("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)).username("realm-1", "+8613912345678", 0))
                .as("the same on every node").isEqualTo(hasher.username("realm-1", "+8613912345678", 0));
        assertThat(hasher.username("realm-1", "+8613912345678", 1)).isNotEqualTo(first);
        assertThat(hasher.username("realm-2", "+8613912345678", 0)).isNotEqualTo(first);
        assertThat(hasher.username("realm-1", "+8613912345679", 0)).isNotEqualTo(first);
        byte[] otherSecret = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
        assertThat(new CodeHasher(otherSecret).username("realm-1", "+8613912345678", 0)).isNotEqualTo(first);
        assertThat(first).as("not the record name of the number").isNotEqualTo(scope.id().substring("realm-1:".length(), 32));
    }
}
