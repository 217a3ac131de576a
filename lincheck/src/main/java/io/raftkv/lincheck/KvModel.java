package io.raftkv.lincheck;

import java.util.Objects;

/**
 * The sequential specification of one key: a register that may be absent ({@code null}).
 * Pure functions so the search can step the same state down many branches.
 */
final class KvModel {

  private KvModel() {
  }

  /** Whether {@code op} applied to {@code state} could have produced the recorded output. */
  static boolean accepts(String state, Operation op) {
    if (op.isAmbiguous()) {
      // The output is unknown, so any state is consistent with the call; a call that did not
      // happen at all is modelled by linearizing it last, after everything else returned.
      return true;
    }
    switch (op.kind()) {
      case GET:
        return Objects.equals(state, op.output());
      case CAS:
        return op.casSucceeded() == Objects.equals(state, op.expected())
            && Objects.equals(state, op.output());
      default:
        return true;
    }
  }

  /** The state after {@code op}; only meaningful when {@link #accepts} is true. */
  static String apply(String state, Operation op) {
    switch (op.kind()) {
      case PUT:
        return op.value();
      case DELETE:
        return null;
      case CAS:
        // An ambiguous CAS that found another value failed, which leaves the state unchanged.
        return Objects.equals(state, op.expected()) ? op.value() : state;
      default:
        return state;
    }
  }
}
