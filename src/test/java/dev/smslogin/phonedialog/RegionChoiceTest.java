package dev.smslogin.phonedialog;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RegionChoiceTest {

    @Test
    @DisplayName("one allowed region: no selector")
    void singleRegionHasNoSelector() {
        assertThat(RegionChoice.options(Set.of("CN"), "CN", Locale.ENGLISH)).isEmpty();
    }

    @Test
    @DisplayName("several regions: each with its name in the page's language and its calling code, the chosen one selected")
    void severalRegions() {
        assertThat(RegionChoice.options(new LinkedHashSet<>(List.of("CN", "HK", "SG")), "HK", Locale.ENGLISH))
                .extracting(RegionChoice.Region::getCode, RegionChoice.Region::getLabel, RegionChoice.Region::isSelected)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("CN", "China (+86)", false),
                        org.assertj.core.groups.Tuple.tuple("HK", "Hong Kong SAR China (+852)", true),
                        org.assertj.core.groups.Tuple.tuple("SG", "Singapore (+65)", false));
        assertThat(RegionChoice.label("CN", Locale.SIMPLIFIED_CHINESE)).isEqualTo("中国 (+86)");
    }
}
