package dev.smslogin.phonedialog;

import dev.smslogin.phone.PhoneNumberParser;
import org.keycloak.http.HttpRequest;

import java.text.Collator;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The phone page's region selector, shown when a flow allows more than one region: which regions it lists and
 * which one a number typed without a country code belongs to.
 */
final class RegionChoice {

    static final String REGION_FIELD = "region";

    private RegionChoice() {
    }

    /** An option of the selector, e.g. {@code HK}, "Hong Kong SAR China (+852)" (a bean: the template reads its getters). */
    public static final class Region {
        private final String code;
        private final String label;
        private final boolean selected;

        Region(String code, String label, boolean selected) {
            this.code = code;
            this.label = label;
            this.selected = selected;
        }

        public String getCode() {
            return code;
        }

        public String getLabel() {
            return label;
        }

        public boolean isSelected() {
            return selected;
        }
    }

    /**
     * The region the user picked on the phone page being submitted, when it is one of the allowed regions;
     * otherwise (no selector, a forged value, a GET) the flow's default region.
     */
    static String chosen(HttpRequest request, DialogSettings settings) {
        if (!"POST".equalsIgnoreCase(request.getHttpMethod())) {
            return settings.defaultRegion();
        }
        String picked = request.getDecodedFormParameters().getFirst(REGION_FIELD);
        return picked != null && settings.allowedRegions().contains(picked) ? picked : settings.defaultRegion();
    }

    /** The selector's options in the page's language, sorted by name; empty when only one region is allowed. */
    static List<Region> options(Set<String> allowedRegions, String chosen, Locale locale) {
        if (allowedRegions.size() < 2) {
            return List.of();
        }
        return allowedRegions.stream()
                .map(code -> new Region(code, label(code, locale), code.equals(chosen)))
                .sorted(Comparator.comparing(Region::getLabel, Collator.getInstance(locale)))
                .toList();
    }

    static String label(String code, Locale locale) {
        String name = new Locale("", code).getDisplayCountry(locale);
        return (name.isEmpty() ? code : name) + " (+" + PhoneNumberParser.callingCode(code) + ")";
    }
}
