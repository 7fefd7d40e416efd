package dev.smslogin.code;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodeGeneratorTest {

    @Test
    void codesHaveTheConfiguredNumberOfDigitsIncludingLeadingZeros() {
        boolean sawLeadingZero = false;
        for (int i = 0; i < 5_000; i++) {
            String code = CodeGenerator.generate(6);
            assertThat(code).matches("[0-9]{6}");
            sawLeadingZero |= code.startsWith("0");
        }
        assertThat(sawLeadingZero).as("about 1 in 10 codes starts with 0").isTrue();
        assertThat(CodeGenerator.generate(8)).matches("[0-9]{8}");
    }

    @Test
    void codesAreSpreadOverTheWholeRange() {
        Set<String> seen = new HashSet<>();
        int[] firstDigit = new int[10];
        for (int i = 0; i < 20_000; i++) {
            String code = CodeGenerator.generate(6);
            seen.add(code);
            firstDigit[code.charAt(0) - '0']++;
        }
        assertThat(seen.size()).as("collisions among 20k draws from 1M").isGreaterThan(19_500);
        for (int count : firstDigit) {
            assertThat(count).isBetween(1_600, 2_400);
        }
    }

    @Test
    void refusesImpossibleLengths() {
        assertThatThrownBy(() -> CodeGenerator.generate(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CodeGenerator.generate(10)).isInstanceOf(IllegalArgumentException.class);
    }
}
