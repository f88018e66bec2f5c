/**
 * Issue 13: per-job GitHub credentials. A job token is random and opaque; only its SHA-256 hash is
 * kept (Redis when configured, else in memory) with what it grants ({@link
 * dev.solstice.integration.jobtoken.JobGrant}). Issued when a job is published, shortened to a
 * short grace when its final result is processed, never valid longer than the job's timeout plus a
 * margin. A token never reaches a log line or a {@code toString()}.
 */
package dev.solstice.integration.jobtoken;
