package dev.smslogin.it;

import dev.smslogin.it.Browser.Page;
import dev.smslogin.testing.FakeAliyunSms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.smslogin.it.UserSteps.submitCode;
import static dev.smslogin.it.UserSteps.submitPhone;
import static org.assertj.core.api.Assertions.assertThat;

/** SMS pumping, code guessing and account enumeration, on the real Keycloak and Redis. */
class AbuseIT {

    static KeycloakServer server;
    static KeycloakAdmin admin;
    static FakeAliyunSms aliyun;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        admin = new KeycloakAdmin(server);
        aliyun = server.aliyun();
    }

    @Test
    @DisplayName("the realm-wide hourly ceiling stops sending to new numbers and says when to retry")
    void realmCeiling() {
        String realm = admin.createRealm(Map.of("maxSendsPerRealmPerHour", "2", "maxSendsPerIpPerHour", "100"));
        try {
            submitPhone(new Browser(server), realm, Phones.newNational());
            submitPhone(new Browser(server), realm, Phones.newNational());
            String third = Phones.newNational();
            Page refused = submitPhone(new Browser(server), realm, third);
            assertThat(refused.isPhonePage()).isTrue();
            assertThat(refused.text()).contains("Too many codes were requested. Try again in 60 minutes.");
            assertThat(aliyun.messagesTo(third)).isEmpty();
            assertThat(server.logText()).contains("reached maxSendsPerRealmPerHour");
        } finally {
            admin.deleteRealm(realm);
        }
    }

    @Test
    @DisplayName("a region's hourly cap (*=2) refuses the third code to US numbers as the realm cap does, page and API, while a CN "
            + "number still gets one; the sends per region and the refusals are on /metrics")
    void regionCap() throws Exception {
        String realm = admin.createRealm(Map.of("maxSendsPerRegionPerHour", "*=2", "allowedRegions", "CN,US",
                "maxSendsPerIpPerHour", "100"));
        try {
            for (int i = 0; i < 2; i++) {
                String us = Phones.newUs();
                assertThat(submitPhone(new Browser(server), realm, "+" + us).isCodePage()).as("US number " + (i + 1)).isTrue();
                assertThat(aliyun.messagesTo(us)).hasSize(1);
            }
            String third = Phones.newUs();
            Page refused = submitPhone(new Browser(server), realm, "+" + third);
            assertThat(refused.isPhonePage()).isTrue();
            assertThat(refused.text()).as("what the realm cap shows").contains("Too many codes were requested. Try again in 60 minutes.");
            assertThat(aliyun.messagesTo(third)).isEmpty();
            String fourth = Phones.newUs();
            NativeApp.Answer api = new NativeApp(server, realm).sendCode("+" + fourth);
            assertThat(api.status()).isEqualTo(429);
            assertThat(api.error()).isEqualTo("slow_down");
            assertThat(api.json().get("retry_after").asLong()).isBetween(3500L, 3600L);
            assertThat(aliyun.messagesTo(fourth)).isEmpty();

            String national = Phones.newNational();
            assertThat(submitPhone(new Browser(server), realm, national).isCodePage()).as("a CN number").isTrue();
            assertThat(aliyun.messagesTo(national)).hasSize(1);

            String masked = "+" + third.substring(0, 3) + "****" + third.substring(7);
            assertThat(server.logText()).contains("realm '" + realm + "' reached maxSendsPerRegionPerHour for region US (refused a code to "
                    + masked + ")").doesNotContain(third);
            assertThat(admin.events(realm, "LOGIN_ERROR")).as("the event names the window that refused").anySatisfy(event -> {
                assertThat(event.at("/details/reason").asText()).isEqualTo("region_limit");
                assertThat(event.at("/details/phone_number").asText()).isEqualTo(masked);
            });
            String metrics = metrics();
            assertThat(metric(metrics, "sms_login_sends_total", realm, "region=\"US\"")).isEqualTo(2.0);
            assertThat(metric(metrics, "sms_login_sends_total", realm, "region=\"CN\"")).isEqualTo(1.0);
            assertThat(metric(metrics, "sms_login_codes_total", realm, "result=\"region_limit\"")).isEqualTo(2.0);
        } finally {
            admin.deleteRealm(realm);
        }
    }

    private static String metrics() throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server.managementUrl() + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of metric {@code name} of {@code realm} with the tag {@code tag} ({@code name="value"}). */
    private static double metric(String metrics, String name, String realm, String tag) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") && line.contains("realm=\"" + realm + "\"") && line.contains(tag))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no metric " + name + " of " + realm + " with " + tag));
    }

    @Test
    @DisplayName("the per-IP limit cannot be dodged with a forged X-Forwarded-For header")
    void ipLimitIgnoresForgedHeaders() {
        String realm = admin.createRealm(Map.of("maxSendsPerIpPerHour", "2"));
        try {
            for (int i = 0; i < 2; i++) {
                Browser browser = new Browser(server).withHeader("X-Forwarded-For", "203.0.113." + i);
                assertThat(submitPhone(browser, realm, Phones.newNational()).isCodePage()).isTrue();
            }
            String third = Phones.newNational();
            Page refused = submitPhone(new Browser(server).withHeader("X-Forwarded-For", "198.51.100.9")
                    .withHeader("Forwarded", "for=198.51.100.9"), realm, third);
            assertThat(refused.text()).contains("Too many codes were requested.");
            assertThat(aliyun.messagesTo(third)).isEmpty();
        } finally {
            admin.deleteRealm(realm);
        }
    }

    @Test
    @DisplayName("consecutive wrong codes across resends lock the number; even the right code is then refused")
    void consecutiveFailuresLockTheNumber() throws Exception {
        String realm = admin.createRealm(Map.of("maxAttemptsPerCode", "3", "maxConsecutiveFailuresPerPhone", "5",
                "resendCooldownSeconds", "1", "maxSendsPerIpPerHour", "100"));
        try {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page page = submitPhone(browser, realm, national);
            String wrong = "000000".equals(aliyun.lastCodeTo(national)) ? "111111" : "000000";
            for (int i = 0; i < 3; i++) {
                page = submitCode(browser, page, wrong);
            }
            assertThat(page.fieldError("code")).isEqualTo("Too many wrong codes. Ask for a new code.");
            Thread.sleep(1100);
            page = browser.submit(page, Map.of(), "resend");
            String fresh = aliyun.lastCodeTo(national);
            String wrong2 = "000000".equals(fresh) ? "111111" : "000000";
            page = submitCode(browser, page, wrong2);
            page = submitCode(browser, page, wrong2);
            page = submitCode(browser, page, fresh);
            assertThat(page.isRedirectToClient()).isFalse();
            assertThat(page.fieldError("code")).startsWith("Too many wrong codes were entered for this number.");
        } finally {
            admin.deleteRealm(realm);
        }
    }

    @Test
    @DisplayName("50 concurrent code requests for one number: exactly one SMS, the others see the cooldown")
    void concurrentSendsGiveOneSms() throws Exception {
        String realm = admin.createRealm(Map.of("maxSendsPerIpPerHour", "1000"));
        try {
            String national = Phones.newNational();
            List<Browser> browsers = new ArrayList<>();
            List<Page> phonePages = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Browser browser = new Browser(server);
                browsers.add(browser);
                phonePages.add(browser.startLogin(realm));
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(50);
            List<java.util.concurrent.Future<Page>> results = new ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            try {
                for (int i = 0; i < 50; i++) {
                    int n = i;
                    results.add(pool.submit(() -> {
                        go.await();
                        return browsers.get(n).submit(phonePages.get(n), Map.of("phone_number", national), null);
                    }));
                }
                go.countDown();
                for (java.util.concurrent.Future<Page> result : results) {
                    assertThat(result.get().isCodePage()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(aliyun.messagesTo(national)).hasSize(1);
        } finally {
            admin.deleteRealm(realm);
        }
    }

    @Test
    @DisplayName("with humanCheck=siteverify no SMS goes out before the CAPTCHA service confirms a person")
    void humanCheck() {
        String realm = admin.createRealm(Map.of("humanCheck", "siteverify", "maxSendsPerIpPerHour", "1000"));
        try {
            String national = Phones.newNational();
            Browser browser = new Browser(server);
            Page phonePage = browser.startLogin(realm);
            assertThat(phonePage.document().select("#kc-human-check [data-sitekey=test-site-key]")).hasSize(1);

            Page noToken = browser.submit(phonePage, Map.of("phone_number", national), null);
            assertThat(noToken.text()).contains("Please complete the verification before we send a code.");
            Page badToken = browser.submit(noToken, Map.of("phone_number", national, "captcha_token", "robot-1"), null);
            assertThat(badToken.text()).contains("Please complete the verification before we send a code.");
            assertThat(aliyun.messagesTo(national)).isEmpty();

            Page codePage = browser.submit(badToken, Map.of("phone_number", national, "captcha_token", "human-1"), null);
            assertThat(codePage.isCodePage()).isTrue();
            assertThat(aliyun.messagesTo(national)).hasSize(1);

            String plainRealm = admin.createRealm(Map.of());
            Page withoutCheck = new Browser(server).startLogin(plainRealm);
            assertThat(withoutCheck.document().select("#kc-human-check")).as("off by default").isEmpty();
            admin.deleteRealm(plainRealm);
        } finally {
            admin.deleteRealm(realm);
        }
    }

    @Test
    @DisplayName("registered and unregistered numbers get the same pages at every step, also with allowRegistration=false")
    void noEnumeration() {
        for (String allowRegistration : List.of("true", "false")) {
            String realm = admin.createRealm(Map.of("allowRegistration", allowRegistration, "maxSendsPerIpPerHour", "1000"));
            try {
                List<Long> registeredNanos = new ArrayList<>();
                List<Long> unknownNanos = new ArrayList<>();
                String registeredPages = null;
                String unknownPages = null;
                for (int i = 0; i < 6; i++) {
                    String registered = Phones.newNational();
                    admin.createUser(realm, "known-" + registered, Map.of("phoneNumber", Phones.e164(registered), "phoneNumberVerified", "true"));
                    String unknown = Phones.newNational();
                    String a = steps(realm, registered, registeredNanos);
                    String b = steps(realm, unknown, unknownNanos);
                    registeredPages = registeredPages == null ? a : registeredPages;
                    unknownPages = unknownPages == null ? b : unknownPages;
                    assertThat(a).as("allowRegistration=" + allowRegistration).isEqualTo(b);
                }
                double registeredMs = median(registeredNanos) / 1e6;
                double unknownMs = median(unknownNanos) / 1e6;
                System.out.printf("enumeration timing (allowRegistration=%s): median phone+wrong-code steps %.1f ms registered, "
                        + "%.1f ms unknown, difference %.1f ms%n", allowRegistration, registeredMs, unknownMs, registeredMs - unknownMs);
            } finally {
                admin.deleteRealm(realm);
            }
        }
    }

    /** The phone step and a wrong-code step; returns what the user sees, with the number's own digits blanked. */
    private static String steps(String realm, String national, List<Long> nanos) {
        Browser browser = new Browser(server);
        Page phonePage = browser.startLogin(realm);
        long started = System.nanoTime();
        Page codePage = browser.submit(phonePage, Map.of("phone_number", national), null);
        String code = aliyun.lastCodeTo(national);
        Page wrong = browser.submit(codePage, Map.of("code", "000000".equals(code) ? "111111" : "000000"), "login");
        nanos.add(System.nanoTime() - started);
        // the countdown depends on how long the requests took, not on the number (a loaded machine took 2 s)
        Function<Page, String> seen = p -> p.status() + " " + p.text().replace(national.substring(7), "####")
                .replaceAll("Resend in \\d+ s", "Resend in # s");
        return seen.apply(codePage) + "\n" + seen.apply(wrong);
    }

    private static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
