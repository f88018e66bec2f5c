package dev.solstice.integration.testing;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One Vert.x per test class, started before its tests and closed after them: what the service-level
 * ITs share. JUnit runs a superclass's {@code @BeforeAll} before the subclass's, so a subclass may
 * add its own set-up that uses {@link #vertx}.
 */
public abstract class VertxPerClass {

  protected static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertxPerClass() {
    vertx.close();
  }
}
