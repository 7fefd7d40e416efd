package dev.smslogin.code.redis;

import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.SmsCodeStoreFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.truststore.TruststoreProvider;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;

import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code --spi-sms-code-store--redis--*}. Owns the one Redis client (a connection pool) of this Keycloak
 * node: built at start (once Keycloak's truststore is known), connected lazily, closed at shutdown. At start it says
 * in one line what it found in Redis ({@link RedisStartCheck}); a Redis that does not answer then is a warning, never a
 * failed start.
 */
public final class RedisSmsCodeStoreFactory implements SmsCodeStoreFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "redis";
    static final String DEFAULT_URL = "redis://127.0.0.1:6379/0";
    static final String DEFAULT_PREFIX = "sms-login:";
    static final int DEFAULT_TIMEOUT_MS = 2000;

    private static final Logger LOG = Logger.getLogger(RedisSmsCodeStoreFactory.class);

    private RedisSettings settings;
    private RedisClient jedis;
    private RedisScriptRunner runner;
    private RedisKeys keys;
    private RedisTls tls;
    private String tlsDescription;

    @Override
    public SmsCodeStore create(KeycloakSession session) {
        return new RedisSmsCodeStore(runner, keys);
    }

    @Override
    public void init(Config.Scope config) {
        settings = RedisSettings.from(config.get("url"), config.get("key-prefix"), config.get("timeout-ms"),
                config.get("min-replicas-ack"));
        tls = RedisTls.from(config);
        if (!settings.tls() && tls.isConfigured()) {
            throw new IllegalArgumentException("sms-code-store redis: the tls-* options apply to rediss://, "
                    + "rediss-sentinel:// and rediss-cluster:// URLs, and 'url' is " + settings.redactedUrl());
        }
        keys = new RedisKeys(settings.keyPrefix());
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        KeyStore keycloakTruststore = settings.tls() && tls.usesKeycloakTruststore() ? keycloakTruststore(factory) : null;
        jedis = client(settings, tls, keycloakTruststore);
        runner = new RedisScriptRunner(jedis, settings.replicasToAck(), settings.timeoutMillis());
        tlsDescription = settings.tls() ? tls.describe(keycloakTruststore != null) : "off";
        if (factory.getProviderFactory(SmsCodeStore.class) != this) {
            return;  // another code store is in use: nothing to connect to, nothing to say
        }
        LOG.infof("SMS code store: Redis (%s) at %s, key prefix '%s', timeout %d ms, TLS: %s", settings.mode(),
                settings.redactedUrl(), settings.keyPrefix(), settings.timeoutMillis(), tlsDescription);
        if (settings.tls() && !tls.verifiesHostname()) {
            LOG.warnf("SMS code store: %s=false: the Redis server's certificate is not checked against its host name; "
                    + "any server holding a certificate of a trusted CA can answer the code checks (\"right code\" for "
                    + "every code). Use it only while moving to certificates that name the Redis hosts.", RedisTls.VERIFY_HOSTNAME);
        }
        RedisStartCheck.Finding finding = RedisStartCheck.run(settings, jedis);
        LOG.log(finding.warning() ? Logger.Level.WARN : Logger.Level.INFO, finding.text());
    }

    /** Keycloak's truststore ({@code --truststore-paths} and the JVM's CAs), as Keycloak's own outgoing TLS uses it. */
    private static KeyStore keycloakTruststore(KeycloakSessionFactory factory) {
        try (KeycloakSession session = factory.create()) {
            TruststoreProvider truststore = session.getProvider(TruststoreProvider.class);
            return truststore == null ? null : truststore.getTruststore();
        }
    }

    /** Without TLS options: a {@code rediss} URL trusts the JVM's default CAs and checks host names. */
    static RedisPool connect(RedisSettings settings) {
        return connect(settings, RedisTls.DEFAULTS, null);
    }

    /** A pool made now (Sentinel and Cluster connect as they are made, and fail when no node answers). */
    static RedisPool connect(RedisSettings settings, RedisTls tls, KeyStore keycloakTruststore) {
        return client(settings, tls, keycloakTruststore).pool();
    }

    /**
     * The client of {@code settings}: its configuration made now (a TLS set-up that cannot work stops the start), its
     * pool when first used.
     */
    static RedisClient client(RedisSettings settings, RedisTls tls, KeyStore keycloakTruststore) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(64);
        pool.setMaxIdle(16);
        pool.setMinIdle(0);
        pool.setMaxWait(Duration.ofMillis(settings.timeoutMillis()));
        pool.setTestWhileIdle(true);
        pool.setJmxEnabled(false);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(settings.timeoutMillis())
                .socketTimeoutMillis(settings.timeoutMillis())
                .user(settings.user())
                .password(settings.password());
        DefaultJedisClientConfig.Builder sentinelClient = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(settings.timeoutMillis())
                .socketTimeoutMillis(settings.timeoutMillis());
        if (settings.tls()) {
            tls.apply(client, keycloakTruststore);
            tls.apply(sentinelClient, keycloakTruststore);
        }
        Set<HostAndPort> nodes = settings.nodes().stream()
                .map(n -> new HostAndPort(n.host(), n.port()))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        JedisClientConfig config = client.database(settings.database()).build();  // database 0 in a Cluster
        JedisClientConfig sentinelConfig = sentinelClient.build();
        return new RedisClient(() -> switch (settings.mode()) {
            case STANDALONE -> new RedisPool(new PooledConnectionProvider(nodes.iterator().next(), config, pool), config);
            case SENTINEL -> new RedisPool(new SentineledConnectionProvider(settings.masterName(), config, pool, nodes,
                    sentinelConfig), config);
            case CLUSTER -> new RedisPool(new ClusterConnectionProvider(nodes, config, pool), 3, config);
        });
    }

    @Override
    public void close() {
        if (jedis != null) {
            jedis.close();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("url").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Redis URL: redis://[user:password@]host:port/db (rediss:// for TLS), "
                        + "redis-sentinel://host:26379,host:26380/db?master=name, or redis-cluster://host:7000,host:7001.")
                .defaultValue(DEFAULT_URL).add()
                .property().name("key-prefix").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Prefix of every key this extension writes.")
                .defaultValue(DEFAULT_PREFIX).add()
                .property().name("timeout-ms").type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Connect and read timeout of Redis commands, and the longest wait for a pooled connection, in milliseconds.")
                .defaultValue(DEFAULT_TIMEOUT_MS).add()
                .property().name("min-replicas-ack").type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Replicas that must acknowledge a used code's deletion (WAIT) before the login goes on; "
                        + "default 1 with redis-sentinel:// and redis-cluster://, else 0 (0 for a Cluster without replicas).").add()
                .property().name(RedisTls.TRUST_STORE_FILE).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("rediss: the CA certificates the Redis servers' certificates must chain to: a PEM file, or a "
                        + "PKCS12 or JKS trust store. Default: Keycloak's truststore (--truststore-paths and the JVM's CAs).").add()
                .property().name(RedisTls.TRUST_STORE_PASSWORD).type(ProviderConfigProperty.PASSWORD).secret(true)
                .helpText("rediss: password of a PKCS12 or JKS tls-trust-store-file (none for PEM).").add()
                .property().name(RedisTls.TRUST_STORE_TYPE).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("rediss: PEM, PKCS12 or JKS; default: read from the file.").add()
                .property().name(RedisTls.KEY_STORE_FILE).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("rediss: the client certificate and its key (PKCS12 or JKS), for Redis servers that ask for one "
                        + "(tls-auth-clients).").add()
                .property().name(RedisTls.KEY_STORE_PASSWORD).type(ProviderConfigProperty.PASSWORD).secret(true)
                .helpText("rediss: password of tls-key-store-file and of the key in it.").add()
                .property().name(RedisTls.KEY_STORE_TYPE).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("rediss: PKCS12 or JKS; default: read from the file.").add()
                .property().name(RedisTls.VERIFY_HOSTNAME).type(ProviderConfigProperty.BOOLEAN_TYPE)
                .helpText("rediss: check that each Redis server's certificate names the host (or IP address) connected to. "
                        + "Turning it off lets any server with a certificate of a trusted CA answer the code checks.")
                .defaultValue(true).add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("url", settings.redactedUrl(), "keyPrefix", settings.keyPrefix(),
                "timeoutMs", String.valueOf(settings.timeoutMillis()), "tls", String.valueOf(tlsDescription));
    }
}
