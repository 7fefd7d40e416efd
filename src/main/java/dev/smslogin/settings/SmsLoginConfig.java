package dev.smslogin.settings;

import dev.smslogin.code.RegionCaps;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.VerifyLimits;
import dev.smslogin.phonecode.HumanCheckPolicy;
import dev.smslogin.phonedialog.DialogSettings;
import dev.smslogin.sms.SmsPurpose;
import dev.smslogin.sms.SmsTemplate;
import org.keycloak.models.AuthenticatorConfigModel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The per-flow settings of one "SMS Code Login" execution: a null-safe, typed and validated view over its
 * {@link AuthenticatorConfigModel}. Missing keys take their defaults; an invalid value is an error listed in
 * {@link InvalidConfigException}, never silently replaced.
 */
public record SmsLoginConfig(int codeLength, int codeTtlSeconds, int resendCooldownSeconds, int maxAttemptsPerCode,
                             int maxSendsPerPhonePerHour, int maxSendsPerPhonePerDay, int maxSendsPerIpPerHour,
                             int maxSendsPerRealmPerHour, RegionCaps maxSendsPerRegionPerHour, int maxConsecutiveFailuresPerPhone,
                             int failureLockSeconds, boolean allowRegistration, String defaultRegion, Set<String> allowedRegions,
                             String humanCheck, int humanCheckAfterSends, HumanCheckOutage humanCheckOutage,
                             UsernameFormat usernameFormat, String smsSignName, String smsTemplateCode) {

    public static final String CODE_LENGTH = "codeLength";
    public static final String CODE_TTL_SECONDS = "codeTtlSeconds";
    public static final String RESEND_COOLDOWN_SECONDS = "resendCooldownSeconds";
    public static final String MAX_ATTEMPTS_PER_CODE = "maxAttemptsPerCode";
    public static final String MAX_SENDS_PER_PHONE_PER_HOUR = "maxSendsPerPhonePerHour";
    public static final String MAX_SENDS_PER_PHONE_PER_DAY = "maxSendsPerPhonePerDay";
    public static final String MAX_SENDS_PER_IP_PER_HOUR = "maxSendsPerIpPerHour";
    public static final String MAX_SENDS_PER_REALM_PER_HOUR = "maxSendsPerRealmPerHour";
    public static final String MAX_SENDS_PER_REGION_PER_HOUR = "maxSendsPerRegionPerHour";
    /**
     * The region caps of a flow that sets none; a flow's own value is laid over them (the regions it names take its
     * caps, the others keep these): mainland China 100 000 per hour (a hundred times the realm's default cap, which
     * holds first), every other region 200.
     */
    public static final String DEFAULT_REGION_CAPS = "CN=100000,*=200";
    public static final String MAX_CONSECUTIVE_FAILURES_PER_PHONE = "maxConsecutiveFailuresPerPhone";
    public static final String FAILURE_LOCK_SECONDS = "failureLockSeconds";
    public static final String ALLOW_REGISTRATION = "allowRegistration";
    public static final String DEFAULT_REGION = "defaultRegion";
    public static final String ALLOWED_REGIONS = "allowedRegions";
    public static final String HUMAN_CHECK = "humanCheck";
    public static final String HUMAN_CHECK_AFTER_SENDS = "humanCheckAfterSends";
    public static final String HUMAN_CHECK_OUTAGE = "humanCheckOutage";
    public static final String USERNAME_FORMAT = "usernameFormat";
    public static final String SMS_SIGN_NAME = "smsSignName";
    public static final String SMS_TEMPLATE_CODE = "smsTemplateCode";

    private static final Set<String> ISO_REGIONS = Set.of(Locale.getISOCountries());
    // compiled once: the settings are read on every request of the flow
    private static final Pattern PROVIDER_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern REGION_SEPARATOR = Pattern.compile("[,\\s]+");
    /** One region cap: {@code CN=100000}, or {@code *=200} for every other region. */
    private static final Pattern REGION_CAP = Pattern.compile("([A-Za-z]{2}|\\*)\\s*=\\s*(\\d{1,9})");
    private static final int MAX_REGION_CAP = 1_000_000;
    private static final RegionCaps DEFAULT_CAPS = Reader.regionCaps(DEFAULT_REGION_CAPS, null);
    /** Aliyun's template codes, e.g. SMS_123456789. */
    private static final Pattern TEMPLATE_CODE = Pattern.compile("[A-Za-z0-9_]{1,64}");
    /** A sign name as providers approve them: letters (any script), digits, spaces, a few marks; no markup. */
    private static final Pattern SIGN_NAME = Pattern.compile("[\\p{L}\\p{N} ._-]{2,30}");

    /** What a send does while the human check's vendor cannot answer ({@code humanCheckOutage}). */
    public enum HumanCheckOutage {
        /** No code: "temporarily unavailable" (the default). */
        REFUSE,
        /** The code goes out without the check, within a fifth of the number's and the client's send limits. */
        ALLOW;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static SmsLoginConfig defaults() {
        return parse(Map.of());
    }

    public static SmsLoginConfig from(AuthenticatorConfigModel model) {
        return parse(model == null || model.getConfig() == null ? Map.of() : model.getConfig());
    }

    public static SmsLoginConfig parse(Map<String, String> values) {
        Reader reader = new Reader(values);
        int codeLength = reader.integer(CODE_LENGTH, 6, 6, 8);
        int codeTtl = reader.integer(CODE_TTL_SECONDS, 300, 30, 600);
        int cooldown = reader.integer(RESEND_COOLDOWN_SECONDS, 60, 1, 3600);
        int attempts = reader.integer(MAX_ATTEMPTS_PER_CODE, 5, 1, 10);
        int perHour = reader.integer(MAX_SENDS_PER_PHONE_PER_HOUR, 5, 1, 100);
        int perDay = reader.integer(MAX_SENDS_PER_PHONE_PER_DAY, 10, 1, 1000);
        int perIp = reader.integer(MAX_SENDS_PER_IP_PER_HOUR, 20, 1, 10000);
        int perRealm = reader.integer(MAX_SENDS_PER_REALM_PER_HOUR, 1000, 1, 1_000_000);
        RegionCaps perRegion = reader.regionCaps(MAX_SENDS_PER_REGION_PER_HOUR);
        int failures = reader.integer(MAX_CONSECUTIVE_FAILURES_PER_PHONE, 100, 5, 10_000);
        int lockSeconds = reader.integer(FAILURE_LOCK_SECONDS, 86_400, 60, 30 * 86_400);
        boolean allowRegistration = reader.bool(ALLOW_REGISTRATION, true);
        String defaultRegion = reader.region(DEFAULT_REGION, "CN");
        Set<String> allowed = reader.regions(ALLOWED_REGIONS, "CN");
        String humanCheck = reader.providerId(HUMAN_CHECK, "none");
        int humanCheckAfterSends = reader.integer(HUMAN_CHECK_AFTER_SENDS, 0, 0, 1000);
        HumanCheckOutage humanCheckOutage = reader.humanCheckOutage(HUMAN_CHECK_OUTAGE);
        UsernameFormat usernameFormat = reader.usernameFormat(USERNAME_FORMAT, UsernameFormat.OPAQUE);
        String signName = reader.matching(SMS_SIGN_NAME, SIGN_NAME, "an approved SMS sign name of 2 to 30 letters or digits");
        String templateCode = reader.matching(SMS_TEMPLATE_CODE, TEMPLATE_CODE, "an approved template code such as SMS_123456789");
        if (perDay < perHour) {
            reader.problems.add(MAX_SENDS_PER_PHONE_PER_DAY + " must not be lower than " + MAX_SENDS_PER_PHONE_PER_HOUR);
        }
        if (!reader.problems.isEmpty()) {
            throw new InvalidConfigException(reader.problems);
        }
        return new SmsLoginConfig(codeLength, codeTtl, cooldown, attempts, perHour, perDay, perIp, perRealm, perRegion, failures,
                lockSeconds, allowRegistration, defaultRegion, allowed, humanCheck, humanCheckAfterSends, humanCheckOutage, usernameFormat,
                signName, templateCode);
    }

    public SendLimits sendLimits() {
        return new SendLimits(resendCooldownSeconds, maxSendsPerPhonePerHour, maxSendsPerPhonePerDay, maxSendsPerIpPerHour,
                maxSendsPerRealmPerHour, maxSendsPerRegionPerHour);
    }

    public VerifyLimits verifyLimits() {
        return new VerifyLimits(maxAttemptsPerCode, maxConsecutiveFailuresPerPhone, failureLockSeconds);
    }

    /** What a phone dialog of these settings runs with, sending within {@code sendLimits} (see {@link RealmSendLimits}). */
    public DialogSettings dialogSettings(SendLimits sendLimits) {
        return new DialogSettings(codeLength, Duration.ofSeconds(codeTtlSeconds), sendLimits, verifyLimits(), defaultRegion,
                allowedRegions, humanCheckPolicy(), smsSignName, smsTemplateCode);
    }

    /** When the flow's human check is asked and what its vendor's outage does. */
    public HumanCheckPolicy humanCheckPolicy() {
        return new HumanCheckPolicy(humanCheck, humanCheckAfterSends, humanCheckOutage == HumanCheckOutage.ALLOW);
    }

    /** The message a code of {@code purpose} sent with these settings goes out in (the flow's sign name and template, if set). */
    public SmsTemplate smsTemplate(SmsPurpose purpose) {
        return new SmsTemplate(purpose, smsSignName, smsTemplateCode);
    }

    /** Thrown with every problem of a configuration, each naming its key. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private final List<String> problems;

        public InvalidConfigException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private static final class Reader {
        private final Map<String, String> values;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> values) {
            this.values = values;
        }

        private String value(String key) {
            String value = values.get(key);
            return value == null || value.isBlank() ? null : value.trim();
        }

        int integer(String key, int fallback, int min, int max) {
            String value = value(key);
            if (value == null) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problems.add(key + " must be a whole number from " + min + " to " + max);
            return fallback;
        }

        boolean bool(String key, boolean fallback) {
            String value = value(key);
            if (value == null) {
                return fallback;
            }
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(value);
            }
            problems.add(key + " must be true or false");
            return fallback;
        }

        String region(String key, String fallback) {
            String value = value(key);
            if (value == null) {
                return fallback;
            }
            String upper = value.toUpperCase(Locale.ROOT);
            if (!ISO_REGIONS.contains(upper)) {
                problems.add(key + " must be an ISO 3166 alpha-2 region such as CN");
                return fallback;
            }
            return upper;
        }

        HumanCheckOutage humanCheckOutage(String key) {
            String value = value(key);
            if (value == null) {
                return HumanCheckOutage.REFUSE;
            }
            for (HumanCheckOutage outage : HumanCheckOutage.values()) {
                if (outage.value().equalsIgnoreCase(value)) {
                    return outage;
                }
            }
            problems.add(key + " must be refuse or allow");
            return HumanCheckOutage.REFUSE;
        }

        UsernameFormat usernameFormat(String key, UsernameFormat fallback) {
            String value = value(key);
            if (value == null) {
                return fallback;
            }
            for (UsernameFormat format : UsernameFormat.values()) {
                if (format.value().equalsIgnoreCase(value)) {
                    return format;
                }
            }
            problems.add(key + " must be opaque or phone");
            return fallback;
        }

        /** An optional value of the form {@code pattern}: null when not set. */
        String matching(String key, Pattern pattern, String what) {
            String value = value(key);
            if (value != null && !pattern.matcher(value).matches()) {
                problems.add(key + " must be " + what);
                return null;
            }
            return value;
        }

        String providerId(String key, String fallback) {
            String value = value(key);
            if (value == null) {
                return fallback;
            }
            if (!PROVIDER_ID.matcher(value).matches()) {
                problems.add(key + " must be the id of an sms-human-check provider, such as none or siteverify");
                return fallback;
            }
            return value;
        }

        /**
         * Caps of the form {@code CN=100000,US=500,*=200} ({@code *}: every region not named), each from 1 to
         * {@code max}, laid over {@link #DEFAULT_REGION_CAPS}: a region the value does not name keeps its default.
         */
        RegionCaps regionCaps(String key) {
            String value = value(key);
            if (value == null) {
                return DEFAULT_CAPS;
            }
            RegionCaps caps = regionCaps(value, DEFAULT_CAPS);
            if (caps == null) {
                problems.add(key + " must be a comma-separated list of REGION=N, REGION an ISO 3166 alpha-2 region named once "
                        + "(or * for every other region) and N a whole number from 1 to " + MAX_REGION_CAP + ", such as "
                        + DEFAULT_REGION_CAPS);
                return DEFAULT_CAPS;
            }
            return caps;
        }

        /** The caps {@code value} names over {@code base} (null: none), or null when {@code value} is not such a list. */
        private static RegionCaps regionCaps(String value, RegionCaps base) {
            Map<String, Integer> caps = new HashMap<>(base == null ? Map.of() : base.byRegion());
            Integer others = base == null ? null : base.others();
            Set<String> named = new HashSet<>();
            for (String entry : value.split(",", -1)) {
                var cap = REGION_CAP.matcher(entry.strip());
                if (!cap.matches()) {
                    return null;
                }
                String region = cap.group(1).toUpperCase(Locale.ROOT);
                long count = Long.parseLong(cap.group(2));
                boolean known = region.equals("*") || ISO_REGIONS.contains(region);
                if (!known || !named.add(region) || count < 1 || count > MAX_REGION_CAP) {
                    return null;
                }
                if (region.equals("*")) {
                    others = (int) count;
                } else {
                    caps.put(region, (int) count);
                }
            }
            return others == null ? null : new RegionCaps(caps, others);
        }

        Set<String> regions(String key, String fallback) {
            String value = value(key);
            String list = value == null ? fallback : value;
            Set<String> regions = REGION_SEPARATOR.splitAsStream(list)
                    .filter(s -> !s.isBlank())
                    .map(s -> s.toUpperCase(Locale.ROOT))
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            List<String> unknown = regions.stream().filter(r -> !ISO_REGIONS.contains(r)).toList();
            if (regions.isEmpty() || !unknown.isEmpty()) {
                problems.add(key + " must be a comma-separated list of ISO 3166 alpha-2 regions such as CN,HK");
                return Set.of(fallback);
            }
            return java.util.Collections.unmodifiableSet(regions);
        }
    }
}
