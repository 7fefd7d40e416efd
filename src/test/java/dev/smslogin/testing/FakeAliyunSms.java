package dev.smslogin.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Dysmsapi {@code SendSms}: checks every request the way Aliyun does (known AccessKeyId,
 * signature method and version, HMAC-SHA1 signature, timestamp window, unused nonce, required parameters) and
 * answers in Aliyun's reply shapes. Records every accepted message. Tests can make it misbehave.
 */
public final class FakeAliyunSms implements AutoCloseable {

    public static final String ACCESS_KEY_ID = "testAccessKeyId";
    public static final String ACCESS_KEY_SECRET = "testAccessKeySecret";
    public static final String SIGN_NAME = "短信登录测试";
    public static final String TEMPLATE_CODE = "SMS_123456789";
    /** Templates approved for one purpose each (identity verification, second factor, password change). */
    public static final String TEMPLATE_CODE_VERIFY = "SMS_200000001";
    public static final String TEMPLATE_CODE_SECOND_FACTOR = "SMS_200000002";
    public static final String TEMPLATE_CODE_RESET = "SMS_200000003";
    /** A second brand's sign name and template, approved on the same account (a realm's flow picks them). */
    public static final String OTHER_BRAND_SIGN_NAME = "第二品牌";
    public static final String OTHER_BRAND_TEMPLATE_CODE = "SMS_300000001";
    private final Set<String> approvedSignNames = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Set<String> approvedTemplates = java.util.concurrent.ConcurrentHashMap.newKeySet();

    {
        approvedSignNames.addAll(List.of(SIGN_NAME, OTHER_BRAND_SIGN_NAME));
        approvedTemplates.addAll(List.of(TEMPLATE_CODE, TEMPLATE_CODE_VERIFY, TEMPLATE_CODE_SECOND_FACTOR, TEMPLATE_CODE_RESET,
                OTHER_BRAND_TEMPLATE_CODE));
    }

    private static final Pattern CODE_PARAM = Pattern.compile("\"code\"\\s*:\\s*\"([0-9]+)\"");

    /** One accepted SendSms call. */
    public record Message(String phoneNumbers, String signName, String templateCode, String templateParam, Instant at, String accessKeyId) {
        public String code() {
            Matcher m = CODE_PARAM.matcher(templateParam);
            if (!m.find()) {
                throw new IllegalStateException("no code in TemplateParam");
            }
            return m.group(1);
        }
    }

    /** What the fake does with the next requests instead of accepting them. */
    public record Misbehaviour(int httpStatus, String body, Duration delay) {
        public static Misbehaviour businessError(String code, String message) {
            return new Misbehaviour(200, "{\"RequestId\":\"" + UUID.randomUUID() + "\",\"Code\":\"" + code + "\",\"Message\":\"" + message + "\"}", Duration.ZERO);
        }

        public static Misbehaviour httpError(int status) {
            return new Misbehaviour(status, "{\"RequestId\":\"" + UUID.randomUUID() + "\",\"HostId\":\"dysmsapi.aliyuncs.com\",\"Code\":\"ServiceUnavailable\",\"Message\":\"The request has failed due to a temporary failure of the server.\"}", Duration.ZERO);
        }

        public static Misbehaviour malformed() {
            return new Misbehaviour(200, "<html>gateway</html>", Duration.ZERO);
        }

        public static Misbehaviour slow(Duration delay) {
            return new Misbehaviour(0, null, delay);
        }
    }

    private final HttpServer server;
    private final Queue<Message> messages = new ConcurrentLinkedQueue<>();
    private final Map<String, String> accounts = new java.util.concurrent.ConcurrentHashMap<>(Map.of(ACCESS_KEY_ID, ACCESS_KEY_SECRET));
    private final Map<String, List<Message>> byPhone = new ConcurrentHashMap<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private final Set<String> usedNonces = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Misbehaviour> misbehaviour = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();

    private FakeAliyunSms(HttpServer server) {
        this.server = server;
    }

    public static FakeAliyunSms start() throws IOException {
        return start("127.0.0.1");
    }

