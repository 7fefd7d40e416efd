package dev.smslogin.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Counters and a timer of the SMS login, in Micrometer's global registry: the registry Keycloak publishes on its
 * management interface ({@code /metrics}) when started with {@code --metrics-enabled=true}. With metrics off the
 * global registry holds no registry and every call is a no-op.
 *
 * <ul>
 *   <li>{@code sms_login_codes_total{realm, result}}: asks for a code, by what became of them
 *       ({@link SendResult}).</li>
 *   <li>{@code sms_login_sends_total{realm, region}}: codes handed to the SMS provider (sent, or unconfirmed after a
 *       timeout), by the ISO 3166 region of the number: a region whose sends jump is the sign of SMS pumping.</li>
 *   <li>{@code sms_login_verifications_total{realm, result}}: codes typed, by result ({@link VerifyResult}).</li>
 *   <li>{@code sms_login_send_duration_seconds{sender, result}}: how long the SMS provider took to accept (or
 *       refuse) a message, with histogram buckets from 50 ms to 10 s.</li>
 *   <li>{@code sms_login_sends_in_flight{sender}} and {@code sms_login_sends_in_flight_limit{sender}}: sends waiting
 *       for the provider on this node, and how many it allows; sends refused for it count in
 *       {@code sms_login_codes_total{result="sms_busy"}}.</li>
 *   <li>{@code sms_login_human_check_outage_total{realm, provider, decision}}: requests for a code that met the
 *       flow's human check unavailable, by what the flow did ({@link OutageDecision}: {@code allowed}, {@code refused}).</li>
 * </ul>
 * Tags carry no phone number, code or user: only the realm name, the provider id, a fixed result word and a region
 * code (one of ISO 3166's ~250).
 */
public final class SmsLoginMetrics {

    static final String CODES = "sms_login_codes";
    static final String SENDS = "sms_login_sends";
    static final String VERIFICATIONS = "sms_login_verifications";
    static final String SEND_DURATION = "sms_login_send_duration";
    static final String SENDS_IN_FLIGHT = "sms_login_sends_in_flight";
    static final String ACCOUNT_SENDS = "sms_login_account_sends";
    static final String SENDS_IN_FLIGHT_LIMIT = "sms_login_sends_in_flight_limit";
    static final String HUMAN_CHECK_OUTAGE = "sms_login_human_check_outage";
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)
    };

    /** What became of an ask for a code. */
    public enum SendResult {
        SENT, COOLDOWN, PHONE_LIMIT, IP_LIMIT, REALM_LIMIT,
        /** Refused by the realm's cap of the number's region ({@code maxSendsPerRegionPerHour}): the toll-fraud guard. */
        REGION_LIMIT,
        INVALID_NUMBER, HUMAN_CHECK_FAILED,
        SMS_RATE_LIMITED, SMS_REFUSED_NUMBER, SMS_UNAVAILABLE, SMS_UNCONFIRMED, SMS_BUSY, STORE_UNAVAILABLE,
        /** Counted as a send, but no SMS went out (a reset to a number no account may reset with). */
        WITHHELD
    }

    /** What a flow did with a request for a code while its human check's vendor could not answer. */
    public enum OutageDecision {
        /** Sent without the check, within the tighter limits ({@code humanCheckOutage} {@code allow}). */
        ALLOWED,
        /** No code ({@code humanCheckOutage} {@code refuse}, the default). */
        REFUSED
    }

    /** What became of one SMS account's try at a code. */
    public enum AccountResult {
        SENT,
        /** Not sent, and no other account tried (none left, or the refusal was about the number). */
        REFUSED,
        /** Not sent; the next account of the route was tried. */
        FAILED_OVER
    }

    /** What a typed code turned out to be. */
    public enum VerifyResult {
        VALID, WRONG, BURNED, EXPIRED, LOCKED, MALFORMED, STORE_UNAVAILABLE
    }

    private final MeterRegistry registry;

    public SmsLoginMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public static SmsLoginMetrics global() {
        return new SmsLoginMetrics(Metrics.globalRegistry);
    }

    public void codeAsked(String realm, SendResult result) {
        count(CODES, "Asks for an SMS login code, by result", realm, result);
    }

    /** A code went to the SMS provider for a number of {@code region} (its ISO 3166 alpha-2 code). */
    public void codeSent(String realm, String region) {
        Counter.builder(SENDS)
                .description("SMS login codes handed to the SMS provider, by the number's region")
                .tag("realm", realm)
                .tag("region", region)
                .register(registry)
                .increment();
    }

    /** Publishes how many sends a sender has in flight on this node ({@code inFlight}), and how many it allows. */
    public void sendsInFlight(String sender, IntSupplier inFlight, int limit) {
        Gauge.builder(SENDS_IN_FLIGHT, inFlight::getAsInt)
                .description("SMS sends waiting for the provider on this node")
                .tag("sender", sender)
                .register(registry);
        Gauge.builder(SENDS_IN_FLIGHT_LIMIT, () -> limit)
                .description("SMS sends this node lets wait for the provider at once (max-concurrent-sends)")
                .tag("sender", sender)
                .register(registry);
    }

    public void codeTyped(String realm, VerifyResult result) {
        count(VERIFICATIONS, "SMS login codes typed, by result", realm, result);
    }

    /** One SMS account's try at a code to a number of {@code region} (an ISO code: a bounded set). */
    public void accountSend(String realm, String account, String region, AccountResult result) {
        Counter.builder(ACCOUNT_SENDS)
                .description("Codes each SMS account of a realm was asked to send, by destination region and result")
                .tag("realm", realm)
                .tag("account", account)
                .tag("region", region)
                .tag("result", word(result))
                .register(registry)
                .increment();
    }

    /** A request for a code met the human check {@code provider} unavailable, and {@code decision} was taken. */
    public void humanCheckOutage(String realm, String provider, OutageDecision decision) {
        Counter.builder(HUMAN_CHECK_OUTAGE)
                .description("Requests for a code while the flow's human check could not answer, by what the flow did")
                .tag("realm", realm)
                .tag("provider", provider)
                .tag("decision", word(decision))
                .register(registry)
                .increment();
    }

    private void count(String name, String description, String realm, Enum<?> result) {
        Counter.builder(name)
                .description(description)
                .tag("realm", realm)
                .tag("result", word(result))
                .register(registry)
                .increment();
    }

    /** How long the SMS sender took; {@code failure} (its reason, as a word) null when the provider took the message. */
    public void sendTook(String sender, Enum<?> failure, long nanos) {
        Timer.builder(SEND_DURATION)
                .description("Time the SMS provider took to accept or refuse a code message")
                .tag("sender", sender)
                .tag("result", failure == null ? "success" : word(failure))
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    private static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
