package dev.roost.bench;

import java.util.EnumMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/** Relative weights of the operations, e.g. "get=80,list=10,list-label=10"; picks one at random. */
final class OperationMix {
    private final Map<Operation, Integer> weights;
    private final Operation[] operations;
    private final int[] cumulative;

    private OperationMix(Map<Operation, Integer> weights) {
        this.weights = weights;
        this.operations = weights.keySet().toArray(Operation[]::new);
        this.cumulative = new int[operations.length];
        int sum = 0;
        for (int i = 0; i < operations.length; i++) {
            sum += weights.get(operations[i]);
            cumulative[i] = sum;
        }
    }

    static OperationMix parse(String text) {
        Map<Operation, Integer> weights = new EnumMap<>(Operation.class);
        for (String part : text.split(",")) {
            String[] pair = part.trim().split("=");
            if (pair.length != 2) {
                throw new IllegalArgumentException("'" + part + "' is not operation=weight");
            }
            int weight;
            try {
                weight = Integer.parseInt(pair[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weight of '" + pair[0].trim() + "' is not a number");
            }
            if (weight < 0) {
                throw new IllegalArgumentException("weight of '" + pair[0].trim() + "' is negative");
            }
            if (weight > 0) {
                weights.merge(Operation.byShortName(pair[0].trim()), weight, Integer::sum);
            }
        }
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("the mix '" + text + "' has no operation with a positive weight");
        }
        return new OperationMix(weights);
    }

    Operation pick(RandomGenerator random) {
        int ticket = random.nextInt(cumulative[cumulative.length - 1]);
        for (int i = 0; i < cumulative.length; i++) {
            if (ticket < cumulative[i]) {
                return operations[i];
            }
        }
        throw new IllegalStateException("unreachable");
    }

    Map<Operation, Integer> weights() {
        return weights;
    }

    @Override
    public String toString() {
        return weights.entrySet().stream()
                .map(e -> e.getKey().shortName() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
