package dev.smslogin.code.redis;

import org.keycloak.Config;
import redis.clients.jedis.DefaultJedisClientConfig;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;

/**
 * The TLS side of {@code rediss://}, {@code rediss-sentinel://} and {@code rediss-cluster://}: whom the client trusts,
 * the client certificate it shows, and whether it checks that the server's certificate names the host it connects to.
 * <ul>
 *   <li>Trust: {@code tls-trust-store-file} (PEM certificates, PKCS12 or JKS) replaces every other source; without it,
 *       Keycloak's truststore ({@code --truststore-paths}, the JVM's CAs), as for Keycloak's own outgoing
 *       connections.</li>
 *   <li>Client certificate: {@code tls-key-store-file} (PKCS12 or JKS), for servers with {@code tls-auth-clients}.</li>
 *   <li>Host name: checked by the TLS handshake (the certificate's subject alternative names must name the host, or
 *       IP address, of the URL, of the master Sentinel names, of each Cluster node), unless
 *       {@code tls-verify-hostname=false}.</li>
 * </ul>
 * Files are read at start, so that a wrong path or password stops Keycloak with a clear message; passwords appear in
 * no message.
 */
final class RedisTls {

    static final String TRUST_STORE_FILE = "tls-trust-store-file";
    static final String TRUST_STORE_PASSWORD = "tls-trust-store-password";
    static final String TRUST_STORE_TYPE = "tls-trust-store-type";
    static final String KEY_STORE_FILE = "tls-key-store-file";
    static final String KEY_STORE_PASSWORD = "tls-key-store-password";
    static final String KEY_STORE_TYPE = "tls-key-store-type";
    static final String VERIFY_HOSTNAME = "tls-verify-hostname";

    /** No option set: Keycloak's (or the JVM's) trust, no client certificate, host names checked. */
    static final RedisTls DEFAULTS = new RedisTls(null, null, null, null, null, true);

    private final KeyStore trustStore;
    private final String trustStoreDescription;
    private final KeyStore keyStore;
    private final char[] keyPassword;
    private final String keyStoreDescription;
    private final boolean verifyHostname;

    private RedisTls(KeyStore trustStore, String trustStoreDescription, KeyStore keyStore, char[] keyPassword,
                     String keyStoreDescription, boolean verifyHostname) {
        this.trustStore = trustStore;
        this.trustStoreDescription = trustStoreDescription;
        this.keyStore = keyStore;
        this.keyPassword = keyPassword;
        this.keyStoreDescription = keyStoreDescription;
        this.verifyHostname = verifyHostname;
    }

    /** The {@code tls-*} options of the provider's scope. */
    static RedisTls from(Config.Scope config) {
        return from(config.get(TRUST_STORE_FILE), config.get(TRUST_STORE_PASSWORD), config.get(TRUST_STORE_TYPE),
                config.get(KEY_STORE_FILE), config.get(KEY_STORE_PASSWORD), config.get(KEY_STORE_TYPE),
                config.get(VERIFY_HOSTNAME));
    }

    static RedisTls from(String trustFile, String trustPassword, String trustType, String keyFile, String keyPassword,
                         String keyType, String verifyHostname) {
        boolean verify;
        String verifyValue = blankToNull(verifyHostname);
        if (verifyValue == null || verifyValue.equalsIgnoreCase("true")) {
            verify = true;
        } else if (verifyValue.equalsIgnoreCase("false")) {
            verify = false;
        } else {
            throw invalid("'" + VERIFY_HOSTNAME + "' must be true or false");
        }
        if (blankToNull(trustFile) == null && (blankToNull(trustPassword) != null || blankToNull(trustType) != null)) {
            throw invalid("'" + TRUST_STORE_PASSWORD + "' and '" + TRUST_STORE_TYPE + "' need '" + TRUST_STORE_FILE + "'");
        }
        if (blankToNull(keyFile) == null && (blankToNull(keyPassword) != null || blankToNull(keyType) != null)) {
            throw invalid("'" + KEY_STORE_PASSWORD + "' and '" + KEY_STORE_TYPE + "' need '" + KEY_STORE_FILE + "'");
        }
        KeyStore trust = null;
        String trustDescription = null;
        if (blankToNull(trustFile) != null) {
            Path path = Path.of(trustFile.trim());
            trust = loadTrustStore(path, blankToNull(trustPassword), blankToNull(trustType));
            trustDescription = path.toAbsolutePath() + " (" + count(trust) + " certificate(s))";
        }
        KeyStore key = null;
        char[] password = null;
        String keyDescription = null;
        if (blankToNull(keyFile) != null) {
            Path path = Path.of(keyFile.trim());
            password = keyPassword == null ? new char[0] : keyPassword.toCharArray();
            key = loadKeyStore(path, password, blankToNull(keyType));
            keyDescription = path.toAbsolutePath().toString();
        }
        return new RedisTls(trust, trustDescription, key, password, keyDescription, verify);
    }

    /** Whether any {@code tls-*} option was set (they make sense only with a {@code rediss} URL). */
    boolean isConfigured() {
        return trustStore != null || keyStore != null || !verifyHostname;
    }

