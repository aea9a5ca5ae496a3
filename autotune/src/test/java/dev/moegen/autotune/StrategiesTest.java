package dev.moegen.autotune;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.autotune.search.Budget;
import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.search.Strategy;
import dev.moegen.autotune.search.Tuning;
import dev.moegen.autotune.strategy.Strategies;
import java.time.Duration;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class StrategiesTest {
    @Test
    void exhaustiveFindsTheBestPassingPointAndNeverAFailedOne() {
        Bowl b = new Bowl();
        var out = Tuning.run(b.space, b, Strategies.byId("exhaustive"), Budget.unlimited(), 1, null);
        assertEquals(b.space.size(), out.evaluations());
        assertEquals(b.space.size(), b.calls, "each point measured once");
        assertEquals(b.best(), out.bestEvaluation().orElseThrow().seconds(), 0);
        assertTrue(out.failures() > 0);
        assertTrue(out.bestEvaluation().orElseThrow().ok());
    }

    @Test
    void everyStrategyStaysWithinItsEvaluationBudgetAndNeverRepeatsAPoint() {
        for (Strategy s : Strategies.all()) {
            Bowl b = new Bowl();
            var seen = new HashSet<Integer>();
            var out = Tuning.run(b.space, b, s, Budget.evaluations(40), 7, (n, i, e, best) -> assertTrue(seen.add(i), s.id() + " repeated point " + i));
            assertEquals(40, out.evaluations(), s.id());
            assertEquals(40, b.calls, s.id());
            assertEquals(40, out.bestSoFar().size());
            for (int k = 1; k < out.bestSoFar().size(); k++)
                if (!Double.isNaN(out.bestSoFar().get(k - 1))) assertTrue(out.bestSoFar().get(k) <= out.bestSoFar().get(k - 1), "best so far never rises");
            out.bestEvaluation().ifPresent(e -> assertEquals(Evaluation.Status.OK, e.status()));
        }
    }

    @Test
    void aTimeBudgetEndsTheSearch() {
        Bowl b = new Bowl();
        var slow = new dev.moegen.autotune.search.Objective() {
            @Override
            public Evaluation evaluate(int i) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return b.evaluate(i);
            }
        };
        var out = Tuning.run(b.space, slow, Strategies.byId("random"), Budget.time(Duration.ofMillis(300)), 1, null);
        assertTrue(out.evaluations() >= 3 && out.evaluations() < 40, "evaluations " + out.evaluations());
    }

    @Test
    void aTargetStopsAtTheFirstPointThatReachesIt() {
        Bowl b = new Bowl();
        var out = Tuning.run(b.space, b, Strategies.byId("exhaustive"), Budget.unlimited(), 1, b.best() * 1.03, null);
        assertTrue(out.bestEvaluation().orElseThrow().seconds() <= b.best() * 1.03);
        assertTrue(out.evaluations() < b.space.size());
    }

    @Test
    void unknownStrategyNamesTheAllowedOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Strategies.byId("grid"));
        assertTrue(e.getMessage().contains("bayes") && e.getMessage().contains("exhaustive") && e.getMessage().contains("random"), e.getMessage());
    }
}
