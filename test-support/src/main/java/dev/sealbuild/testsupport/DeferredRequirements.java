package dev.sealbuild.testsupport;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Keeps a missing requirement in {@code @BeforeAll} (an assumption, or {@link Requirements.MissingInCi}) from
 * turning the class into "Tests run: 0": the class-level outcome is recorded and each test then reports it, as
 * skipped or, in CI, failed. Registered for every test class by service-loader autodetection (this module's
 * {@code junit-platform.properties} turns it on).
 */
public final class DeferredRequirements implements LifecycleMethodExecutionExceptionHandler, BeforeEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DeferredRequirements.class);
  private static final String MISSING = "missing";

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    if (store.get(MISSING) != null) {
      return; // a later set-up method failing for want of what the first one lacked: the first says why
    }
    if (throwable instanceof TestAbortedException || throwable instanceof Requirements.MissingInCi) {
      store.put(MISSING, throwable);
      return;
    }
    throw throwable;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Throwable missing = context.getStore(NAMESPACE).get(MISSING, Throwable.class);
    if (missing instanceof Requirements.MissingInCi) {
      throw new Requirements.MissingInCi(missing.getMessage());
    }
    if (missing != null) {
      throw new TestAbortedException(missing.getMessage());
    }
  }
}