    boolean verifiesHostname() {
        return verifyHostname;
    }

    /** Whether the trust comes from Keycloak's truststore (no {@code tls-trust-store-file}). */
    boolean usesKeycloakTruststore() {
        return trustStore == null;
    }

    /** For the start log and Server Info: file names and whether host names are checked, never a password. */
    String describe(boolean keycloakTruststore) {
        return "trust " + (trustStore != null ? trustStoreDescription : keycloakTruststore ? "Keycloak's truststore" : "the JVM's CAs")
                + ", client certificate " + (keyStore != null ? keyStoreDescription : "none")
                + ", host name verification " + (verifyHostname ? "on" : "OFF");
    }

    /**
     * Sets TLS on a client config: the socket factory of this trust and client certificate, and the host name check.
     *
     * @param keycloakTruststore Keycloak's truststore, used when no {@code tls-trust-store-file} is set; null: the
     *                           JVM's default trust
     */
    void apply(DefaultJedisClientConfig.Builder client, KeyStore keycloakTruststore) {
        client.ssl(true);
        SSLParameters parameters = new SSLParameters();  // null fields leave the socket's protocols, suites, SNI alone
        if (verifyHostname) {
            // the handshake itself fails unless the certificate names the host (or IP address) connected to
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        client.sslParameters(parameters);
        KeyStore trust = trustStore != null ? trustStore : keycloakTruststore;
        if (trust == null && keyStore == null) {
            return;  // the JVM's default SSL context
        }
        try {
            TrustManager[] trustManagers = null;  // the JVM's default trust
            if (trust != null) {
                TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustFactory.init(trust);
                trustManagers = trustFactory.getTrustManagers();
            }
            KeyManager[] keyManagers = null;
            if (keyStore != null) {
                KeyManagerFactory keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyFactory.init(keyStore, keyPassword);
                keyManagers = keyFactory.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            client.sslSocketFactory(context.getSocketFactory());
        } catch (GeneralSecurityException e) {
            throw invalid("cannot set up TLS with the configured trust and key stores: " + e.getClass().getSimpleName()
                    + (keyStore != null ? " (is '" + KEY_STORE_PASSWORD + "' also the password of the key?)" : ""));
        }
    }

    private static KeyStore loadTrustStore(Path path, String password, String type) {
        if (!Files.isReadable(path)) {
            throw invalid("'" + TRUST_STORE_FILE + "' " + path.toAbsolutePath() + " is not a readable file");
        }
        try {
            if ("PEM".equalsIgnoreCase(type) || (type == null && isPem(path))) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                Collection<? extends Certificate> certificates;
                try (InputStream in = Files.newInputStream(path)) {
                    certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                int i = 0;
                for (Certificate certificate : certificates) {
                    store.setCertificateEntry("ca-" + i++, certificate);
                }
                if (i == 0) {
                    throw invalid("'" + TRUST_STORE_FILE + "' " + path.toAbsolutePath() + " holds no certificate");
                }
                return store;
            }
            KeyStore store = load(path, password == null ? null : password.toCharArray(), type);
            if (count(store) == 0) {
                throw invalid("'" + TRUST_STORE_FILE + "' " + path.toAbsolutePath() + " holds no certificate");
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw invalid("cannot read '" + TRUST_STORE_FILE + "' " + path.toAbsolutePath() + " (PEM, PKCS12 or JKS"
                    + (password != null ? ", with '" + TRUST_STORE_PASSWORD + "'" : "") + "): " + reason(e));
        }
    }

    private static KeyStore loadKeyStore(Path path, char[] password, String type) {
        if (!Files.isReadable(path)) {
            throw invalid("'" + KEY_STORE_FILE + "' " + path.toAbsolutePath() + " is not a readable file");
        }
        try {
            KeyStore store = load(path, password, type);
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw invalid("'" + KEY_STORE_FILE + "' " + path.toAbsolutePath() + " holds no private key");
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw invalid("cannot read '" + KEY_STORE_FILE + "' " + path.toAbsolutePath() + " (PKCS12 or JKS, with '"
                    + KEY_STORE_PASSWORD + "'): " + reason(e));
        }
    }

    private static KeyStore load(Path path, char[] password, String type) throws IOException, GeneralSecurityException {
        if (type == null) {
            return KeyStore.getInstance(path.toFile(), password);  // PKCS12 or JKS, whichever the file is
        }
        KeyStore store = KeyStore.getInstance(type.toUpperCase(Locale.ROOT));
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password);
        }
        return store;
    }

    private static boolean isPem(Path path) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4096);
        }
        return new String(head, StandardCharsets.ISO_8859_1).contains("-----BEGIN ");
    }

    private static int count(KeyStore store) {
        try {
            int certificates = 0;
            for (String alias : Collections.list(store.aliases())) {
                certificates += store.isCertificateEntry(alias) ? 1 : 0;
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            return 0;
        }
    }

    /** The failure's kind and message (a wrong password, an unknown format), which holds no secret. */
    private static String reason(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException("sms-code-store redis: " + message);
    }
}
