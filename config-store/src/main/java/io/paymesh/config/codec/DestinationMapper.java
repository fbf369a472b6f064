package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.Destination;
import io.paymesh.config.validation.ErrorCollector;
import io.paymesh.config.validation.Messages;
import java.util.List;
import java.util.Optional;

/** {@code {target: a}} or {@code {split: [{target, weight}], stickyBy: header}}. */
final class DestinationMapper {
  static final String TARGET = "target";
  static final String SPLIT = "split";
  static final String STICKY_BY = "stickyBy";
  static final String ONLY_WITH_SPLIT = "only allowed with split";

  private DestinationMapper() {}

  static Destination decode(NodeReader r) {
    boolean hasTarget = r.raw(TARGET) != null;
    boolean hasSplit = r.raw(SPLIT) != null;
    if (hasTarget == hasSplit) {
      r.errors().add(Messages.exactlyOneOf(TARGET, SPLIT));
      r.raw(STICKY_BY);
      r.finish();
      return null;
    }
    if (hasTarget) {
      String target = r.string(TARGET);
      if (r.raw(STICKY_BY) != null) {
        r.errors().add(STICKY_BY, ONLY_WITH_SPLIT);
      }
      return r.finish() ? new Destination.Single(target) : null;
    }
    List<Destination.WeightedTarget> targets = r.list(SPLIT, true, DestinationMapper::weighted);
    Optional<String> stickyBy = r.optionalString(STICKY_BY);
    return r.finish() ? new Destination.Split(targets, stickyBy) : null;
  }

  private static Destination.WeightedTarget weighted(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String target = r.string(TARGET);
    Integer weight = r.integer("weight");
    return r.finish() ? new Destination.WeightedTarget(target, weight) : null;
  }

  static ObjectNode encode(Destination destination) {
    ObjectNode n = Trees.object();
    if (destination instanceof Destination.Single) {
      n.put(TARGET, ((Destination.Single) destination).target());
    } else if (destination instanceof Destination.Split) {
      Destination.Split split = (Destination.Split) destination;
      ArrayNode targets = n.putArray(SPLIT);
      for (Destination.WeightedTarget t : split.targets()) {
        targets.addObject().put(TARGET, t.target()).put("weight", t.weight());
      }
      split.stickyBy().ifPresent(h -> n.put(STICKY_BY, h));
    } else {
      throw new AssertionError(destination);
    }
    return n;
  }
}
