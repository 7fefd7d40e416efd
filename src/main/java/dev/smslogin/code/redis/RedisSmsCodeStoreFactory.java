package dev.smslogin.code.redis;

import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.SmsCodeStoreFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code --spi-sms-code-store--redis--*}. Owns the one Redis client (a connection pool) of this Keycloak
 * node: built at start, connected lazily, closed at shutdown.
 */
public final class RedisSmsCodeStoreFactory implements SmsCodeStoreFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "redis";
    static final String DEFAULT_URL = "redis://127.0.0.1:6379/0";
    static final String DEFAULT_PREFIX = "sms-login:";
    static final int DEFAULT_TIMEOUT_MS = 2000;

    private static final Logger LOG = Logger.getLogger(RedisSmsCodeStoreFactory.class);

    private RedisSettings settings;
    private RedisPool jedis;
    private RedisScriptRunner runner;
    private RedisKeys keys;

    @Override
    public SmsCodeStore create(KeycloakSession session) {
        return new RedisSmsCodeStore(runner, keys);
    }

    @Override
    public void init(Config.Scope config) {
        settings = RedisSettings.from(config.get("url"), config.get("key-prefix"), config.get("timeout-ms"),
                config.get("min-replicas-ack"));
        jedis = connect(settings);
        keys = new RedisKeys(settings.keyPrefix());
        runner = new RedisScriptRunner(jedis, settings.replicasToAck(), settings.timeoutMillis());
        LOG.infof("SMS code store: Redis (%s) at %s, key prefix '%s', timeout %d ms", settings.mode(), settings.redactedUrl(),
                settings.keyPrefix(), settings.timeoutMillis());
    }

    static RedisPool connect(RedisSettings settings) {
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
                .ssl(settings.tls())
                .user(settings.user())
                .password(settings.password());
        Set<HostAndPort> nodes = settings.nodes().stream()
                .map(n -> new HostAndPort(n.host(), n.port()))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        JedisClientConfig config = client.database(settings.database()).build();  // database 0 in a Cluster
        return switch (settings.mode()) {
            case STANDALONE -> new RedisPool(new PooledConnectionProvider(nodes.iterator().next(), config, pool), config);
            case SENTINEL -> new RedisPool(new SentineledConnectionProvider(settings.masterName(), config, pool, nodes,
                    DefaultJedisClientConfig.builder().connectionTimeoutMillis(settings.timeoutMillis())
                            .socketTimeoutMillis(settings.timeoutMillis()).ssl(settings.tls()).build()), config);
            case CLUSTER -> new RedisPool(new ClusterConnectionProvider(nodes, config, pool), 3, config);
        };
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
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("url", settings.redactedUrl(), "keyPrefix", settings.keyPrefix(),
                "timeoutMs", String.valueOf(settings.timeoutMillis()));
    }
}
