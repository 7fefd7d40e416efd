package dev.smslogin.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What the local stand-ins of SMS vendors' HTTP APIs share: a loopback HTTP server, the messages they accepted (by
 * number), the requests they refused as the vendor would (bad credentials or signature), and the ways a test makes
 * them misbehave: slow, failing with a status, garbage, or hanging up without an answer. A subclass checks and
 * answers one request ({@link #answer}).
 *
 * @param <M> one accepted message
 */
public abstract class FakeVendorApi<M> implements AutoCloseable {

    /** An HTTP answer. */
    public record Reply(int status, String body) {
    }

    /**
     * What the fake does with the next requests instead of answering them normally: waits {@code delay} first; then
     * answers {@code reply} when not null (after checking the credentials, as the vendor does), or closes the
     * connection without a word when {@code hangsUp}.
     */
    public record Misbehaviour(Duration delay, Reply reply, boolean hangsUp) {

        public static Misbehaviour slow(Duration delay) {
            return new Misbehaviour(delay, null, false);
        }

        public static Misbehaviour answer(int status, String body) {
            return new Misbehaviour(Duration.ZERO, new Reply(status, body), false);
        }

        /** An HTTP error with a proxy's HTML page, as a load balancer in front of the vendor answers. */
        public static Misbehaviour gatewayError(int status) {
            return answer(status, "<html><body><h1>" + status + "</h1>The server is temporarily unavailable.</body></html>");
        }

        public static Misbehaviour malformed() {
            return answer(200, "<html>gateway</html>");
        }

        /** Reads the request, then closes the connection without answering: the request went out, no reply came. */
        public static Misbehaviour hangUp() {
            return new Misbehaviour(Duration.ZERO, null, true);
        }
    }

    /** One request as it arrived. */
    protected record Request(HttpExchange exchange, String method, String path, byte[] body) {
        public String header(String name) {
            return exchange.getRequestHeaders().getFirst(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Queue<M> messages = new ConcurrentLinkedQueue<>();
    private final Map<String, List<M>> byNumber = new ConcurrentHashMap<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private final AtomicReference<Misbehaviour> misbehaviour = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final Function<M, String> number;

    /**
     * Listens on {@code address} (loopback for a Keycloak on this machine).
     *
     * @param number the number one message went to, as the vendor names it
     */
    protected FakeVendorApi(String address, Function<M, String> number) throws IOException {
        this.number = number;
        server = HttpServer.create(new InetSocketAddress(address, 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code address:port}, e.g. {@code 127.0.0.1:port}. */
    public String address() {
        return server.getAddress().getAddress().getHostAddress() + ":" + port();
    }

    public List<M> messages() {
        return List.copyOf(messages);
    }

    public List<M> messagesTo(String number) {
        List<M> to = byNumber.get(number);
        if (to == null) {
            return List.of();
        }
        synchronized (to) {
            return List.copyOf(to);
        }
    }

    /** The last message to {@code number}; fails when none was accepted. */
    public M lastMessageTo(String number) {
        List<M> to = messagesTo(number);
        if (to.isEmpty()) {
            throw new AssertionError("no SMS was sent to " + number);
        }
        return to.get(to.size() - 1);
    }

    /** Requests refused for their credentials or signature: should stay empty. */
    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    /** Every request that reached this endpoint, whatever it was answered. */
    public int requests() {
        return requests.get();
    }

    /** The requests this endpoint is answering now (a slow one goes on after its caller gave up). */
    protected final int inFlight() {
        return inFlight.get();
    }

    /** The most requests this endpoint was answering at once since the last {@link #reset()}. */
    public int mostInFlight() {
        return mostInFlight.get();
    }

    public void misbehave(Misbehaviour next) {
        misbehaviour.set(next);
    }

    public void behave() {
        misbehaviour.set(null);
    }

    /** Forgets what was asked, once the answers still under way (a slow one the caller gave up on) have ended. */
    public void reset() {
        behave();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
        }
        requests.set(0);
        mostInFlight.set(0);
        messages.clear();
        byNumber.clear();
        rejections.clear();
        behave();
    }

    /**
     * Checks the request's credentials as the vendor does.
     *
     * @return the vendor's answer to a refused request, or null when the credentials are good
     */
    protected abstract Reply authenticate(Request request);

    /** Answers a request whose credentials are good, calling {@link #accepted} for a message it takes. */
    protected abstract Reply answer(Request request);

    /** Records a message the fake took. */
    protected final void accepted(M message) {
        messages.add(message);
        List<M> to = byNumber.computeIfAbsent(number.apply(message), k -> new ArrayList<>());
        synchronized (to) {
            to.add(message);
        }
    }

    /** Records a request refused for its credentials, with the vendor's reason. */
    protected final void rejected(String reason) {
        rejections.add(reason);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            Request request = new Request(exchange, exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestBody().readAllBytes());
            Misbehaviour mis = misbehaviour.get();
            if (mis != null && !mis.delay().isZero()) {
                sleep(mis.delay());
            }
            if (mis != null && mis.hangsUp()) {
                exchange.close();
                return;
            }
            Reply refused = authenticate(request);
            if (refused != null) {
                reply(exchange, refused);
                return;
            }
            reply(exchange, mis != null && mis.reply() != null ? mis.reply() : answer(request));
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    private static void reply(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.body().startsWith("<") ? "text/html" : "application/json; charset=utf-8");
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Answers {@code exchange} with a body of {@code contentType} (for the fakes' non-API paths: scripts, widgets). */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code length} random letters and digits, for the tokens a fake issues. */
    public static String randomText(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
