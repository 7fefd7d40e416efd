package dev.smslogin.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local CAPTCHA "siteverify" endpoint (the reCAPTCHA / hCaptcha / Turnstile protocol): a token passes when it
 * starts with {@code human-}, was not checked before (tokens are single-use, as with the real services), and the
 * request carries the right secret. A request with no token at all (a check without a widget, judging the client's
 * address alone) gets {@link #tokenlessVerdict}, refused unless a test says otherwise.
 */
public final class FakeSiteVerify implements AutoCloseable {

    public static final String SECRET = "test-captcha-secret";
    private final HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean tokenlessVerdict;
    private final AtomicInteger tokenlessCalls = new AtomicInteger();
    private final java.util.Set<String> used = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FakeSiteVerify(HttpServer server) {
        this.server = server;
    }

    public static FakeSiteVerify start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        FakeSiteVerify fake = new FakeSiteVerify(server);
        server.createContext("/siteverify", exchange -> {
            fake.calls.incrementAndGet();
            if (fake.down) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            Map<String, String> form = FakeAliyunSms.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String token = form.getOrDefault("response", "");
            boolean success;
            String error;
            if (!form.containsKey("response")) {
                fake.tokenlessCalls.incrementAndGet();
                success = SECRET.equals(form.get("secret")) && fake.tokenlessVerdict;
                error = "low-score";
            } else {
                boolean human = SECRET.equals(form.get("secret")) && token.startsWith("human-");
                // a token is good for one check, as with the real services
                boolean fresh = fake.used.add(token);
                success = human && fresh;
                error = !human ? "invalid-input-response" : "timeout-or-duplicate";
            }
            byte[] body = ("{\"success\":" + success + (success ? "" : ",\"error-codes\":[\"" + error + "\"]") + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return fake;
    }

    public String verifyUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/siteverify";
    }

    /** While down, every check is answered {@code 503} (the CAPTCHA service's outage). */
    public void down(boolean down) {
        this.down = down;
    }

    /** The verdict on requests without a token (a check that judges the client's address alone); false at start. */
    public void tokenlessVerdict(boolean passes) {
        this.tokenlessVerdict = passes;
    }

    /** Requests without a token answered so far. */
    public int tokenlessCalls() {
        return tokenlessCalls.get();
    }

    public int calls() {
        return calls.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
