package dev.smslogin.component;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is kept per component: built once per settings, the former one closed when they change, go, or at shutdown. */
class KeptPerComponentTest {

    /** Something built from settings, as an SDK client is. */
    private static final class Client implements AutoCloseable {
        final Map<String, String> settings;
        boolean closed;

        Client(Map<String, String> settings) {
            this.settings = settings;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final List<Client> built = new ArrayList<>();

    private Client build(Map<String, String> settings) {
        Client client = new Client(settings);
        built.add(client);
        return client;
    }

    @Test
    @DisplayName("given equal settings, then the one built first is used again and nothing is built anew")
    void keptWhileEqual() {
        KeptPerComponent<Client> kept = new KeptPerComponent<>(10);
        Client first = kept.get("a", Map.of("key", "one"), this::build);
        Client again = kept.get("a", Map.of("key", "one"), this::build);
        assertThat(again).isSameAs(first);
        assertThat(built).hasSize(1);
        assertThat(first.closed).isFalse();
    }

    @Test
    @DisplayName("given changed settings (a key, or a vault secret that now resolves to another value), then a new one is built "
            + "from them and the former one is closed")
    void changedSettingsRebuildAndClose() {
        KeptPerComponent<Client> kept = new KeptPerComponent<>(10);
        Client first = kept.get("a", Map.of("key", "one"), this::build);
        Client second = kept.get("a", Map.of("key", "two"), this::build);
        assertThat(second).isNotSameAs(first);
        assertThat(second.settings).containsEntry("key", "two");
        assertThat(first.closed).isTrue();
        assertThat(second.closed).isFalse();
        assertThat(kept.get("b", Map.of("key", "two"), this::build)).as("another component, its own").isNotSameAs(second);
    }

    @Test
    @DisplayName("given a component removed, or the server stopping, then what was built for it is closed and not used again")
    void forgetCloses() {
        KeptPerComponent<Client> kept = new KeptPerComponent<>(10);
        Client a = kept.get("a", Map.of("key", "one"), this::build);
        Client b = kept.get("b", Map.of("key", "one"), this::build);
        kept.forget("a");
        assertThat(a.closed).isTrue();
        assertThat(b.closed).isFalse();
        assertThat(kept.get("a", Map.of("key", "one"), this::build)).isNotSameAs(a);
        kept.forgetAll();
        assertThat(built).allMatch(client -> client.closed);
        assertThat(kept.size()).isZero();
    }

    @Test
    @DisplayName("given more components than the bound, then all are closed and built again on their next use")
    void bounded() {
        KeptPerComponent<Client> kept = new KeptPerComponent<>(3);
        for (int i = 0; i < 4; i++) {
            kept.get("c" + i, Map.of(), this::build);
        }
        assertThat(kept.size()).isZero();
        assertThat(built).hasSize(4).allMatch(client -> client.closed);
    }

    @Test
    @DisplayName("given a build that fails (settings it refuses), then the error reaches the caller and what was kept stays")
    void failedBuildChangesNothing() {
        KeptPerComponent<Client> kept = new KeptPerComponent<>(10);
        Client first = kept.get("a", Map.of("key", "one"), this::build);
        assertThatThrownBy(() -> kept.get("a", Map.of("key", "bad"), settings -> {
            throw new IllegalArgumentException("key: bad");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("key: bad");
        assertThat(first.closed).isFalse();
        assertThat(kept.get("a", Map.of("key", "one"), this::build)).isSameAs(first);
    }
}
