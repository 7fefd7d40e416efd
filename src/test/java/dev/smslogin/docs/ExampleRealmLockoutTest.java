package dev.smslogin.docs;

import dev.smslogin.settings.SmsLoginConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Second review, finding 10: in the example realm a stranger who knows a phone number cannot lock its owner out
 * (Keycloak's lockout blocks the password too) within a day's SMS quota for that number. Every code sent to the
 * number gives at most {@code maxAttemptsPerCode} guesses that count in Keycloak's brute-force protection, and the
 * number gets at most {@code maxSendsPerPhonePerDay} codes per rolling day, counted realm-wide against the most
 * lenient of the realm's SMS steps (SECURITY.md, second review, item 10).
 */
@DisplayName("examples/realm-sms-demo.json: brute-force settings")
class ExampleRealmLockoutTest {

    /**
     * The steps that text codes and whose wrong codes count in Keycloak's brute-force protection: the login, the
     * direct grant and the reset step, which a stranger can start with the number alone, and the second factor
     * (after the password). Their send windows per number are one, counted against the most lenient of them.
     */
    static final Set<String> COUNTED_SMS_STEPS = Set.of("sms-login", "sms-login-direct-grant", "sms-reset-credentials", "sms-otp");

    static JsonNode realm;
    static List<SmsLoginConfig> smsSteps;

    @BeforeAll
    static void read() throws IOException {
        realm = new ObjectMapper().readTree(Files.readString(Path.of("examples/realm-sms-demo.json")));
        Map<String, Map<String, String>> configs = new HashMap<>();
        for (JsonNode config : realm.get("authenticatorConfig")) {
            Map<String, String> values = new HashMap<>();
            config.get("config").fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
            configs.put(config.get("alias").asText(), values);
        }
        smsSteps = new ArrayList<>();
        for (JsonNode flow : realm.get("authenticationFlows")) {
            for (JsonNode execution : flow.get("authenticationExecutions")) {
                if (COUNTED_SMS_STEPS.contains(execution.path("authenticator").asText())
                        && !"DISABLED".equals(execution.path("requirement").asText())) {
                    // no settings: the defaults
                    smsSteps.add(SmsLoginConfig.parse(configs.getOrDefault(execution.path("authenticatorConfig").asText(), Map.of())));
                }
            }
        }
    }

    @Test
    @DisplayName("a day's SMS quota for one number times the counted guesses per code stays below failureFactor")
    void aDaysQuotaOfGuessesDoesNotReachTheLockout() {
        assertThat(smsSteps).as("the example realm's SMS steps").hasSizeGreaterThanOrEqualTo(2);
        int sendsPerDay = smsSteps.stream().mapToInt(SmsLoginConfig::maxSendsPerPhonePerDay).max().orElseThrow();
        int guessesPerCode = smsSteps.stream().mapToInt(SmsLoginConfig::maxAttemptsPerCode).max().orElseThrow();
        int failureFactor = realm.path("failureFactor").asInt(30);    // absent: Keycloak's default

        assertThat(realm.get("bruteForceProtected").asBoolean()).as("wrong codes count at all").isTrue();
        assertThat(sendsPerDay * guessesPerCode)
                .as("counted guesses a stranger gets per day (%d SMS x %d guesses) against failureFactor", sendsPerDay, guessesPerCode)
                .isLessThan(failureFactor);
    }

    @Test
    @DisplayName("lockouts are temporary and short, and the quick-login check locks nobody")
    void lockoutsExpire() {
        // absent keys: Keycloak's defaults
        assertThat(realm.path("permanentLockout").asBoolean(false)).as("permanentLockout: would disable the account").isFalse();
        int maxFailureWaitSeconds = realm.path("maxFailureWaitSeconds").asInt(900);
        assertThat(maxFailureWaitSeconds).as("longest lockout").isBetween(1, 900);
        assertThat(realm.path("waitIncrementSeconds").asInt(60)).isBetween(1, maxFailureWaitSeconds);
        // Keycloak locks a user for minimumQuickLoginWaitSeconds when two failures come within
        // quickLoginCheckMilliSeconds: two quick wrong codes would do, whatever failureFactor says
        assertThat(realm.path("minimumQuickLoginWaitSeconds").asInt(60)).as("minimumQuickLoginWaitSeconds").isZero();
    }
}
