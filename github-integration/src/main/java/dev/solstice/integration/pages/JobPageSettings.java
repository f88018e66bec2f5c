package dev.solstice.integration.pages;

import dev.solstice.platform.config.EnvReader;
import dev.solstice.platform.config.S3Settings;
import java.net.URI;

/**
 * The job pages (issue 16): {@code GET /jobs/<request_id>} on the public listener.
 *
 * <p>A job page (with its log) is shown to whoever may read the job's repository on GitHub ({@code
 * web.Access}: GitHub login, {@code PUBLIC_REPOS_ANONYMOUS}). {@code JOB_PAGES_PUBLIC=true} skips
 * that check: every job page to anyone (a closed network, a demo, the local sandbox).
 *
 * @param anonymous {@code JOB_PAGES_PUBLIC}: serve every job page to anyone, without any check
 * @param publicUrl {@code PUBLIC_URL} without a trailing slash; null when unset
 * @param logs the bucket the orchestrator uploads logs to; null when {@code S3_ENDPOINT} is unset
 * @param linked whether check runs' details_url point at the job pages: they are served, {@code
 *     PUBLIC_URL} is known and {@code LOGS_BASE_URL} was not set explicitly
 * @param live the live log of running jobs ({@code JOB_LOG_*})
 */
public record JobPageSettings(
    boolean anonymous, String publicUrl, S3Settings logs, boolean linked, LiveLogSettings live) {

  /** With the live log's defaults. */
  public JobPageSettings(boolean anonymous, String publicUrl, S3Settings logs, boolean linked) {
    this(anonymous, publicUrl, logs, linked, LiveLogSettings.DEFAULTS);
  }

  /**
   * Reads JOB_PAGES_PUBLIC and the log bucket's S3_* variables; problems go to {@code in}.
   *
   * @param accessChecked whether GitHub login or PUBLIC_REPOS_ANONYMOUS lets someone see pages
   */
  public static JobPageSettings fromEnv(
      EnvReader in, URI publicUrl, boolean logsBaseExplicit, boolean accessChecked) {
    boolean anonymous = in.bool("JOB_PAGES_PUBLIC", false);
    return new JobPageSettings(
        anonymous,
        publicUrl == null ? null : publicUrl.toString(),
        S3Settings.read(in),
        (anonymous || accessChecked) && publicUrl != null && !logsBaseExplicit,
        LiveLogSettings.fromEnv(in));
  }

  /** No job pages (tests, and services that do not show any). */
  public static JobPageSettings off() {
    return new JobPageSettings(false, null, null, false);
  }
}