    /**
     * Listening on {@code address} only: loopback for a Keycloak on this machine, the gateway of a Docker network the
     * test created for a Keycloak in a container on it.
     */
    public static FakeAliyunSms start(String address) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 50);
        FakeAliyunSms fake = new FakeAliyunSms(server);
        server.createContext("/", fake::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        return fake;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code address:port} (such as {@code 127.0.0.1:port}), the form of the sender's {@code endpoint} option. */
    public String endpoint() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    public List<Message> messagesTo(String phoneNumbers) {
        List<Message> to = byPhone.get(phoneNumbers);
        if (to == null) {
            return List.of();
        }
        synchronized (to) {
            return List.copyOf(to);
        }
    }

    /** The code of the last message to {@code phoneNumbers} (Aliyun's form: 11 digits for mainland China). */
    public String lastCodeTo(String phoneNumbers) {
        List<Message> to = messagesTo(phoneNumbers);
        if (to.isEmpty()) {
            throw new AssertionError("no SMS was sent to " + phoneNumbers);
        }
        return to.get(to.size() - 1).code();
    }

    /** Requests refused for a bad signature, key, nonce or timestamp: should stay empty. */
    /** The most requests this endpoint was answering at once since the last {@link #reset()}. */
    public int mostInFlight() {
        return mostInFlight.get();
    }

    /** Every request that reached this endpoint, whatever it was answered. */
    public int requests() {
        return requests.get();
    }

    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    public void misbehave(Misbehaviour next) {
        misbehaviour.set(next);
    }

    public void behave() {
        misbehaviour.set(null);
    }

    public void reset() {
        requests.set(0);
        mostInFlight.set(0);
        messages.clear();
        byPhone.clear();
        rejections.clear();
        behave();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (exchange) {
            Misbehaviour mis = misbehaviour.get();
            if (mis != null && !mis.delay().isZero()) {
                sleep(mis.delay());
            }
            Map<String, String> params = new HashMap<>(parse(exchange.getRequestURI().getRawQuery()));
            params.putAll(parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            String authError = checkAuthentication(exchange.getRequestMethod(), params);
            if (authError != null) {
                rejections.add(authError);
                reply(exchange, authError.startsWith("InvalidAccessKeyId") ? 404 : 400,
                        "{\"RequestId\":\"" + UUID.randomUUID() + "\",\"HostId\":\"dysmsapi.aliyuncs.com\",\"Code\":\"" + authError
                                + "\",\"Message\":\"" + authError + "\",\"Recommend\":\"https://next.api.aliyun.com/troubleshoot\"}");
                return;
            }
            if (mis != null && mis.body() != null) {
                reply(exchange, mis.httpStatus(), mis.body());
                return;
            }
            String missing = missingParameter(params);
            if (missing != null) {
                reply(exchange, 200, "{\"RequestId\":\"" + UUID.randomUUID() + "\",\"Code\":\"isv.INVALID_PARAMETERS\",\"Message\":\"" + missing + "\"}");
                return;
            }
            Message message = new Message(params.get("PhoneNumbers"), params.get("SignName"), params.get("TemplateCode"),
                    params.get("TemplateParam"), Instant.now(), params.get("AccessKeyId"));
            messages.add(message);
            List<Message> to = byPhone.computeIfAbsent(message.phoneNumbers(), k -> new ArrayList<>());
            synchronized (to) {
                to.add(message);
            }
            reply(exchange, 200, "{\"Message\":\"OK\",\"RequestId\":\"" + UUID.randomUUID() + "\",\"BizId\":\""
                    + System.nanoTime() + "^0\",\"Code\":\"OK\"}");
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Accepts the AccessKey pair of another account (a realm's own), beside the server's, with its approved sign name and template. */
    public void acceptAccount(String accessKeyId, String accessKeySecret, String signName, String templateCode) {
        accounts.put(accessKeyId, accessKeySecret);
        approvedSignNames.add(signName);
        approvedTemplates.add(templateCode);
    }

    private String checkAuthentication(String method, Map<String, String> params) {
        return AliyunSignature.refusal(method, params, accounts::get, usedNonces, Set.of("SendSms"), "2017-05-25");
    }

    private String missingParameter(Map<String, String> params) {
        for (String name : List.of("PhoneNumbers", "SignName", "TemplateCode", "TemplateParam")) {
            if (params.get(name) == null || params.get(name).isBlank()) {
                return "Missing" + name;
            }
        }
        if (!approvedSignNames.contains(params.get("SignName"))) {
            return "isv.SMS_SIGNATURE_ILLEGAL";
        }
        if (!approvedTemplates.contains(params.get("TemplateCode"))) {
            return "isv.SMS_TEMPLATE_ILLEGAL";
        }
        return null;
    }

    static Map<String, String> parse(String form) {
        Map<String, String> params = new HashMap<>();
        if (form == null || form.isEmpty()) {
            return params;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
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
    }

}
