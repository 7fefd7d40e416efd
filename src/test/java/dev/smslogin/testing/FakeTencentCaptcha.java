package dev.smslogin.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Tencent Cloud CAPTCHA: the server API {@code DescribeCaptchaResult} (version 2019-07-22, as at
 * {@code captcha.tencentcloudapi.com}) and the widget's script {@code TJCaptcha.js} (as at
 * {@code turing.captcha.qcloud.com}), each on a loopback port of its own.
 *
 * <p>The API checks every request as Tencent Cloud API 3.0 does ({@link TencentSignature#refusal}: a known SecretId,
 * the {@code TC3-HMAC-SHA256} signature with the scope's service {@code captcha}, the timestamp window), then the
 * action and version headers, and answers in Tencent's shapes: {@code Response.Error} for a refused call, else
 * {@code Response.CaptchaCode}. A ticket passes once ({@code 1}): only one the fake issued ({@link #issue()}, or the
 * stand-in widget), with its own randstr ({@code 7} otherwise), under {@link #CAPTCHA_APP_ID} and its
 * {@link #APP_SECRET_KEY} ({@code 100} otherwise); again it gets {@code 9} (reused), and one never issued {@code 15}
 * (undecryptable). Tests can make the API slow, down or answer errors ({@link #misbehave}); the script is served
 * whatever the API does, unless {@link #scriptMissing}.
 *
 * <p>Tencent's SDK signs for the service named by the first label of the host, so the API is reached by a name of that
 * form, {@link #HOST}: tests resolve it to the loopback address ({@link #hostsFile}).
 *
 * <p>The script defines {@code TencentCaptcha(appId, callback, options)} as Tencent's does: {@code show()} opens a
 * box ({@code #fake-tcaptcha-box}, titled in {@code options.userLanguage}) whose button ({@code #fake-tcaptcha-verify})
 * stands for a person passing the challenge: the fake issues a ticket for that app id and calls
 * {@code callback({ret: 0, ticket, randstr, appid})}; its close button calls {@code callback({ret: 2})}.
 */
public final class FakeTencentCaptcha extends FakeVendorApi<FakeTencentCaptcha.Verification> {

    public static final String HOST = "captcha.fake-tencent.test";
    public static final String SECRET_ID = "AKIDtestCaptchaSecretId000000000000";
    public static final String SECRET_KEY = "testCaptchaSecretKey0000000000";
    public static final String CAPTCHA_APP_ID = "190000001";
    public static final String APP_SECRET_KEY = "testAppSecretKey0000000**";
    public static final String ACTION = "DescribeCaptchaResult";
    public static final String VERSION = "2019-07-22";
    public static final String SCRIPT_PATH = "/TJCaptcha.js";
    private static final String ISSUE_PATH = "/fake-widget/issue";
    private static final long ALLOWED_SKEW_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One check the fake answered with a CaptchaCode (good credentials and a well-formed request). */
    public record Verification(String ticket, int captchaCode, String userIp, Instant at) {
        public boolean passed() {
            return captchaCode == 1;
        }
    }

    private final Map<String, String> accounts = Map.of(SECRET_ID, SECRET_KEY);
    private final Map<String, String> issued = new ConcurrentHashMap<>();
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final HttpServer widget;
    private final ExecutorService widgetExecutor = Executors.newCachedThreadPool();
    private final AtomicBoolean scriptMissing = new AtomicBoolean();
    private final AtomicInteger scriptLoads = new AtomicInteger();

    private FakeTencentCaptcha() throws IOException {
        super("127.0.0.1", Verification::ticket);
        widget = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        widget.createContext("/", this::serveWidget);
        widget.setExecutor(widgetExecutor);
        widget.start();
    }

    public static FakeTencentCaptcha start() throws IOException {
        return new FakeTencentCaptcha();
    }

    /** {@code captcha.fake-tencent.test:port}: the provider's {@code endpoint} (with {@code protocol=http}). */
    public String endpoint() {
        return HOST + ":" + port();
    }

    /** A hosts file for {@code -Djdk.net.hosts.file}: this machine's {@code /etc/hosts} and {@link #HOST} on loopback. */
    public static Path hostsFile(Path file) throws IOException {
        return LoopbackHosts.file(file, HOST, FakeTencentSms.HOST);
    }

    /** The stand-in widget's script: the provider's {@code script-url}. */
    public String scriptUrl() {
        return "http://127.0.0.1:" + widget.getAddress().getPort() + SCRIPT_PATH;
    }

    /** A ticket and randstr as the widget's callback gives them after a person passed: good for one check. */
    public Map<String, String> issue() {
        String ticket = "tr0" + randomText(120) + "*";
        String randstr = "@" + randomText(3);
        issued.put(ticket, randstr);
        return Map.of("ticket", ticket, "randstr", randstr);
    }

    /** The verifications the fake answered, in order. */
    public java.util.List<Verification> verifications() {
        return messages();
    }

    /** How many checks passed since the last {@link #reset()}. */
    public long passes() {
        return messages().stream().filter(Verification::passed).count();
    }

    /** Tencent down: a gateway's HTTP 503. */
    public static Misbehaviour down() {
        return Misbehaviour.gatewayError(503);
    }

    /** A service error (Tencent's {@code InternalError}) in Tencent's error shape. */
    public static Misbehaviour serviceError() {
        return Misbehaviour.answer(200, error("InternalError", "fake internal error"));
    }

    /** A verdict Tencent gives about itself or the account, not the ticket (26: internal error, 31: arrears). */
    public static Misbehaviour captchaCode(int code) {
        return Misbehaviour.answer(200, "{\"Response\":{\"CaptchaCode\":" + code + ",\"CaptchaMsg\":\"fake\",\"EvilLevel\":0,"
                + "\"GetCaptchaTime\":0,\"RequestId\":\"" + UUID.randomUUID() + "\"}}");
    }

    /** The script answers 404 (the widget's CDN unreachable) while {@code missing}. */
    public void scriptMissing(boolean missing) {
        scriptMissing.set(missing);
    }

    public int scriptLoads() {
        return scriptLoads.get();
    }

    /** Forgets what was asked, once the answers still under way (a slow one Keycloak gave up on) have ended. */
    @Override
    public void reset() {
        behave();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        super.reset();
        scriptMissing.set(false);
    }

    @Override
    protected Reply authenticate(Request request) {
        String refusal = TencentSignature.refusal(request::header, request.method(), request.body(), accounts, "captcha", ALLOWED_SKEW_SECONDS);
        if (refusal == null) {
            return null;
        }
        rejected(refusal);
        return new Reply(200, error(refusal, "fake " + refusal));
    }

    @Override
    protected Reply answer(Request request) {
        if (!ACTION.equals(request.header("X-TC-Action"))) {
            return new Reply(200, error("InvalidAction", "no action " + request.header("X-TC-Action")));
        }
        if (!VERSION.equals(request.header("X-TC-Version"))) {
            return new Reply(200, error("NoSuchVersion", "no version " + request.header("X-TC-Version")));
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            return new Reply(200, error("FailedOperation", "not JSON"));
        }
        for (String name : new String[]{"Ticket", "Randstr", "UserIp", "AppSecretKey"}) {
            if (!body.path(name).isTextual() || body.path(name).asText().isEmpty()) {
                return new Reply(200, error("MissingParameter", "The parameter `" + name + "` is missing."));
            }
        }
        if (body.path("CaptchaType").asInt(-1) != 9 || !body.path("CaptchaType").isIntegralNumber()) {
            return new Reply(200, error("InvalidParameterValue", "CaptchaType must be 9"));
        }
        if (!body.path("CaptchaAppId").isIntegralNumber()) {
            return new Reply(200, error("InvalidParameter", "CaptchaAppId must be an Integer"));
        }
        String ticket = body.path("Ticket").asText();
        int code = captchaCode(ticket, body.path("Randstr").asText(), body.path("CaptchaAppId").asText(), body.path("AppSecretKey").asText());
        accepted(new Verification(ticket, code, body.path("UserIp").asText(), Instant.now()));
        ObjectNode response = JSON.createObjectNode();
        ObjectNode inner = response.putObject("Response");
        inner.put("CaptchaCode", code);
        inner.put("CaptchaMsg", switch (code) {
            case 1 -> "OK";
            case 7 -> "captcha no match";
            case 9 -> "ticket reused";
            case 15 -> "decrypt fail";
            default -> "appid-secretkey-ticket mismatch";
        });
        inner.put("EvilLevel", 0);
        inner.put("GetCaptchaTime", 0);
        inner.put("RequestId", UUID.randomUUID().toString());
        return new Reply(200, response.toString());
    }

    private int captchaCode(String ticket, String randstr, String captchaAppId, String appSecretKey) {
        String issuedRandstr = issued.get(ticket);
        if (issuedRandstr == null) {
            return 15;
        }
        if (!CAPTCHA_APP_ID.equals(captchaAppId) || !APP_SECRET_KEY.equals(appSecretKey)) {
            return 100;
        }
        if (!issuedRandstr.equals(randstr)) {
            return 7;
        }
        return used.add(ticket) ? 1 : 9;
    }

    private void serveWidget(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            exchange.getRequestBody().readAllBytes();
            if (path.equals(SCRIPT_PATH)) {
                scriptLoads.incrementAndGet();
                if (scriptMissing.get()) {
                    respond(exchange, 404, "text/html", "<html><body>404 Not Found</body></html>");
                } else {
                    respond(exchange, 200, "application/javascript; charset=utf-8", script());
                }
                return;
            }
            if (path.equals(ISSUE_PATH)) {
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
                String query = exchange.getRequestURI().getQuery();
                if (query == null || !query.equals("aid=" + CAPTCHA_APP_ID)) {
                    respond(exchange, 400, "text/plain", "unknown CaptchaAppId");
                    return;
                }
                respond(exchange, 200, "application/json", JSON.writeValueAsString(issue()));
                return;
            }
            respond(exchange, 404, "text/plain", "not found");
        }
    }

    private String script() {
        String issueUrl = "http://127.0.0.1:" + widget.getAddress().getPort() + ISSUE_PATH;
        return """
                (function () {
                  'use strict';
                  window.TencentCaptcha = function (appId, callback, options) {
                    if (!/^[0-9]+$/.test(String(appId)) || typeof callback !== 'function') {
                      throw new Error('TencentCaptcha: CaptchaAppId and a callback are required');
                    }
                    options = options || {};
                    var english = String(options.userLanguage || 'zh-cn').toLowerCase().indexOf('en') === 0;
                    var box = null;
                    function close() { if (box) { box.remove(); box = null; } }
                    this.show = function () {
                      close();
                      box = document.createElement('div');
                      box.id = 'fake-tcaptcha-box';
                      box.setAttribute('role', 'dialog');
                      box.style.cssText = 'position:fixed;top:30%%;left:50%%;transform:translateX(-50%%);background:#fff;'
                        + 'border:1px solid #ccc;padding:16px;z-index:9999;box-shadow:0 2px 12px rgba(0,0,0,.3);font:14px sans-serif';
                      var title = document.createElement('p');
                      title.textContent = english ? 'Security check' : '安全验证';
                      var verify = document.createElement('button');
                      verify.type = 'button';
                      verify.id = 'fake-tcaptcha-verify';
                      verify.textContent = english ? 'Drag to verify' : '拖动完成验证';
                      var cancel = document.createElement('button');
                      cancel.type = 'button';
                      cancel.id = 'fake-tcaptcha-close';
                      cancel.textContent = '×';
                      box.appendChild(title);
                      box.appendChild(verify);
                      box.appendChild(cancel);
                      document.body.appendChild(box);
                      verify.addEventListener('click', function () {
                        fetch('%s?aid=' + encodeURIComponent(appId), {method: 'POST'})
                          .then(function (r) { return r.ok ? r.json() : r.text().then(function (t) { throw new Error(t); }); })
                          .then(function (result) {
                            close();
                            callback({ret: 0, ticket: result.ticket, randstr: result.randstr, appid: String(appId)});
                          })
                          .catch(function (e) { close(); callback({ret: 0, ticket: '', randstr: '', errorCode: 1001, errorMessage: String(e)}); });
                      });
                      cancel.addEventListener('click', function () { close(); callback({ret: 2}); });
                    };
                    this.destroy = close;
                  };
                }());
                """.formatted(issueUrl);
    }

    static String error(String code, String message) {
        ObjectNode response = JSON.createObjectNode();
        ObjectNode inner = response.putObject("Response");
        inner.putObject("Error").put("Code", code).put("Message", message);
        inner.put("RequestId", UUID.randomUUID().toString());
        return response.toString();
    }

    @Override
    public void close() {
        super.close();
        widget.stop(0);
        widgetExecutor.shutdownNow();
    }
}
