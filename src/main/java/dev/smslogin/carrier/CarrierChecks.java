package dev.smslogin.carrier;

import com.aliyuncs.DefaultAcsClient;
import dev.smslogin.cloudsdk.AliyunClients;
import dev.smslogin.sms.SmsSender;
import dev.smslogin.sms.account.RealmAccountSettings;
import dev.smslogin.sms.aliyun.AliyunSettings;
import dev.smslogin.sms.aliyun.AliyunSmsSenderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The carrier check of a realm, with its Aliyun account: the keys of the realm's Aliyun SMS account (the first serving
 * mainland China; its secret through the realm's vault when it is a {@code ${vault.<key>}} reference), else the
 * server's one-tap keys ({@link OneTapService}), else the server's Aliyun sender keys. One SDK client per account and
 * connection on this node, built at its first use, kept while in use, shut down with Keycloak ({@link #closeAll}).
 */
public final class CarrierChecks {

    /** The region whose realm SMS account lends its keys: the carriers' tokens are mainland China's. */
    private static final String CARRIER_REGION = "CN";
    /** More accounts than any server has: past it, the clients are shut down and built again as used. */
    private static final int MAX_KEPT = 256;
    /** The region of the SDK profile; the service's endpoint decides where requests go. */
    private static final String PROFILE_REGION = "cn-hangzhou";
    private static final int MAX_CONNECTIONS = 64;

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
     * The check of {@code realm} through {@code service}.
     *
     * @throws CarrierUnavailableException when no Aliyun account is configured, or a vault reference does not resolve
     */
    public static CarrierCheck of(KeycloakSession session, RealmModel realm, OneTapService service) {
        Account account = account(session, realm, service);
        DefaultAcsClient client = CLIENTS.get(account);
        if (client == null) {
            if (CLIENTS.size() >= MAX_KEPT) {
                closeAll();
            }
            client = CLIENTS.computeIfAbsent(account, CarrierChecks::newClient);
        }
        return new AliyunPnvsCheck(client, service);
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

    private static Account account(KeycloakSession session, RealmModel realm, OneTapService service) {
        RealmAccountSettings.Account realmAccount;
        try {
            realmAccount = RealmAccountSettings.first(session, realm, AliyunSmsSenderFactory.PROVIDER_ID, CARRIER_REGION);
        } catch (IllegalArgumentException e) {
            throw new CarrierUnavailableException("the realm's Aliyun SMS account cannot be used: " + e.getMessage());
        }
        String id;
        String secret;
        if (realmAccount != null) {
            id = realmAccount.settings().get("access-key-id");
            secret = realmAccount.settings().get("access-key-secret");
        } else if (service.accessKeyId() != null) {
            id = service.accessKeyId();
            secret = service.accessKeySecret();
        } else {
            AliyunSettings server = serverSettings(session);
            id = server == null ? null : server.accessKeyId();
            secret = server == null ? null : server.accessKeySecret();
        }
        if (id == null || secret == null) {
            throw new CarrierUnavailableException("no Aliyun account for one-tap sign-in: add an Aliyun SMS account to the realm, or set the server's "
                    + "--spi-authenticator--sms-login-direct-grant--one-tap-access-key-id and -secret, or the Aliyun sender's keys");
        }
        return new Account(id, secret, service.endpoint(), service.protocol(), service.timeoutMillis());
    }

    private static AliyunSettings serverSettings(KeycloakSession session) {
        return session.getKeycloakSessionFactory().getProviderFactory(SmsSender.class, AliyunSmsSenderFactory.PROVIDER_ID)
                instanceof AliyunSmsSenderFactory aliyun ? aliyun.settings() : null;
    }

    /** A client as every Aliyun port's (no retries, the service's timeouts) for the account. */
    private static DefaultAcsClient newClient(Account account) {
        return AliyunClients.newClient(PROFILE_REGION, account.accessKeyId(), account.accessKeySecret(), account.protocol(),
                account.timeoutMillis(), account.timeoutMillis(), MAX_CONNECTIONS);
    }
}
