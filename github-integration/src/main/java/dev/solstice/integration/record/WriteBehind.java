package dev.solstice.integration.record;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record's writes, in order, behind the callers: {@link #add} returns at once; one writer
 * drains the queue in batches of one statement. While PostgreSQL is down the writes wait (bounded
 * by {@code capacity}; beyond it the oldest are dropped, counted and logged by what they were) and
 * are retried with a growing pause, so the record catches up once the database is back. A statement
 * PostgreSQL itself refuses (bad data) is logged and skipped, so it cannot block the ones behind.
 */
final class WriteBehind {

  private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);
  private static final int BATCH = 200;
  private static final long TIMEOUT_MS = 10_000;
  private static final long MAX_PAUSE_MS = 5_000;

  /** One statement to run, and what it records (for the log when it is dropped). */
  record Write(String sql, Tuple args, String what) {}

  private final Vertx vertx;
  private final Pool pool;
  private final int capacity;
  private final ArrayDeque<Write> queue = new ArrayDeque<>();
  private boolean writing;
  private boolean oneByOne;
  private int failures;
  private long dropped;
  private long written;
  private volatile boolean closed;
  private boolean open;

  WriteBehind(Vertx vertx, Pool pool, int capacity) {
    this.vertx = vertx;
    this.pool = pool;
    this.capacity = capacity;
  }

  void add(Write write) {
    Write lost = null;
    boolean start;
    synchronized (queue) {
      if (queue.size() >= capacity) {
        lost = queue.pollFirst();
        dropped++;
      }
      queue.addLast(write);
      start = open && !writing && !closed;
      writing = writing || start;
    }
    if (lost != null && (dropped <= 10 || dropped % 1000 == 0)) {
      LOG.warn(
          "record buffer full ({} writes): dropped the write of {} ({} dropped so far); the record"
              + " misses it",
          capacity,
          lost.what(),
          dropped);
    }
    if (start) {
      vertx.runOnContext(v -> next());
    }
  }

  int pending() {
    synchronized (queue) {
      return queue.size();
    }
  }

  long dropped() {
    synchronized (queue) {
      return dropped;
    }
  }

  long written() {
    synchronized (queue) {
      return written;
    }
  }

  /** Starts writing (until now writes only queue up): the schema is there. */
  void open() {
    boolean start;
    synchronized (queue) {
      open = true;
      start = !writing && !closed;
      writing = writing || start;
    }
    if (start) {
      vertx.runOnContext(v -> next());
    }
  }

  void close() {
    closed = true;
  }

  private void next() {
    List<Write> batch = new ArrayList<>();
    synchronized (queue) {
      Write first = queue.peekFirst();
      if (first == null || closed) {
        writing = false;
        return;
      }
      int limit = oneByOne ? 1 : BATCH;
      for (Write w : queue) {
        if (batch.size() == limit || !w.sql().equals(first.sql())) {
          break;
        }
        batch.add(w);
      }
    }
    Future<?> done =
        batch.size() == 1
            ? pool.preparedQuery(batch.get(0).sql()).execute(batch.get(0).args())
            : pool.preparedQuery(batch.get(0).sql())
                .executeBatch(batch.stream().map(Write::args).toList());
    done.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                settled(batch);
              } else if (ar.cause() instanceof PgException refused) {
                if (batch.size() > 1) {
                  oneByOne = true; // find the one PostgreSQL refuses
                  vertx.runOnContext(v -> next());
                  return;
                }
                LOG.error(
                    "record write of {} refused by PostgreSQL, skipped: {}",
                    batch.get(0).what(),
                    refused.getMessage());
                settled(batch);
              } else {
                failures++;
                long pause = Math.min(MAX_PAUSE_MS, 100L << Math.min(failures, 10));
                if (failures == 1 || failures % 20 == 0) {
                  LOG.warn(
                      "record unavailable ({}); {} writes wait, retrying in {} ms",
                      ar.cause().toString(),
                      pending(),
                      pause);
                }
                vertx.setTimer(pause, t -> next());
              }
            });
  }

  private void settled(List<Write> batch) {
    if (failures > 0) {
      LOG.info("record available again after {} failed attempts; catching up", failures);
    }
    failures = 0;
    oneByOne = false;
    synchronized (queue) {
      for (Write w : batch) {
        // The batch is still at the head: only this writer removes, add() only appends and drops
        // the oldest; a write dropped meanwhile is no longer there to remove.
        if (queue.peekFirst() == w) {
          queue.pollFirst();
        }
      }
      written += batch.size();
    }
    vertx.runOnContext(v -> next());
  }
}
