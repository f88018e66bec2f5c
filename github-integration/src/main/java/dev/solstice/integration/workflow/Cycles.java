package dev.solstice.integration.workflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Finds a cycle in the {@code needs} graph, iteratively (no recursion depth bound to input). */
final class Cycles {

  private Cycles() {}

  /**
   * One cycle as the job ids along it, first repeated at the end; empty when the graph is acyclic.
   */
  static List<String> find(Map<String, JobSpec> jobs) {
    Map<String, Integer> state = new HashMap<>(); // absent: unvisited, 1: on the stack, 2: done
    for (String start : jobs.keySet()) {
      if (state.containsKey(start)) {
        continue;
      }
      Deque<String> path = new ArrayDeque<>();
      Deque<Iterator<String>> iterators = new ArrayDeque<>();
      path.push(start);
      iterators.push(jobs.get(start).needs().iterator());
      state.put(start, 1);
      while (!path.isEmpty()) {
        Iterator<String> it = iterators.peek();
        if (!it.hasNext()) {
          state.put(path.pop(), 2);
          iterators.pop();
          continue;
        }
        String next = it.next();
        Integer s = state.get(next);
        if (s == null && jobs.containsKey(next)) {
          state.put(next, 1);
          path.push(next);
          iterators.push(jobs.get(next).needs().iterator());
        } else if (s != null && s == 1) {
          List<String> cycle = new ArrayList<>();
          List<String> stack = new ArrayList<>(path);
          java.util.Collections.reverse(stack);
          cycle.addAll(stack.subList(stack.indexOf(next), stack.size()));
          cycle.add(next);
          return cycle;
        }
      }
    }
    return List.of();
  }
}
