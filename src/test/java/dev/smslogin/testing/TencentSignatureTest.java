package dev.smslogin.testing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TencentSignatureTest {

    private static final byte[] EXAMPLE_PAYLOAD =
            "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"\\u672a\\u547d\\u540d\"], \"Name\": \"instance-name\"}]}".getBytes(StandardCharsets.UTF_8);

    private static Map<String, String> exampleHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json; charset=utf-8");
        headers.put("host", "cvm.tencentcloudapi.com");
        return headers;
    }

    @Test
    @DisplayName("reproduces the DescribeInstances example of Tencent Cloud's signature v3 documentation")
    void publishedExample() {
        String authorization = TencentSignature.authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                1551113065, "cvm", "POST", exampleHeaders(), EXAMPLE_PAYLOAD);

        assertThat(authorization).isEqualTo("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
                + "SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
    }

    @Test
    void theCanonicalRequestHasTencentsLayout() {
        assertThat(TencentSignature.canonicalRequest("POST", "/", "", exampleHeaders(), EXAMPLE_PAYLOAD)).isEqualTo("""
                POST
                /

                content-type:application/json; charset=utf-8
                host:cvm.tencentcloudapi.com

                content-type;host
                """ + TencentSignature.sha256Hex(EXAMPLE_PAYLOAD));
    }

    @Test
    void theCredentialScopeDayIsTheTimestampsUtcDay() {
        assertThat(TencentSignature.date(1551113065)).isEqualTo("2019-02-25");
        assertThat(TencentSignature.date(1551139199)).isEqualTo("2019-02-25");
        assertThat(TencentSignature.date(1551139200)).isEqualTo("2019-02-26");
    }

    @Test
    void authorizationHeadersAreParsedBackIntoTheirParts() {
        String authorization = TencentSignature.authorization("id", "key", 1551113065, "sms", "POST", exampleHeaders(), EXAMPLE_PAYLOAD);

        TencentSignature.Credential credential = TencentSignature.Credential.parse(authorization);
        assertThat(credential.secretId()).isEqualTo("id");
        assertThat(credential.date()).isEqualTo("2019-02-25");
        assertThat(credential.service()).isEqualTo("sms");
        assertThat(credential.signedHeaders()).containsExactly("content-type", "host");
        assertThat(authorization).endsWith("Signature=" + credential.signature());
        assertThat(TencentSignature.Credential.parse("Basic abc")).isNull();
        assertThat(TencentSignature.Credential.parse("TC3-HMAC-SHA256 Credential=id/2019-02-25/sms, SignedHeaders=host, Signature=x")).isNull();
    }

    @Test
    void everySignedPartChangesTheSignature() {
        String base = TencentSignature.authorization("id", "key", 1551113065, "sms", "POST", exampleHeaders(), EXAMPLE_PAYLOAD);
        assertThat(TencentSignature.authorization("id", "other", 1551113065, "sms", "POST", exampleHeaders(), EXAMPLE_PAYLOAD)).isNotEqualTo(base);
        assertThat(TencentSignature.authorization("id", "key", 1551113066, "sms", "POST", exampleHeaders(), EXAMPLE_PAYLOAD)).isNotEqualTo(base);
        assertThat(TencentSignature.authorization("id", "key", 1551113065, "cvm", "POST", exampleHeaders(), EXAMPLE_PAYLOAD)).isNotEqualTo(base);
        assertThat(TencentSignature.authorization("id", "key", 1551113065, "sms", "POST", exampleHeaders(), "{}".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(base);
        Map<String, String> otherHost = exampleHeaders();
        otherHost.put("host", "sms.tencentcloudapi.com");
        assertThat(TencentSignature.authorization("id", "key", 1551113065, "sms", "POST", otherHost, EXAMPLE_PAYLOAD)).isNotEqualTo(base);
    }

    @Test
    @DisplayName("the fakes' check accepts the published example signed request and refuses it altered: another body, service, "
            + "SecretId or key, or an old timestamp")
    void refusalOfThePublishedExample() {
        long timestamp = 1551113065;
        String authorization = TencentSignature.authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                timestamp, "cvm", "POST", exampleHeaders(), EXAMPLE_PAYLOAD);
        Map<String, String> headers = new java.util.HashMap<>(exampleHeaders());
        headers.put("Authorization", authorization);
        headers.put("X-TC-Timestamp", Long.toString(timestamp));
        Map<String, String> accounts = Map.of("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
        long anyAge = Long.MAX_VALUE / 2;

        assertThat(TencentSignature.refusal(headers::get, "POST", EXAMPLE_PAYLOAD, accounts, "cvm", anyAge)).isNull();
        assertThat(TencentSignature.refusal(headers::get, "POST", "{}".getBytes(StandardCharsets.UTF_8), accounts, "cvm", anyAge))
                .isEqualTo("AuthFailure.SignatureFailure");
        assertThat(TencentSignature.refusal(headers::get, "POST", EXAMPLE_PAYLOAD, accounts, "captcha", anyAge))
                .isEqualTo("AuthFailure.SignatureFailure");
        assertThat(TencentSignature.refusal(headers::get, "POST", EXAMPLE_PAYLOAD, Map.of("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "other"),
                "cvm", anyAge)).isEqualTo("AuthFailure.SignatureFailure");
        assertThat(TencentSignature.refusal(headers::get, "POST", EXAMPLE_PAYLOAD, Map.of("AKIDother", "x"), "cvm", anyAge))
                .isEqualTo("AuthFailure.SecretIdNotFound");
        assertThat(TencentSignature.refusal(headers::get, "POST", EXAMPLE_PAYLOAD, accounts, "cvm", 300))
                .isEqualTo("AuthFailure.SignatureExpire");
        assertThat(TencentSignature.refusal(name -> name.equals("Authorization") ? "Basic x" : headers.get(name), "POST",
                EXAMPLE_PAYLOAD, accounts, "cvm", anyAge)).isEqualTo("AuthFailure.InvalidAuthorization");
    }
}
