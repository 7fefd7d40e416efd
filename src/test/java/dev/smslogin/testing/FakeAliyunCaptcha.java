package dev.smslogin.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.smslogin.testing.FakeVendorApi.Misbehaviour;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.smslogin.testing.FakeVendorApi.randomText;
import static dev.smslogin.testing.FakeVendorApi.respond;

/**
 * A local stand-in for Aliyun CAPTCHA 2.0: the server API {@code VerifyIntelligentCaptcha} (version 2023-03-05, RPC
 * style, as at {@code captcha.cn-shanghai.aliyuncs.com}) and the widget's script {@code AliyunCaptcha.js}.
 *
 * <p>The API checks every request as Aliyun's RPC gateway does (known AccessKeyId, HMAC-SHA1 signature version 1.0
 * over all parameters, timestamp window, unused nonce, action and version) and answers in Aliyun's shapes: an error
 * {@code Code} with HTTP 4xx for a refused request, else {@code {"Success":true,"Code":"Success","Result":
 * {"VerifyResult":...,"VerifyCode":...}}}. A {@code CaptchaVerifyParam} passes once: only one the fake issued
 * ({@link #issue()}, or the fake widget), for its scene, with the request's {@code SceneId}; again it fails with
 * {@code F008} (Aliyun's "submitted twice"), any other with {@code F001}. Tests can make the API slow, down or
 * answer errors ({@link #misbehave}); the script is served whatever the API does.
 *
 * <p>The script ({@link #scriptUrl()}) reads {@code window.AliyunCaptchaConfig} ({@code region}, {@code prefix}) when
 * it loads, as Aliyun's does, and defines the widget's global {@code initAliyunCaptcha(options)}: it needs that
 * configuration, {@code SceneId}, an {@code element} and a {@code button} (CSS selectors of the page). A click on the
 * button opens the popup ({@code #fake-aliyun-captcha-box}, titled in {@code options.language}: {@code cn},
 * {@code en}, {@code tw}); its button {@code #fake-aliyun-captcha-verify} stands for a person passing it: the fake
 * issues a parameter and calls {@code options.success(captchaVerifyParam)} with it, as the real widget does. Requests
 * for the script are counted ({@link #scriptLoads()}).
 */
public final class FakeAliyunCaptcha implements AutoCloseable {

    public static final String ACCESS_KEY_ID = "testCaptchaAccessKeyId";
    public static final String ACCESS_KEY_SECRET = "testCaptchaAccessKeySecret";
    public static final String SCENE_ID = "1ab2c3d4";
    public static final String PREFIX = "f4k3pr";
    public static final String ACTION = "VerifyIntelligentCaptcha";
    public static final String VERSION = "2023-03-05";
    public static final String SCRIPT_PATH = "/captcha-frontend/aliyunCaptcha/AliyunCaptcha.js";
    private static final String ISSUE_PATH = "/fake-widget/issue";
    private static final Pattern CERTIFY_ID = Pattern.compile("\"certifyId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SCENE = Pattern.compile("\"sceneId\"\\s*:\\s*\"([^\"]+)\"");

    /** One verification the fake answered (its credentials were good), with its verdict. */
    public record Verification(String sceneId, String certifyId, boolean passed, String verifyCode, Instant at) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final Set<String> usedNonces = ConcurrentHashMap.newKeySet();
    private final List<Verification> verifications = new CopyOnWriteArrayList<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private final AtomicReference<Misbehaviour> misbehaviour = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger scriptLoads = new AtomicInteger();
    /** Requests being answered now: a slow answer goes on after Keycloak gave up on it, and records its verification then. */
    private final AtomicInteger answering = new AtomicInteger();

    private FakeAliyunCaptcha(HttpServer server) {
        this.server = server;
    }

