package dev.smslogin.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.smslogin.testing.SentinelCluster.await;

/**
 * Redis servers on loopback that speak only TLS ({@code --port 0 --tls-port}), with throw-away certificates made by
 * {@code openssl} in a directory of their own: a test CA; server certificates from it for {@code localhost} and
 * 127.0.0.1, for {@code localhost} alone, and for another name ({@code evil.example}); a client certificate from it (PEM, and a PKCS12 key store);
 * the CA as a PKCS12 trust store; and a second CA that issued none of them.
 */
public final class TlsRedis implements AutoCloseable {

    /** The password of {@link #clientKeyStore()} and {@link #trustStore()}. */
    public final String storePassword = "store-" + UUID.randomUUID();

    private final Path dir;
    private final List<Process> servers = new ArrayList<>();

    public TlsRedis() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("redis-tls");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=sms-login test CA", "-addext", "basicConstraints=critical,CA:true",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2",
                "-subj", "/CN=another test CA", "-addext", "basicConstraints=critical,CA:true",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        // clientAuth too: Cluster nodes show their certificate to each other on the cluster bus
        issue("localhost", "DNS:localhost,IP:127.0.0.1", "serverAuth,clientAuth");
        issue("evil", "DNS:evil.example", "serverAuth,clientAuth");
        issue("localhost-name-only", "DNS:localhost", "serverAuth,clientAuth");
        issue("client", "DNS:keycloak.test", "clientAuth");
        openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-name", "client",
                "-out", "client.p12", "-passout", "pass:" + storePassword);
        run(List.of("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "truststore.p12",
                "-storetype", "PKCS12", "-storepass", storePassword));
    }

    /** The test CA, PEM. */
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** A CA that issued none of the servers' certificates, PEM. */
    public Path otherCa() {
        return dir.resolve("other-ca.pem");
    }

    /** The test CA in a PKCS12 trust store ({@link #storePassword}). */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    /** The client certificate and its key, PKCS12 ({@link #storePassword}). */
    public Path clientKeyStore() {
        return dir.resolve("client.p12");
    }

    /**
     * Starts a TLS-only Redis with the certificate {@code name} ({@code localhost}: for localhost and 127.0.0.1;
     * {@code evil}: for evil.example, from the same CA), asking for a client certificate of the CA when
     * {@code clientCertificates}. Returns its port.
     */
    public int start(String name, boolean clientCertificates) throws IOException, InterruptedException {
        int port = LocalPorts.free();
        Path log = dir.resolve("redis-" + port + ".log");
        Process server = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", String.valueOf(port),
                "--bind", "127.0.0.1", "--tls-cert-file", dir.resolve(name + ".pem").toString(),
                "--tls-key-file", dir.resolve(name + ".key").toString(), "--tls-ca-cert-file", ca().toString(),
                "--tls-auth-clients", clientCertificates ? "yes" : "no",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        servers.add(server);
        await("TLS redis-server on " + port + " ready", () -> {
            try {
                if (!server.isAlive()) {
                    throw new IllegalStateException("redis-server exited:\n" + Files.readString(log));
                }
                return Files.readString(log).contains("Ready to accept connections");
            } catch (IOException e) {
                return false;
            }
        });
        return port;
    }

    /**
     * Starts a Redis Cluster of three TLS-only masters (no replicas) with the certificate {@code name}, the cluster bus
     * over TLS too; the nodes announce themselves as 127.0.0.1. Returns the port of the first node.
     */
    public int startCluster(String name) throws IOException, InterruptedException {
        List<String> create = new ArrayList<>(List.of("redis-cli", "--tls", "--cacert", ca().toString(), "--cluster", "create"));
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = LocalPorts.free();
            Path log = dir.resolve("redis-" + port + ".log");
            servers.add(new ProcessBuilder("redis-server", "--port", "0", "--tls-port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--tls-cert-file", dir.resolve(name + ".pem").toString(),
                    "--tls-key-file", dir.resolve(name + ".key").toString(), "--tls-ca-cert-file", ca().toString(),
                    "--tls-auth-clients", "no", "--tls-cluster", "yes", "--cluster-enabled", "yes",
                    "--cluster-port", String.valueOf(LocalPorts.free()), "--cluster-config-file", "nodes-" + port + ".conf",
                    "--cluster-node-timeout", "1000", "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
            ports.add(port);
            create.add("127.0.0.1:" + port);
        }
        for (int port : ports) {
            Path log = dir.resolve("redis-" + port + ".log");
            await("TLS cluster node " + port + " ready", () -> {
                try {
                    return Files.readString(log).contains("Ready to accept connections");
                } catch (IOException e) {
                    return false;
                }
            });
        }
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        run(create);
        await("the TLS cluster serves every slot", () -> ports.stream().allMatch(port -> {
            try {
                Process info = new ProcessBuilder("redis-cli", "--tls", "--cacert", ca().toString(), "-h", "127.0.0.1",
                        "-p", String.valueOf(port), "cluster", "info").redirectErrorStream(true).start();
                String out = new String(info.getInputStream().readAllBytes());
                return info.waitFor() == 0 && out.contains("cluster_state:ok");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }));
        return ports.get(0);
    }

    private void issue(String name, String subjectAltNames, String extendedKeyUsage) throws IOException, InterruptedException {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + subjectAltNames + "\nextendedKeyUsage=" + extendedKeyUsage + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
                String.valueOf(Math.abs(UUID.randomUUID().getMostSignificantBits())), "-days", "2",
                "-extfile", name + ".ext", "-out", name + ".pem");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        run(command);
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Path out = dir.resolve("command.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(command.get(0) + " " + command.get(1) + " did not end within 60 s:\n" + Files.readString(out));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command.get(0) + " " + command.get(1) + " failed:\n" + Files.readString(out));
        }
    }

    @Override
    public void close() throws IOException {
        LocalPorts.stopAll(servers);
        LocalPorts.deleteRecursively(dir);
    }
}
