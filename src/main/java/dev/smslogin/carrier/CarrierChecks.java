package dev.smslogin.carrier;

import com.aliyuncs.DefaultAcsClient;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.SenderOptions;
import dev.smslogin.sms.account.RealmAccountSettings;
import dev.smslogin.sms.aliyun.AliyunSettings;
import dev.smslogin.sms.aliyun.AliyunSmsSenderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.vault.VaultStringSecret;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The carrier check of a flow's one-tap settings, with the Aliyun account they name: the flow's own keys (the secret
 * read through the realm's vault when it is a {@code ${vault.<key>}} reference), else the keys of the realm's Aliyun
 * SMS account (the first serving mainland China), else the server's Aliyun sender keys. One SDK client per account
 * and connection on this node, built at its first use, kept while in use, shut down with Keycloak ({@link #closeAll}).
 */
public final class CarrierChecks {

    /** The region whose realm SMS account lends its keys: the carriers' tokens are mainland China's. */
    private static final String CARRIER_REGION = "CN";
    /** More accounts than any server has: past it, the clients are shut down and built again as used. */
    private static final int MAX_KEPT = 256;

    private record Account(String accessKeyId, String accessKeySecret, String endpoint, String protocol, int timeoutMillis) {
        @Override
        public String toString() {
            return "Account[" + accessKeyId + ", " + protocol + "://" + endpoint + "]";
        }
    }

    private static final Map<Account, DefaultAcsClient> CLIENTS = new ConcurrentHashMap<>();

    private CarrierChecks() {
    }

    /**
     * The check for {@code settings} in {@code realm}.
     *
     * @throws CarrierUnavailableException when no Aliyun account is configured, or a vault reference does not resolve
     */
    public static CarrierCheck of(KeycloakSession session, RealmModel realm, OneTapSettings settings) {
        Account account = account(session, realm, settings);
        DefaultAcsClient client = CLIENTS.get(account);
        if (client == null) {
            if (CLIENTS.size() >= MAX_KEPT) {
                closeAll();
            }
            client = CLIENTS.computeIfAbsent(account, CarrierChecks::newClient);
        }
        return new AliyunPnvsCheck(client, settings);
    }

    /** Shuts down every client (Keycloak stops). */
    public static void closeAll() {
        CLIENTS.keySet().forEach(account -> {
            DefaultAcsClient client = CLIENTS.remove(account);
            if (client != null) {
                client.shutdown();
            }
        });
    }

    private static Account account(KeycloakSession session, RealmModel realm, OneTapSettings settings) {
        String id;
        String secret;
        if (settings.accessKeyId() != null) {
            id = settings.accessKeyId();
            secret = fromVault(session, settings.accessKeySecret());
        } else {
            RealmAccountSettings.Account realmAccount;
            try {
                realmAccount = RealmAccountSettings.first(session, realm, AliyunSmsSenderFactory.PROVIDER_ID, CARRIER_REGION);
            } catch (IllegalArgumentException e) {
                throw new CarrierUnavailableException("the realm's Aliyun SMS account cannot be used: " + e.getMessage());
            }
            if (realmAccount != null) {
                id = realmAccount.settings().get("access-key-id");
                secret = realmAccount.settings().get("access-key-secret");
            } else {
                AliyunSettings server = serverSettings(session);
                id = server == null ? null : server.accessKeyId();
                secret = server == null ? null : server.accessKeySecret();
            }
        }
        if (id == null || secret == null) {
            throw new CarrierUnavailableException("no Aliyun account for one-tap sign-in: set oneTapAccessKeyId and oneTapAccessKeySecret, "
                    + "an Aliyun SMS account of the realm, or the server's --spi-sms-sender--aliyun--access-key-id and -secret");
        }
        return new Account(id, secret, settings.endpoint(), settings.protocol(), settings.timeoutMillis());
    }

    private static AliyunSettings serverSettings(KeycloakSession session) {
        return session.getKeycloakSessionFactory().getProviderFactory(SmsSender.class, AliyunSmsSenderFactory.PROVIDER_ID)
                instanceof AliyunSmsSenderFactory aliyun ? aliyun.settings() : null;
    }

    private static String fromVault(KeycloakSession session, String value) {
        try (VaultStringSecret secret = session.vault().getStringSecret(value)) {
            return secret.get().orElseThrow(() -> new CarrierUnavailableException(OneTapSettings.ACCESS_KEY_SECRET
                    + ": the realm's vault holds no secret for " + value.strip()));
        }
    }

    /** A client of the SMS sender's kind (no retries, the timeouts of the settings) for the account. */
    private static DefaultAcsClient newClient(Account account) {
        Map<String, String> options = new HashMap<>();
        options.put("access-key-id", account.accessKeyId());
        options.put("access-key-secret", account.accessKeySecret());
        options.put("endpoint", account.endpoint());
        options.put(SenderOptions.PROTOCOL, account.protocol());
        options.put(SenderOptions.CONNECT_TIMEOUT_MS, String.valueOf(account.timeoutMillis()));
        options.put(SenderOptions.READ_TIMEOUT_MS, String.valueOf(account.timeoutMillis()));
        return AliyunSmsSenderFactory.newClient(AliyunSettings.from(options::get));
    }
}
