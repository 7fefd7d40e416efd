package dev.smslogin.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hosts files that put a fake vendor's host names on the loopback address, for {@code -Djdk.net.hosts.file}. */
public final class LoopbackHosts {

    private LoopbackHosts() {
    }

    /** Writes {@code file}: this machine's {@code /etc/hosts} and each of {@code names} on 127.0.0.1. */
    public static Path file(Path file, String... names) throws IOException {
        Path system = Path.of("/etc/hosts");
        String hosts = Files.isReadable(system) ? Files.readString(system) : "127.0.0.1 localhost\n";
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, hosts + (hosts.endsWith("\n") ? "" : "\n") + "127.0.0.1 " + String.join(" ", names) + "\n");
        return file;
    }
}
