package dev.solstice.integration.github;

import java.util.List;
import java.util.Optional;

/** A page of deliveries, newest first, and the cursor of the next (older) page if any. */
public record HookDeliveryPage(List<HookDelivery> deliveries, Optional<String> nextCursor) {}
