package dev.smslogin.testing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AliyunSignatureTest {

    @Test
    @DisplayName("reproduces the SendSms example of Aliyun's signature documentation")
    void publishedSendSmsExample() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccessKeyId", "testId");
        params.put("Action", "SendSms");
        params.put("Format", "XML");
        params.put("OutId", "123");
        params.put("PhoneNumbers", "15300000001");
        params.put("RegionId", "cn-hangzhou");
        params.put("SignName", "阿里云短信测试专用");
        params.put("SignatureMethod", "HMAC-SHA1");
        params.put("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466");
        params.put("SignatureVersion", "1.0");
        params.put("TemplateCode", "SMS_71390007");
        params.put("TemplateParam", "{\"customer\":\"test\"}");
        params.put("Timestamp", "2017-07-12T02:42:19Z");
        params.put("Version", "2017-05-25");

        assertThat(AliyunSignature.sign("GET", params, "testSecret")).isEqualTo("zJDF+Lrzhj/ThnlvIToysFRq6t4=");
    }

    @Test
    @DisplayName("reproduces the DescribeRegions example of Aliyun's RPC signature documentation")
    void publishedRpcExample() {
        Map<String, String> params = Map.of(
                "Format", "XML", "AccessKeyId", "testid", "Action", "DescribeRegions",
                "SignatureMethod", "HMAC-SHA1", "SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
                "SignatureVersion", "1.0", "Version", "2014-05-26", "Timestamp", "2016-02-23T12:46:24Z");

        assertThat(AliyunSignature.sign("GET", params, "testsecret")).isEqualTo("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    }

    @Test
    void theSignatureParameterItselfIsNotSigned() {
        Map<String, String> params = Map.of("Action", "SendSms", "Timestamp", "2017-07-12T02:42:19Z");
        Map<String, String> withSignature = new LinkedHashMap<>(params);
        withSignature.put("Signature", "anything");

        assertThat(AliyunSignature.sign("POST", withSignature, "s")).isEqualTo(AliyunSignature.sign("POST", params, "s"));
        assertThat(AliyunSignature.sign("POST", params, "s")).isNotEqualTo(AliyunSignature.sign("GET", params, "s"));
    }

    @Test
    void percentEncodingFollowsAliyunsRules() {
        assertThat(AliyunSignature.percentEncode("a b*c~d")).isEqualTo("a%20b%2Ac~d");
        assertThat(AliyunSignature.percentEncode("/=&+")).isEqualTo("%2F%3D%26%2B");
        assertThat(AliyunSignature.percentEncode("派")).isEqualTo("%E6%B4%BE");
    }
}
