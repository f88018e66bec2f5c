package dev.solstice.integration.core;

/** What a verified webhook delivery asks of us. */
public sealed interface WebhookEvent
    permits WebhookEvent.Ping, WebhookEvent.Ignored, BuildTrigger, InstallationChange {

  /** GitHub checking the hook is alive; answered 200, nothing else happens. */
  record Ping(String zen) implements WebhookEvent {}

  /** A well-formed delivery that needs no work (other events and actions, branch deletions). */
  record Ignored(String reason) implements WebhookEvent {}
}
