package dev.watchkeeper.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a PostgreSQL test class (or method): it is reported as skipped when, and only when, the
 * build was run with {@code -Dwatchkeeper.pg.skip=true}. It never skips because PostgreSQL is
 * missing — then {@link TestPostgres#freshDatabase()} throws and the test fails.
 *
 * <p>Equivalent to calling {@link TestPostgres#assumeAvailable()} at the start of each test.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EnabledUnlessPgSkipped.Condition.class)
public @interface EnabledUnlessPgSkipped {

  /** The JUnit condition behind the annotation. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return TestPostgres.skipped()
          ? ConditionEvaluationResult.disabled(TestPostgres.SKIP_MESSAGE)
          : ConditionEvaluationResult.enabled("PostgreSQL tests enabled");
    }
  }
}
