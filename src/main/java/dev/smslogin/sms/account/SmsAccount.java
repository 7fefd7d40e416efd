package dev.smslogin.sms.account;

import org.keycloak.component.ComponentModel;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One of a realm's own SMS accounts: a component the realm admin keeps on an "SMS accounts" page
 * ({@link SmsAccountPage}), with the service's settings, the destination regions it serves and its place among the
 * accounts serving a region.
 */
record SmsAccount(ComponentModel component, String service, List<String> regions, int priority) {

    static final String REGIONS = "regions";
    static final String PRIORITY = "priority";
    /** Serves every region no account of the realm names. */
    static final String EVERY_OTHER_REGION = "*";

    static SmsAccount of(ComponentModel component, String service) {
        return new SmsAccount(component, service, parseRegions(component.get(REGIONS)), parsePriority(component.get(PRIORITY)));
    }

    String name() {
        return component.getName();
    }

    /** {@code "CN, HK"} -> [CN, HK]; empty: every other region. */
    static List<String> parseRegions(String value) {
        if (value == null || value.isBlank()) {
            return List.of(EVERY_OTHER_REGION);
        }
        return Arrays.stream(value.split("[,\\s]+")).filter(region -> !region.isEmpty())
                .map(region -> region.toUpperCase(Locale.ROOT)).distinct().toList();
    }

    static int parsePriority(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        return Integer.parseInt(value.strip());
    }

    /** What is wrong with the regions or priority an admin typed; null when nothing. */
    static String problem(String regions, String priority) {
        for (String region : parseRegions(regions)) {
            if (!region.equals(EVERY_OTHER_REGION) && !region.matches("[A-Z]{2}")) {
                return "regions: '" + region + "' is not an ISO 3166 alpha-2 region (CN, US ...) or *";
            }
        }
        try {
            parsePriority(priority);
            return null;
        } catch (NumberFormatException e) {
            return "priority must be a whole number";
        }
    }
}
