package io.raftkv.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The search, with its pruning, agrees with a brute-force enumeration of every order on small
 * random histories (random outputs, so both verdicts occur), ambiguous and failed calls included.
 * The brute force uses its own copy of the register semantics on purpose.
 */
class BruteForceProperties {

  private static final String[] VALUES = {null, "a", "b"};

  @Property(tries = 5000)
  void when_history_is_small_then_search_agrees_with_brute_force(
      @ForAll @IntRange(min = 1, max = 8) int size, @ForAll long seed) {
    List<Operation> h = randomHistory(size, new Random(seed));
    boolean expected = bruteForce(normalized(h), null);
    CheckResult r = LinearizabilityChecker.check(h, Duration.ofSeconds(5), Duration.ZERO);
    Statistics.collect(expected ? "linearizable" : "violation");
    assertEquals(expected ? CheckResult.Verdict.LINEARIZABLE
        : CheckResult.Verdict.NOT_LINEARIZABLE, r.verdict(), () -> h + "\n" + r.report());
  }

  private static List<Operation> randomHistory(int size, Random rnd) {
    List<Operation> h = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      long invoke = rnd.nextInt(20);
      long ret = invoke + rnd.nextInt(8);
      String v = VALUES[1 + rnd.nextInt(2)];
      String out = VALUES[rnd.nextInt(3)];
      Operation op;
      switch (rnd.nextInt(4)) {
        case 0:
          op = Operation.get(i, "k", out, invoke, ret);
          break;
        case 1:
          op = Operation.put(i, "k", v, invoke, ret);
          break;
        case 2:
          op = Operation.delete(i, "k", invoke, ret);
          break;
        default:
          String exp = VALUES[rnd.nextInt(3)];
          boolean ok = rnd.nextBoolean();
          op = Operation.cas(i, "k", exp, v, ok, ok ? exp : out, invoke, ret);
      }
      int fate = rnd.nextInt(10);
      h.add(fate == 0 ? op.ambiguous() : fate == 1 ? op.failedDefinitely() : op);
    }
    return h;
  }

  private static List<Operation> normalized(List<Operation> h) {
    List<Operation> out = new ArrayList<>();
    for (Operation op : h) {
      if (op.outcome() != Operation.Outcome.FAILED_DEFINITELY) {
        out.add(op);
      }
    }
    return out;
  }

  /** Some remaining call can go next (nothing remaining returned before it was invoked). */
  private static boolean bruteForce(List<Operation> remaining, String state) {
    if (remaining.isEmpty()) {
      return true;
    }
    for (Operation op : remaining) {
      boolean minimal = true;
      for (Operation other : remaining) {
        if (!other.isAmbiguous() && other.returnNanos() < op.invokeNanos()) {
          minimal = false;
          break;
        }
      }
      if (!minimal) {
        continue;
      }
      List<Operation> rest = new ArrayList<>(remaining);
      rest.remove(op);
      if (op.isAmbiguous()) {
        // May not have happened at all, or happened (with an unknown output) right now.
        if (bruteForce(rest, state)) {
          return true;
        }
        String after = state;
        if (op.kind() == Operation.Kind.PUT) {
          after = op.value();
        } else if (op.kind() == Operation.Kind.DELETE) {
          after = null;
        } else if (op.kind() == Operation.Kind.CAS && Objects.equals(state, op.expected())) {
          after = op.value();
        }
        if (bruteForce(rest, after)) {
          return true;
        }
        continue;
      }
      switch (op.kind()) {
        case GET:
          if (Objects.equals(state, op.output()) && bruteForce(rest, state)) {
            return true;
          }
          break;
        case PUT:
          if (bruteForce(rest, op.value())) {
            return true;
          }
          break;
        case DELETE:
          if (bruteForce(rest, null)) {
            return true;
          }
          break;
        default:
          boolean matches = Objects.equals(state, op.expected());
          if (matches == op.casSucceeded() && Objects.equals(state, op.output())
              && bruteForce(rest, matches ? op.value() : state)) {
            return true;
          }
      }
    }
    return false;
  }
}
