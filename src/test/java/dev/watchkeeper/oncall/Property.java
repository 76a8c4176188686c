package dev.watchkeeper.oncall;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A minimal property runner: {@code tries} examples from a seeded generator, each checked; the
 * first failure is reported with its example and the seed that regenerates it.
 *
 * <p>Each run starts from a fresh random seed, so repeated runs explore new examples. To replay a
 * failure, run with {@code -Dproperty.seed=<seed from the message>}: then only that example runs.
 * There is no shrinking; generators keep examples small and readable instead.
 */
final class Property {
  private Property() {}

  static <T> void forAll(int tries, Function<SplittableRandom, T> generator, Consumer<T> check) {
    String replay = System.getProperty("property.seed");
    long base = replay != null ? Long.parseLong(replay) : new SplittableRandom().nextLong();
    int count = replay != null ? 1 : tries;
    for (int i = 0; i < count; i++) {
      long seed = base + i * 0x9E3779B97F4A7C15L;
      T example = generator.apply(new SplittableRandom(seed));
      try {
        check.accept(example);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("property failed on try " + (i + 1) + " of " + count
            + " (replay with -Dproperty.seed=" + seed + ")\n  example: " + example + "\n  "
            + e.getMessage(), e);
      }
    }
  }
}
