package dev.smslogin.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder in front of a real server, so a test can make the server unreachable ({@link #cut()}:
 * open connections are reset and new ones refused) and bring it back ({@link #restore()}) on the same port.
 */
public final class TcpProxy implements AutoCloseable {

    private final int targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile Thread acceptor;
    private volatile long delayMillis;
    /** The local address the connections to the server come from; null: the system's choice (loopback). */
    private final InetAddress upstreamSource;

    public TcpProxy(int targetPort) throws IOException {
        this(targetPort, null);
    }

    /**
     * A forwarder whose connections to the server come from {@code upstreamSource} (another loopback address, such as
     * 127.0.0.2): to the server, the clients of this proxy are another client address.
     */
    public TcpProxy(int targetPort, InetAddress upstreamSource) throws IOException {
        this.targetPort = targetPort;
        this.upstreamSource = upstreamSource;
        this.port = LocalPorts.free();  // below the ephemeral range: no outgoing connection takes it while the link is cut
        restore();
    }

    public int port() {
        return port;
    }

    public void restore() throws IOException {
        Thread cutAcceptor;
        synchronized (this) {
            if (listener != null) {
                return;
            }
            cutAcceptor = acceptor;
        }
        if (cutAcceptor != null) {
            // a listener closed while a thread is in accept() is closed only once that thread has returned: until
            // then the port still listens and cannot be bound again (a restore right after a cut). Waited for
            // outside the lock, which the acceptor may be waiting for in connect().
            try {
                cutAcceptor.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the cut listener closes", e);
            }
        }
        synchronized (this) {
            if (listener != null) {
                return;
            }
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = server;
            Thread thread = new Thread(() -> accept(server), "tcp-proxy-" + port);
            thread.setDaemon(true);
            acceptor = thread;
            thread.start();
        }
    }

    /**
     * Connections passing through now, each counted once (a client's socket and its socket to the server make
     * one): how many connections the client's pool holds open to the server.
     */
    public int openConnections() {
        return sockets.size() / 2;
    }

    /** Holds every chunk of data this long before passing it on: a slow server or network. 0 for none. */
    public void delay(java.time.Duration delay) {
        this.delayMillis = delay.toMillis();
    }

    public synchronized void cut() throws IOException {
        if (listener != null) {
            listener.close();
            listener = null;
        }
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        sockets.clear();
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                continue;
            }
            connect(server, client);
        }
    }

    /**
     * Locked against {@link #cut()}: an accept in progress can still return a connection after the listener was
     * closed (a replica reconnecting at once), and such a connection must not outlive the cut.
     */
    private synchronized void connect(ServerSocket server, Socket client) {
        if (listener != server) {
            closeQuietly(client);
            return;
        }
        try {
            Socket upstream = upstreamSource == null ? new Socket(InetAddress.getLoopbackAddress(), targetPort)
                    : new Socket(InetAddress.getLoopbackAddress(), targetPort, upstreamSource, 0);
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
        } catch (IOException upstreamDown) {
            closeQuietly(client);  // the server behind is down: the client sees the connection end
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (delayMillis > 0) {
                        Thread.sleep(delayMillis);
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException ignored) {
                // connection ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void closeQuietly(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
