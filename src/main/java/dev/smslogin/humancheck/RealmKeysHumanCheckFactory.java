package dev.smslogin.humancheck;

import dev.smslogin.component.KeptPerComponent;
import dev.smslogin.component.RealmSecrets;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.ui.extend.UiPageProvider;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A vendor's human check that a realm may run with its own keys (its "human-check-&lt;provider&gt;" page of the admin
 * console, {@link HumanCheckKeysPage}). The check is built from options read by name: the server's
 * ({@code --spi-sms-human-check--<provider>--<option>}) at start, and for a realm with keys of its own the realm's
 * {@link #keyOptions} (secrets read through the realm's vault) over the server's other options: where the check and the
 * page's scripts reach the vendor stay the server admin's. A realm's check is built at its first use and kept while its
 * keys stay equal; the one of former keys is closed when they change, when the realm's keys go, and at shutdown.
 */
public abstract class RealmKeysHumanCheckFactory implements HumanCheckFactory {

    /** The page ids: {@code human-check-<provider>}. */
    public static final String PAGE_PREFIX = "human-check-";
    private static final int MAX_KEPT = 10_000;
    private static final Logger LOG = Logger.getLogger(RealmKeysHumanCheckFactory.class);

    /** A check built from one set of options, and what it holds until {@link #close()} (an SDK client, say). */
    protected static final class Built implements AutoCloseable {
        private final HumanCheck check;
        private final Runnable release;

        private Built(HumanCheck check, Runnable release) {
            this.check = check;
            this.release = release;
        }

        /** A check that holds nothing to close. */
        public static Built of(HumanCheck check) {
            return new Built(check, () -> { });
        }

        /** A check and how to release what it holds. */
        public static Built of(HumanCheck check, Runnable release) {
            return new Built(check, release);
        }

        @Override
        public void close() {
            release.run();
        }
    }

    private final KeptPerComponent<Built> realms = new KeptPerComponent<>(MAX_KEPT);
    private Function<String, String> serverOption;
    private Built server;

    /** The options a realm's keys set (every one required); the provider's other options stay the server's. */
    protected abstract List<String> keyOptions();

    /**
     * The check whose options {@code option} reads (null for an option not set).
     *
     * @throws IllegalArgumentException naming the option whose value is wrong
     */
    protected abstract Built build(Function<String, String> option);

    @Override
    public void init(Config.Scope config) {
        serverOption = config::get;
        server = build(serverOption);
    }

    /** The check of the realm in the session's context: with the realm's own keys when it has them, else the server's. */
    @Override
    public HumanCheck create(KeycloakSession session) {
        RealmModel realm = session.getContext().getRealm();
        ComponentModel keys = realm == null ? null : realmKeys(realm);
        if (keys == null) {
            return server.check;
        }
        try {
            return realms.get(keys.getId(), RealmSecrets.resolved(session, keys, keyProperties()), this::buildForRealm).check;
        } catch (IllegalArgumentException e) {
            LOG.warnf("SMS login: the %s keys of realm '%s' cannot be used (%s); its human check is unavailable until they are fixed",
                    getId(), realm.getName(), e.getMessage());
            return new UnavailableCheck(getId() + " keys of realm " + realm.getName() + " cannot be used");
        }
    }

    /** The check of the server's options (the realms without keys of their own). */
    public HumanCheck serverCheck() {
        return server.check;
    }

    /** {@code human-check-<provider>}: the admin-console page, and the component's provider id, of a realm's keys. */
    public String pageId() {
        return PAGE_PREFIX + getId();
    }

    /** The declarations of {@link #keyOptions}, as the server's options declare them (secrets masked). */
    public List<ProviderConfigProperty> keyProperties() {
        List<String> names = keyOptions();
        return getConfigMetadata().stream().filter(option -> names.contains(option.getName())).toList();
    }

    /**
     * Refuses keys a realm cannot use: a second set in the realm, a key missing, a vault reference that does not
     * resolve, a value the vendor could not have issued.
     *
     * @throws IllegalArgumentException saying what is wrong (never a secret)
     */
    public void checkRealmKeys(KeycloakSession session, RealmModel realm, ComponentModel keys) {
        realm.getComponentsStream(realm.getId(), UiPageProvider.class.getName())
                .filter(other -> pageId().equals(other.getProviderId()) && !other.getId().equals(keys.getId()))
                .findFirst().ifPresent(other -> {
                    throw new IllegalArgumentException("this realm already has its " + getId() + " keys ('" + other.getName()
                            + "'): change those instead");
                });
        Map<String, String> resolved = RealmSecrets.resolved(session, keys, keyProperties());
        List<String> missing = keyOptions().stream().filter(name -> !resolved.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing: " + String.join(", ", missing));
        }
        buildForRealm(resolved).close();
    }

    /** Closes the check built from the keys of component {@code componentId} (changed or removed). */
    public void forgetRealmKeys(String componentId) {
        realms.forget(componentId);
    }

    @Override
    public void close() {
        realms.forgetAll();
        if (server != null) {
            server.close();
        }
    }

    private Built buildForRealm(Map<String, String> keys) {
        List<String> names = keyOptions();
        return build(name -> names.contains(name) ? keys.get(name) : serverOption.apply(name));
    }

    private ComponentModel realmKeys(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UiPageProvider.class.getName())
                .filter(component -> pageId().equals(component.getProviderId()))
                .findFirst().orElse(null);
    }

    /** The check of a realm whose keys cannot be used now (a vault secret gone): no widget, every check unavailable. */
    private record UnavailableCheck(String reason) implements HumanCheck {
        @Override
        public Map<String, String> pageAttributes() {
            return Map.of();
        }

        @Override
        public boolean passes(Map<String, String> form, String clientIp) {
            throw new HumanCheckUnavailableException(reason, null);
        }
    }
}
