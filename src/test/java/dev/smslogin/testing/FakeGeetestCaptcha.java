package dev.smslogin.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local GeeTest CAPTCHA v4: the widget's script ({@code /v4/gt4.js}, a stand-in of {@code static.geetest.com/v4/gt4.js}
 * with its {@code initGeetest4(config, callback)} and the captcha object's {@code onReady}, {@code onSuccess},
 * {@code onError}, {@code showCaptcha}, {@code getValidate}), the challenge it loads ({@code /load?captcha_id=}: a fresh
 * {@code lot_number}, {@code captcha_output}, {@code pass_token}, {@code gen_time}), and the secondary validation API
 * ({@code /validate?captcha_id=}, POST form). The validation checks what GeeTest checks: the captcha id, a numeric
 * {@code gen_time}, a {@code lot_number} it issued ({@code status: error}, {@code -50301} otherwise), the
 * {@code sign_token} (the hex HMAC-SHA256 of {@code lot_number} under the captcha key), and that {@code captcha_output}
 * and {@code pass_token} are the ones issued with it; each result passes once. It knows {@link #CAPTCHA_ID} and the
 * captcha ids {@link #accept}ed (each {@code lot_number} is issued for one of them). It can be slow, down (503), or answer
 * garbage, and its script can be missing (404).
 */
public final class FakeGeetestCaptcha implements AutoCloseable {

    public static final String CAPTCHA_ID = "647f5ed2ed8acb4be36784e01556bb71";
    public static final String CAPTCHA_KEY = "b09a7aafbfd83f73b35a9b530d0337bf";

    /** What the widget (or a native app's SDK) got for one challenge of {@code captchaId} passed. */
    private record Issued(String captchaId, String captchaOutput, String passToken, String genTime) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    /** The captcha ids this GeeTest knows, with their keys: {@link #CAPTCHA_ID} and those {@link #accept}ed. */
    private final Map<String, String> keys = new ConcurrentHashMap<>(Map.of(CAPTCHA_ID, CAPTCHA_KEY));
    private final List<String> passedIds = new CopyOnWriteArrayList<>();
    private final Set<String> validated = ConcurrentHashMap.newKeySet();
    private final AtomicInteger validations = new AtomicInteger();
    private final AtomicInteger passes = new AtomicInteger();
    private final AtomicInteger scriptLoads = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean garbage;
    private volatile boolean scriptMissing;
    private volatile Duration delay = Duration.ZERO;

    private FakeGeetestCaptcha(HttpServer server) {
        this.server = server;
    }

    public static FakeGeetestCaptcha start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        FakeGeetestCaptcha fake = new FakeGeetestCaptcha(server);
        server.setExecutor(fake.executor);
        server.createContext("/v4/gt4.js", fake::script);
        server.createContext("/load", fake::load);
        server.createContext("/validate", fake::validate);
        server.start();
        return fake;
    }

    // ---- what the page's widget does ----

    private void script(HttpExchange exchange) throws IOException {
        scriptLoads.incrementAndGet();
        if (scriptMissing) {
            reply(exchange, 404, "text/plain", "not found");
            return;
        }
        try (InputStream in = FakeGeetestCaptcha.class.getResourceAsStream("fake-gt4.js")) {
            reply(exchange, 200, "application/javascript; charset=utf-8", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** One challenge passed in the widget: GET {@code /load?captcha_id=}, called by the fake script (CORS open). */
    private void load(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        Map<String, String> query = FakeAliyunSms.parse(exchange.getRequestURI().getRawQuery());
        String captchaId = query.get("captcha_id");
        if (captchaId == null || !keys.containsKey(captchaId)) {
            reply(exchange, 200, "application/json", "{\"status\":\"error\",\"code\":\"-50103\",\"msg\":\"not captcha\"}");
            return;
        }
        Map<String, String> result = new LinkedHashMap<>(solve(captchaId));
        result.put("captcha_id", captchaId);
        StringBuilder json = new StringBuilder("{");
        result.forEach((name, value) -> json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":\"").append(value).append('"'));
        reply(exchange, 200, "application/json", json.append('}').toString());
    }

    /**
     * A challenge passed, as the widget's {@code getValidate()} (or a native app's SDK) returns it: {@code lot_number},
     * {@code captcha_output}, {@code pass_token}, {@code gen_time}, the request fields of the phone form and the API.
     */
    public Map<String, String> solve() {
        return solve(CAPTCHA_ID);
    }

    /** A challenge of captcha id {@code captchaId} passed (GeeTest issues each {@code lot_number} for one captcha id). */
    public Map<String, String> solve(String captchaId) {
        String lotNumber = hex(16);
        Issued result = new Issued(captchaId, hex(48), hex(32), Long.toString(System.currentTimeMillis() / 1000));
        issued.put(lotNumber, result);
        return Map.of("lot_number", lotNumber, "captcha_output", result.captchaOutput(), "pass_token", result.passToken(),
                "gen_time", result.genTime());
    }

    // ---- the secondary validation API ----

    private void validate(HttpExchange exchange) throws IOException {
        validations.incrementAndGet();
        sleep(delay);
        if (down) {
            reply(exchange, 503, "text/html", "<html><body>503 Service Temporarily Unavailable</body></html>");
            return;
        }
        if (garbage) {
            reply(exchange, 200, "text/html", "<html>gateway</html>");
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>(FakeAliyunSms.parse(exchange.getRequestURI().getRawQuery()));
        fields.putAll(FakeAliyunSms.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        reply(exchange, 200, "application/json", verdict(fields));
    }

    private String verdict(Map<String, String> fields) {
        String captchaId = fields.get("captcha_id");
        if (captchaId == null || captchaId.isEmpty()) {
            return error("-50101", "not captcha_id");
        }
        String captchaKey = keys.get(captchaId);
        if (captchaKey == null) {
            return error("-50103", "not captcha");
        }
        String genTime = fields.getOrDefault("gen_time", "");
        if (!genTime.matches("[0-9]+")) {
            return error("-50005", "illegal gen_time");
        }
        String lotNumber = fields.getOrDefault("lot_number", "");
        if (lotNumber.isEmpty()) {
            return error("-50302", "not lot_number");
        }
        Issued result = issued.get(lotNumber);
        if (result == null || !result.captchaId().equals(captchaId)) {
            return error("-50301", "not proof");   // no lot_number of this captcha id
        }
        if (!constantTimeEquals(signToken(lotNumber, captchaKey), fields.getOrDefault("sign_token", ""))) {
            return fail("sign_token error");
        }
        if (!result.captchaOutput().equals(fields.get("captcha_output")) || !result.passToken().equals(fields.get("pass_token"))
                || !result.genTime().equals(genTime)) {
            return fail("pass_token error");
        }
        if (!validated.add(lotNumber)) {
            return fail("pass_token used");   // each result passes once
        }
        passes.incrementAndGet();
        passedIds.add(captchaId);
        return "{\"status\":\"success\",\"result\":\"success\",\"reason\":\"\",\"captcha_args\":{\"used_type\":\"slide\","
                + "\"lot_number\":\"" + lotNumber + "\",\"scene\":\"fake\"}}";
    }

    private static String error(String code, String message) {
        return "{\"status\":\"error\",\"code\":\"" + code + "\",\"msg\":\"" + message + "\",\"desc\":{\"type\":\"defined error\"}}";
    }

    private static String fail(String reason) {
        return "{\"status\":\"success\",\"result\":\"fail\",\"reason\":\"" + reason + "\",\"captcha_args\":{}}";
    }

    /** GeeTest's {@code sign_token}: lowercase hex HMAC-SHA256 of {@code lot_number} under the captcha key. */
    public static String signToken(String lotNumber, String captchaKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(captchaKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(lotNumber.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- for tests ----

    public String verifyUrl() {
        return base() + "/validate";
    }

    public String scriptUrl() {
        return base() + "/v4/gt4.js";
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** While down, every validation is answered {@code 503} (GeeTest's outage). */
    public void down(boolean down) {
        this.down = down;
    }

    /** While set, every validation is answered with an HTML page instead of JSON. */
    public void garbage(boolean garbage) {
        this.garbage = garbage;
    }

    /** Each validation waits this long before its answer. */
    public void slow(Duration delay) {
        this.delay = delay;
    }

    /** While set, the widget's script is not there (404): the page's widget never starts. */
    public void scriptMissing(boolean missing) {
        this.scriptMissing = missing;
    }

    /** Validation requests received so far. */
    public int validations() {
        return validations.get();
    }

    /** Makes another captcha id known (a realm's own GeeTest account), with its captcha key. */
    public void accept(String captchaId, String captchaKey) {
        keys.put(captchaId, captchaKey);
    }

    /** The captcha ids of the validations answered {@code result: success}, in order. */
    public List<String> passedIds() {
        return List.copyOf(passedIds);
    }

    /** Validations answered {@code result: success} so far. */
    public int passes() {
        return passes.get();
    }

    public int scriptLoads() {
        return scriptLoads.get();
    }

    public void reset() {
        down = false;
        garbage = false;
        scriptMissing = false;
        delay = Duration.ZERO;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private String hex(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static void sleep(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
