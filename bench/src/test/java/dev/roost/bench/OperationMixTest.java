package dev.roost.bench;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OperationMixTest {
    @Test
    void parse_readsWeightsAndDropsZeroes() {
        OperationMix mix = OperationMix.parse("get=80, list=20,list-label=0");

        assertThat(mix.weights()).containsExactly(Map.entry(Operation.GET_DEVICE, 80),
                Map.entry(Operation.LIST_DEVICES, 20));
        assertThat(mix).hasToString("get=80,list=20");
    }

    @Test
    void pick_followsTheWeights() {
        OperationMix mix = OperationMix.parse("get=70,list=20,list-label=10");
        Random random = new Random(42);
        Map<Operation, Integer> picked = new EnumMap<>(Operation.class);
        for (int i = 0; i < 100_000; i++) {
            picked.merge(mix.pick(random), 1, Integer::sum);
        }

        assertThat(picked.get(Operation.GET_DEVICE) / 100_000.0).isCloseTo(0.70, within(0.01));
        assertThat(picked.get(Operation.LIST_DEVICES) / 100_000.0).isCloseTo(0.20, within(0.01));
        assertThat(picked.get(Operation.LIST_DEVICES_BY_LABEL) / 100_000.0).isCloseTo(0.10, within(0.01));
    }

    @Test
    void parse_refusesUnknownOperationsAndEmptyMixes() {
        assertThatThrownBy(() -> OperationMix.parse("get=1,delete=1")).hasMessageContaining("unknown operation 'delete'");
        assertThatThrownBy(() -> OperationMix.parse("get=0")).hasMessageContaining("no operation");
        assertThatThrownBy(() -> OperationMix.parse("get")).hasMessageContaining("not operation=weight");
    }
}
