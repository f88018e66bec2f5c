package dev.solstice.integration.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of {@code github-integration}, as {@code docs/architecture.md} draws it. A delivery
 * goes down the layers: an edge (webhook, intake, results, recovery) asks the pure planning layer
 * for a plan, and the execution layer carries it out through the infrastructure (GitHub, AMQP); the
 * domain types every layer shares are in {@code core}, which depends on nothing of ours.
 */
@AnalyzeClasses(
    packages = "dev.solstice.integration",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String BASE = "dev.solstice.integration";

  @ArchTest
  static final ArchRule layers =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          // Main, the assembly, the CLI and the configuration, which reads the environment into
          // every stage's settings.
          .layer("Wiring")
          .definedBy(BASE, BASE + ".cli..", BASE + ".config..")
          .layer("Edge")
          .definedBy(
              BASE + ".webhook..",
              BASE + ".http..",
              BASE + ".intake..",
              BASE + ".recovery..",
              BASE + ".setup..",
              BASE + ".pages..",
              BASE + ".console..",
              BASE + ".gateway..",
              BASE + ".web..")
          .layer("Execution")
          .definedBy(BASE + ".execution..", BASE + ".checks..")
          .layer("Planning")
          .definedBy(BASE + ".planning..", BASE + ".workflow..", BASE + ".policy..")
          .layer("Infrastructure")
          .definedBy(
              BASE + ".github..",
              BASE + ".amqp..",
              BASE + ".ops..",
              BASE + ".record..",
              BASE + ".jobtoken..")
          .layer("Core")
          .definedBy(BASE + ".core..")
          .whereLayer("Wiring")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("Edge")
          .mayOnlyBeAccessedByLayers("Wiring")
          .whereLayer("Execution")
          .mayOnlyBeAccessedByLayers("Wiring", "Edge")
          .whereLayer("Planning")
          .mayOnlyBeAccessedByLayers("Wiring", "Edge", "Execution", "Infrastructure")
          .whereLayer("Infrastructure")
          .mayOnlyBeAccessedByLayers("Wiring", "Edge", "Execution");

  /** The planning layer computes values: no futures, no clients, no clock of its own. */
  @ArchTest
  static final ArchRule planningIsPure =
      noClasses()
          .that()
          .resideInAnyPackage(BASE + ".planning..", BASE + ".workflow..", BASE + ".policy..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.vertx..", "com.rabbitmq..", "io.micrometer..")
          .because("a plan is computed from its inputs alone; the executor does the I/O");

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching(BASE + ".(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule coreDependsOnNothingOfOurs =
      noClasses()
          .that()
          .resideInAPackage(BASE + ".core..")
          .should()
          .dependOnClassesThat(
              resideInAPackage(BASE + "..").and(not(resideInAPackage(BASE + ".core.."))))
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("io.vertx..", "com.rabbitmq..")
          .because("the domain types are plain values every layer can share");
}
