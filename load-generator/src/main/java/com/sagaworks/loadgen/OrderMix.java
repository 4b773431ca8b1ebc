package com.sagaworks.loadgen;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which outcome each order is built to reach, in configured proportions ({@code success:90,declined:5,out-of-stock:5}).
 * The choice is a pure function of the order's index (a weighted round robin), so two runs send the same mix and a
 * short run already has it exactly, not only on average.
 */
final class OrderMix {

    private final Outcome[] cycle;
    private final Map<Outcome, Integer> weights;

    private OrderMix(Map<Outcome, Integer> weights) {
        this.weights = Map.copyOf(weights);
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        if (total <= 0) {
            throw new IllegalArgumentException("the mix needs a positive weight");
        }
        // spread each outcome evenly over the cycle (largest remainder first), so a 5 % outcome is not one burst
        this.cycle = new Outcome[total];
        Map<Outcome, Double> credit = new EnumMap<>(Outcome.class);
        for (int slot = 0; slot < total; slot++) {
            Outcome best = null;
            for (Map.Entry<Outcome, Integer> entry : weights.entrySet()) {
                double value = credit.merge(entry.getKey(), entry.getValue() / (double) total, Double::sum);
                if (best == null || value > credit.get(best)) {
                    best = entry.getKey();
                }
            }
            credit.merge(best, -1d, Double::sum);
            cycle[slot] = best;
        }
    }

    static OrderMix parse(String text) {
        Map<Outcome, Integer> weights = new EnumMap<>(Outcome.class);
        for (String part : List.of(text.split(","))) {
            String[] nameAndWeight = part.trim().split(":");
            if (nameAndWeight.length != 2) {
                throw new IllegalArgumentException("mix entries look like success:90, got: " + part);
            }
            Outcome outcome = switch (nameAndWeight[0].trim()) {
                case "success" -> Outcome.SUCCESS;
                case "declined" -> Outcome.DECLINED;
                case "out-of-stock" -> Outcome.OUT_OF_STOCK;
                default -> throw new IllegalArgumentException(
                        "mix outcomes are success, declined, out-of-stock; got: " + nameAndWeight[0]);
            };
            int weight = Integer.parseInt(nameAndWeight[1].trim());
            if (weight < 0) {
                throw new IllegalArgumentException("a mix weight must not be negative: " + part);
            }
            if (weight > 0) {
                weights.put(outcome, weight);
            }
        }
        return new OrderMix(weights);
    }

    Outcome outcomeOf(long index) {
        return cycle[(int) (index % cycle.length)];
    }

    Map<Outcome, Integer> weights() {
        return weights;
    }
}
