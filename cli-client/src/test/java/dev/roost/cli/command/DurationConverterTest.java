package dev.roost.cli.command;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void convert_acceptsTheSharedShortFormsAndIso() {
        assertThat(convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(convert(" 30S ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(convert("pt5s")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void convert_refusesGarbageNegativesAndOverlongNumbers() {
        for (String bad : new String[] {"ten seconds", "10", "-5s", "PT-5S", "1234567890s", "5w"}) {
            assertThatThrownBy(() -> convert(bad)).as(bad).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("is not a duration");
        }
    }

    private Duration convert(String value) {
        return converter.convert(value);
    }
}
