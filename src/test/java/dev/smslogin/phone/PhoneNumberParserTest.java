package dev.smslogin.phone;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhoneNumberParserTest {

    private final PhoneNumberParser china = new PhoneNumberParser("CN", Set.of("CN"));

    @Nested
    @DisplayName("given a mainland mobile number in any common form")
    class CommonForms {
        @ParameterizedTest
        @ValueSource(strings = {"13912345678", "+86 139 1234 5678", "008613912345678", "+8613912345678",
                " 139-1234-5678 ", "(+86) 139 1234 5678", "+86\u00a0139\u00a012345678"})
        @DisplayName("then it is the same E.164 number")
        void normalises(String typed) throws Exception {
            PhoneNumber number = china.parse(typed);
            assertThat(number.e164()).isEqualTo("+8613912345678");
            assertThat(number.region()).isEqualTo("CN");
            assertThat(number.countryCode()).isEqualTo(86);
            assertThat(number.nationalNumber()).isEqualTo("13912345678");
        }
    }

    @Nested
    @DisplayName("given input that is not a number")
    class Malformed {
        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "abc", "1391234567", "139123456789", "<script>alert(1)</script>",
                "13912345678<b>", "+86 139 1234 5678 ext 9", "１３９１２３４５６７８", "0000000000000000000000000000000000000000"})
        @DisplayName("then it is refused as malformed")
        void refused(String typed) {
            assertRejected(china, typed, PhoneNumberRejection.MALFORMED);
        }

        @Test
        void nullIsMalformed() {
            assertRejected(china, null, PhoneNumberRejection.MALFORMED);
        }

        @Test
        void hugeInputIsRefusedBeforeParsing() {
            assertRejected(china, "1".repeat(100_000), PhoneNumberRejection.MALFORMED);
        }
    }

    @Test
    @DisplayName("given a Beijing landline, then it is refused as not mobile")
    void landline() {
        assertRejected(china, "010 6552 9988", PhoneNumberRejection.NOT_MOBILE);
    }

    @Test
    @DisplayName("given premium-rate and satellite numbers, then they never count as mobile")
    void premiumAndSatellite() {
        PhoneNumberParser anywhere = new PhoneNumberParser("GB", Set.of("GB", "CN", "US", "001"));
        assertRejected(anywhere, "+44 909 879 0000", PhoneNumberRejection.NOT_MOBILE);
        assertRejected(anywhere, "+881 6 12345678", PhoneNumberRejection.NOT_MOBILE);
    }

    @Test
    @DisplayName("given a Hong Kong mobile and only CN allowed, then the region is refused")
    void regionNotAllowed() {
        assertRejected(china, "+852 5123 4567", PhoneNumberRejection.REGION_NOT_ALLOWED);
    }

    @Test
    @DisplayName("given HK allowed too, then a Hong Kong mobile is accepted with its own region")
    void otherAllowedRegion() throws Exception {
        PhoneNumber number = new PhoneNumberParser("CN", Set.of("CN", "HK")).parse("+852 5123 4567");
        assertThat(number.e164()).isEqualTo("+85251234567");
        assertThat(number.region()).isEqualTo("HK");
    }

    @Test
    void fromE164ReadsStoredNumbers() {
        assertThat(PhoneNumber.fromE164("+8613912345678").nationalNumber()).isEqualTo("13912345678");
    }

    @ParameterizedTest
    @CsvSource({"CN, 13912345678", "HK, 51234567", "US, 2015550123", "CA, 6135550123", "IT, 3123456789", "GB, 07400123456"})
    @DisplayName("a number restored from its E.164 form and region is the number the parser accepted")
    void restoreGivesTheParsedNumber(String region, String typed) throws Exception {
        PhoneNumber parsed = new PhoneNumberParser(region, Set.of(region)).parse(typed);
        PhoneNumber restored = PhoneNumber.restore(parsed.e164(), parsed.region());
        assertThat(restored).isEqualTo(parsed);
        assertThat(List.of(restored.region(), restored.countryCode(), restored.nationalNumber()))
                .isEqualTo(List.of(parsed.region(), parsed.countryCode(), parsed.nationalNumber()));
        assertThatThrownBy(() -> PhoneNumber.restore(parsed.e164(), "DE")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void maskingHidesTheMiddleDigits() {
        PhoneNumber number = PhoneNumber.fromE164("+8613912345678");
        assertThat(number.masked()).isEqualTo("+86139****5678");
        assertThat(number.maskedForDisplay()).isEqualTo("+86 139****5678");
        assertThat(number.toString()).doesNotContain("13912345678");
        assertThat(PhoneMasking.mask("12345")).isEqualTo("****45");
    }

    private static void assertRejected(PhoneNumberParser parser, String typed, PhoneNumberRejection reason) {
        assertThatThrownBy(() -> parser.parse(typed))
                .isInstanceOf(InvalidPhoneNumberException.class)
                .satisfies(e -> assertThat(((InvalidPhoneNumberException) e).reason()).isEqualTo(reason));
    }
}
