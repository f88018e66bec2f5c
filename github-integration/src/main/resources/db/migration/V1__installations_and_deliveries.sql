-- The record (issue 15): who installed the App, on which repositories, and what became of every
-- webhook delivery. Redis keeps caches and leases; this is what people and operators look at.

CREATE TABLE installations (
  id                   BIGINT PRIMARY KEY,
  account_login        TEXT,
  account_type         TEXT,
  repository_selection TEXT,
  permissions          JSONB NOT NULL DEFAULT '{}'::jsonb,
  events               JSONB NOT NULL DEFAULT '[]'::jsonb,
  suspended_at         TIMESTAMPTZ,
  deleted_at           TIMESTAMPTZ,
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE installation_repositories (
  installation_id BIGINT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  repository_id   BIGINT NOT NULL,
  full_name       TEXT NOT NULL,
  private         BOOLEAN,
  added_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (installation_id, repository_id)
);

CREATE INDEX installation_repositories_full_name ON installation_repositories (lower(full_name));

-- outcome: received (accepted, not yet processed), published, ignored (reason), held (jobs wait
-- on needs or a maintainer), failed (will be retried), parked (in the dead-letter queue), applied
-- (an installation or installation_repositories event written to the tables above).
CREATE TABLE deliveries (
  delivery_id       TEXT PRIMARY KEY,
  event             TEXT NOT NULL,
  action            TEXT,
  installation_id   BIGINT,
  repository        TEXT,
  received_at       TIMESTAMPTZ NOT NULL,
  outcome           TEXT NOT NULL
                      CHECK (outcome IN ('received', 'published', 'ignored', 'held', 'failed', 'parked',
                                        'applied')),
  reason            TEXT,
  attempts          INTEGER NOT NULL DEFAULT 1,
  request_ids       UUID[] NOT NULL DEFAULT '{}',
  payload_encrypted TEXT,
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX deliveries_received_at ON deliveries (received_at);
CREATE INDEX deliveries_installation ON deliveries (installation_id, outcome);
