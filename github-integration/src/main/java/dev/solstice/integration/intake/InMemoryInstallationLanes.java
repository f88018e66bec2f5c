package dev.solstice.integration.intake;

import dev.solstice.integration.core.WebhookDelivery;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link InstallationLanes} in this process, for a service without Redis (one replica). Lost with
 * the process; the safety copy on the intake's delay queue ({@link FairShare}) brings each delivery
 * back after a restart.
 */
public final class InMemoryInstallationLanes implements InstallationLanes {

  private static final class Lane {
    final java.util.TreeMap<String, WebhookDelivery> entries = new java.util.TreeMap<>();
    long readyAt;
    boolean waiting; // in the ready order
    boolean turnHeld;
  }

  private final Map<String, Lane> lanes = new HashMap<>();

  /** The lane's order: when the webhook was received, then the id. */
  private static String key(WebhookDelivery d) {
    return String.format("%019d", RedisInstallationLanes.receivedMicros(d)) + d.deliveryId();
  }

  private final Map<String, String> newest = new HashMap<>();
  private final Map<String, String> laneOf = new HashMap<>();
  private final Map<String, Long> setAsideAt = new HashMap<>();

  @Override
  public synchronized Future<Boolean> isEmpty(String installation) {
    Lane lane = lanes.get(installation);
    return Future.succeededFuture(lane == null || lane.entries.isEmpty());
  }

  @Override
  public synchronized Future<Boolean> setAside(
      String installation, String group, WebhookDelivery d, long readyAt) {
    if (laneOf.containsKey(d.deliveryId())) {
      return Future.succeededFuture(false);
    }
    Lane lane = lanes.computeIfAbsent(installation, k -> new Lane());
    lane.entries.put(key(d), d);
    laneOf.put(d.deliveryId(), installation);
    setAsideAt.put(d.deliveryId(), System.currentTimeMillis());
    if (group != null) {
      newest.put(group, d.deliveryId());
    }
    if (!lane.waiting) {
      lane.waiting = true;
      lane.readyAt = readyAt;
    }
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Boolean> holds(String deliveryId) {
    return Future.succeededFuture(laneOf.containsKey(deliveryId));
  }

  @Override
  public synchronized Future<Boolean> supersededInLane(String group, String deliveryId) {
    String n = group == null ? null : newest.get(group);
    return Future.succeededFuture(n != null && !n.equals(deliveryId));
  }

  @Override
  public synchronized Future<Turn> nextTurn(long now) {
    Map.Entry<String, Lane> best = null;
    for (Map.Entry<String, Lane> e : lanes.entrySet()) {
      Lane l = e.getValue();
      if (l.waiting
          && !l.turnHeld
          && !l.entries.isEmpty()
          && l.readyAt <= now
          && setAsideAt.getOrDefault(l.entries.firstEntry().getValue().deliveryId(), 0L)
                  + RedisInstallationLanes.SETTLE_MS
              <= now) {
        if (best == null || l.readyAt < best.getValue().readyAt) {
          best = e;
        }
      }
    }
    if (best == null) {
      return Future.succeededFuture(null);
    }
    Lane lane = best.getValue();
    lane.waiting = false;
    lane.turnHeld = true;
    return Future.succeededFuture(turn(best.getKey(), lane.entries.firstEntry().getValue()));
  }

  @Override
  public synchronized Future<List<Depth>> deepest(int n) {
    List<Depth> all = new ArrayList<>();
    lanes.forEach(
        (k, l) -> {
          if (!l.entries.isEmpty()) {
            all.add(new Depth(k, l.entries.size()));
          }
        });
    all.sort(Comparator.comparingLong(Depth::deliveries).reversed());
    return Future.succeededFuture(all.subList(0, Math.min(n, all.size())));
  }

  @Override
  public synchronized Future<Long> lanes() {
    return Future.succeededFuture(
        lanes.values().stream().filter(l -> !l.entries.isEmpty()).count());
  }

  private synchronized void end(String installation, WebhookDelivery head, long readyAt) {
    Lane lane = lanes.get(installation);
    if (head != null && !lane.entries.isEmpty() && lane.entries.firstEntry().getValue() == head) {
      lane.entries.pollFirstEntry();
      laneOf.remove(head.deliveryId());
      setAsideAt.remove(head.deliveryId());
      newest.values().remove(head.deliveryId());
    }
    lane.turnHeld = false;
    if (lane.entries.isEmpty()) {
      lane.waiting = false;
      lanes.remove(installation);
    } else if (head == null && lane.waiting) {
      lane.readyAt = Math.max(lane.readyAt, readyAt);
    } else {
      lane.waiting = true;
      lane.readyAt = readyAt;
    }
  }

  private Turn turn(String installation, WebhookDelivery head) {
    return new FunctionTurn(
        installation,
        head,
        nextReadyAt -> {
          end(installation, head, nextReadyAt);
          return Future.succeededFuture();
        },
        readyAt -> {
          end(installation, null, readyAt);
          return Future.succeededFuture();
        });
  }
}
