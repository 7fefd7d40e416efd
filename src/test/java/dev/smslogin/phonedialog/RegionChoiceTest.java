package dev.smslogin.authenticator;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RegionChoiceTest {

    @Test
    @DisplayName("one allowed region: no selector")
    void singleRegionHasNoSelector() {
        assertThat(RegionChoice.options(SmsLoginConfig.parse(Map.of()), "CN", Locale.ENGLISH)).isEmpty();
    }

    @Test
    @DisplayName("several regions: each with its name in the page's language and its calling code, the chosen one selected")
    void severalRegions() {
        SmsLoginConfig config = SmsLoginConfig.parse(Map.of("allowedRegions", "CN,HK,SG", "defaultRegion", "CN"));
        assertThat(RegionChoice.options(config, "HK", Locale.ENGLISH))
                .extracting(RegionChoice.Region::getCode, RegionChoice.Region::getLabel, RegionChoice.Region::isSelected)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("CN", "China (+86)", false),
                        org.assertj.core.groups.Tuple.tuple("HK", "Hong Kong SAR China (+852)", true),
                        org.assertj.core.groups.Tuple.tuple("SG", "Singapore (+65)", false));
        assertThat(RegionChoice.label("CN", Locale.SIMPLIFIED_CHINESE)).isEqualTo("中国 (+86)");
    }
}