    public static FakeAliyunCaptcha start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        FakeAliyunCaptcha fake = new FakeAliyunCaptcha(server);
        server.createContext("/", fake::handle);
        server.setExecutor(fake.executor);
        server.start();
        return fake;
    }

    /** {@code 127.0.0.1:port}: the provider's {@code endpoint} (with {@code protocol=http}). */
    public String endpoint() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The fake widget's script: the provider's {@code script-url}. */
    public String scriptUrl() {
        return "http://" + endpoint() + SCRIPT_PATH;
    }

    /** A {@code CaptchaVerifyParam} as the widget gives one after a person passed it: good for one check. */
    public String issue() {
        String certifyId = PREFIX + "_" + randomText(10);
        issued.add(certifyId);
        return param(SCENE_ID, certifyId);
    }

    /** A parameter of the widget's shape that the fake never issued (made up by a script). */
    public static String forged() {
        return param(SCENE_ID, PREFIX + "_" + randomText(10));
    }

    private static String param(String sceneId, String certifyId) {
        return "{\"sceneId\":\"" + sceneId + "\",\"certifyId\":\"" + certifyId + "\",\"deviceToken\":\"" + randomText(48)
                + "\",\"data\":\"" + randomText(120) + "\"}";
    }

    /** The verifications the fake answered (good credentials), in order. */
    public List<Verification> verifications() {
        return List.copyOf(verifications);
    }

    /** Requests refused for their key, signature, timestamp, nonce, action or version: should stay empty. */
    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    /** Requests for the widget's script. */
    public int scriptLoads() {
        return scriptLoads.get();
    }

    /** Every request to the API, whatever it was answered. */
    public int requests() {
        return requests.get();
    }

    /** What the API does with the next requests instead of answering them (the script is served regardless). */
    public void misbehave(Misbehaviour next) {
        misbehaviour.set(next);
    }

    /** The service down: HTTP 503 with Aliyun's error body. */
    public static Misbehaviour down() {
        return Misbehaviour.answer(503, error("ServiceUnavailable", "The request has failed due to a temporary failure of the server."));
    }

    /** A call refused with Aliyun's error {@code code} (HTTP {@code status}), as for throttling or a RAM denial. */
    public static Misbehaviour errorCode(int status, String code) {
        return Misbehaviour.answer(status, error(code, "fake " + code));
    }

    public void behave() {
        misbehaviour.set(null);
    }

    /** Forgets what was asked, once the answers still under way (a slow one Keycloak gave up on) have ended. */
    public void reset() {
        behave();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (answering.get() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
        }
        verifications.clear();
        rejections.clear();
        requests.set(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        answering.incrementAndGet();
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.equals(SCRIPT_PATH)) {
                scriptLoads.incrementAndGet();
                respond(exchange, 200, "application/javascript; charset=utf-8", script());
                return;
            }
            if (path.equals(ISSUE_PATH)) {
                issueForWidget(exchange);
                return;
            }
            requests.incrementAndGet();
            Misbehaviour mis = misbehaviour.get();
            if (mis != null && !mis.delay().isZero()) {
                sleep(mis.delay());
            }
            if (mis != null && mis.hangsUp()) {
                return;
            }
            Map<String, String> params = new HashMap<>(FakeAliyunSms.parse(exchange.getRequestURI().getRawQuery()));
            params.putAll(FakeAliyunSms.parse(new String(body, StandardCharsets.UTF_8)));
            String refused = authenticate(exchange.getRequestMethod(), params);
            if (refused != null) {
                rejections.add(refused);
                respond(exchange, refused.startsWith("InvalidAccessKeyId") ? 404 : 400, "application/json;charset=utf-8",
                        error(refused, refused));
                return;
            }
            if (mis != null && mis.reply() != null) {
                respond(exchange, mis.reply().status(), mis.reply().body().startsWith("<") ? "text/html" : "application/json;charset=utf-8",
                        mis.reply().body());
                return;
            }
            String param = params.get("CaptchaVerifyParam");
            if (param == null || param.isBlank()) {
                respond(exchange, 400, "application/json;charset=utf-8", error("MissingCaptchaVerifyParam", "CaptchaVerifyParam is mandatory for this action."));
                return;
            }
            respond(exchange, 200, "application/json;charset=utf-8", verify(params.get("SceneId"), param));
        } finally {
            answering.decrementAndGet();
        }
    }

    private String verify(String sceneId, String param) {
        String certifyId = group(CERTIFY_ID, param);
        String paramScene = group(SCENE, param);
        boolean known = certifyId != null && issued.contains(certifyId) && SCENE_ID.equals(paramScene) && SCENE_ID.equals(sceneId);
        boolean passed = known && used.add(certifyId);
        String verifyCode = passed ? "T001" : known ? "F008" : "F001";
        verifications.add(new Verification(sceneId, certifyId, passed, verifyCode, Instant.now()));
        return "{\"RequestId\":\"" + UUID.randomUUID() + "\",\"Success\":true,\"Code\":\"Success\",\"Message\":\"success\","
                + "\"Result\":{\"VerifyResult\":" + passed + ",\"VerifyCode\":\"" + verifyCode + "\"}}";
    }

    private String authenticate(String method, Map<String, String> params) {
        return AliyunSignature.refusal(method, params, id -> ACCESS_KEY_ID.equals(id) ? ACCESS_KEY_SECRET : null, usedNonces,
                Set.of(ACTION), VERSION);
    }

    /** The fake widget's call after a "person" passed the popup: a parameter for its scene and prefix. */
    private void issueForWidget(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        Map<String, String> query = FakeAliyunSms.parse(exchange.getRequestURI().getRawQuery());
        if (!SCENE_ID.equals(query.get("sceneId"))) {
            respond(exchange, 400, "application/json", error("IllegalScene", "unknown scene"));
            return;
        }
        if (!PREFIX.equals(query.get("prefix"))) {
            respond(exchange, 400, "application/json", error("IllegalUserTag", "unknown prefix"));
            return;
        }
        respond(exchange, 200, "text/plain; charset=utf-8", issue());
    }

    private String script() {
        String issueUrl = "http://" + endpoint() + ISSUE_PATH;
        return """
                (function () {
                  'use strict';
                  // as Aliyun's script, the global configuration is read when the script loads: set it first
                  var config = window.AliyunCaptchaConfig || {};
                  window.initAliyunCaptcha = function (options) {
                    var prefix = options.prefix || config.prefix;
                    var element = document.querySelector(options.element);
                    var button = document.querySelector(options.button);
                    if (!options.SceneId || !prefix || !config.region || !element || !button) {
                      throw new Error('initAliyunCaptcha: AliyunCaptchaConfig (region, prefix), SceneId, element and button are required');
                    }
                    element.setAttribute('data-fake-aliyun-captcha', options.mode || 'popup');
                    var lang = String(options.language || 'cn');
                    var texts = lang === 'en' ? ['Please complete the security verification', 'Slide to verify']
                        : lang === 'tw' ? ['請完成安全驗證', '滑動完成驗證'] : ['请完成安全验证', '拖动滑块完成验证'];
                    var box = null;
                    function close() { if (box) { box.remove(); box = null; } }
                    function pass() {
                      fetch('%s?sceneId=' + encodeURIComponent(options.SceneId) + '&prefix=' + encodeURIComponent(prefix),
                          {method: 'POST'})
                        .then(function (r) { return r.ok ? r.text() : r.text().then(function (t) { throw new Error(t); }); })
                        .then(function (captchaVerifyParam) { close(); options.success(captchaVerifyParam); })
                        .catch(function (e) { close(); if (typeof options.fail === 'function') { options.fail({code: String(e)}); } });
                    }
                    // a click on the button opens the popup; its verify button stands for a person passing it
                    function open() {
                      close();
                      box = document.createElement('div');
                      box.id = 'fake-aliyun-captcha-box';
                      box.setAttribute('role', 'dialog');
                      box.style.cssText = 'position:fixed;top:30%%;left:50%%;transform:translateX(-50%%);background:#fff;'
                        + 'border:1px solid #ccc;padding:16px;z-index:9999;box-shadow:0 2px 12px rgba(0,0,0,.3);font:14px sans-serif';
                      var title = document.createElement('p');
                      title.textContent = texts[0];
                      var verify = document.createElement('button');
                      verify.type = 'button';
                      verify.id = 'fake-aliyun-captcha-verify';
                      verify.textContent = texts[1];
                      verify.addEventListener('click', pass);
                      box.appendChild(title);
                      box.appendChild(verify);
                      document.body.appendChild(box);
                    }
                    var instance = {
                      show: open,
                      refresh: function () {}
                    };
                    button.addEventListener('click', open);
                    if (typeof options.getInstance === 'function') {
                      options.getInstance(instance);
                    }
                  };
                }());
                """.formatted(issueUrl);
    }

    static String error(String code, String message) {
        return "{\"RequestId\":\"" + UUID.randomUUID() + "\",\"HostId\":\"captcha.cn-shanghai.aliyuncs.com\",\"Code\":\"" + code
                + "\",\"Message\":\"" + message + "\",\"Recommend\":\"https://api.aliyun.com/troubleshoot\"}";
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
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
}
