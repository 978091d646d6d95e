package dev.roost.server.northbound.legacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LegacyFlattenerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, JsonNode> flat(String json) throws Exception {
        return LegacyFlattener.flatten(JSON.readTree(json));
    }

    @Test
    void nestedObjects_becomeUnderscoredNames() throws Exception {
        Map<String, JsonNode> flat = flat("{\"hardware\":{\"sn\":\"A\",\"model\":\"B\"},"
                + "\"software\":{\"version\":\"1.0\",\"last_update\":\"2024-11-30\"}}");

        assertThat(flat.keySet()).containsExactly("hardware_sn", "hardware_model", "software_version",
                "software_last_update");
        assertThat(flat.get("software_last_update").asText()).isEqualTo("2024-11-30");
    }

    @Test
    void arrayElements_takeTheirOneBasedIndexWithoutUnderscore() throws Exception {
        Map<String, JsonNode> flat = flat("{\"nic\":[{\"type\":\"eth\",\"mac\":\"m1\",\"ipv4\":\"i1\"},"
                + "{\"type\":\"wifi\"}]}");

        assertThat(flat.keySet()).containsExactly("nic1_type", "nic1_mac", "nic1_ipv4", "nic2_type");
        assertThat(flat.get("nic2_type").asText()).isEqualTo("wifi");
    }

    @Test
    void flatAndNestedSpellings_mix_andTheLaterWins() throws Exception {
        Map<String, JsonNode> flat = flat("{\"hardware_sn\":\"flat\",\"hardware\":{\"sn\":\"nested\"},"
                + "\"nic\":[{},{\"ipv4\":\"10.0.0.2\"}],\"x\":null}");

        assertThat(flat.get("hardware_sn").asText()).isEqualTo("nested");
        assertThat(flat.get("nic2_ipv4").asText()).isEqualTo("10.0.0.2");
        assertThat(flat).containsKey("x").doesNotContainKey("nic1_type");
    }

    @Test
    void aNonObjectBodyOrArrayElement_isTheFrameworksInternalError() {
        for (String body : new String[] {"[1,2]", "\"text\"", "{\"nic\":[1]}"}) {
            assertThatThrownBy(() -> flat(body)).isInstanceOfSatisfying(LegacyFailure.class, failure -> {
                assertThat(failure.status()).isEqualTo(500);
                assertThat(failure.shape()).isEqualTo(LegacyFailure.Shape.FRAMEWORK);
            });
        }
    }

    @Test
    void dates_areTakenAsMySqlTookThem() {
        Instant day = Instant.parse("2024-11-30T00:00:00Z");
        assertThat(LegacyShapes.parseDate("2024-11-30")).contains(day);
        assertThat(LegacyShapes.parseDate("2024/11/30")).contains(day);
        assertThat(LegacyShapes.parseDate("20241130")).contains(day);
        assertThat(LegacyShapes.parseDate("2024-11-30 13:14:15")).contains(day);
        assertThat(LegacyShapes.parseDate("2024-02-30")).isEqualTo(Optional.empty());
        assertThat(LegacyShapes.parseDate("yesterday")).isEmpty();
        assertThat(LegacyShapes.date(day)).isEqualTo("2024-11-30");
    }
}
