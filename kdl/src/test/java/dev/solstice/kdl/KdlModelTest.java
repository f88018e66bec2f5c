package dev.solstice.kdl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KdlModelTest {

  @Test
  void copiesCollectionsSoNodesStayImmutable() {
    List<KdlValue<?>> args = new ArrayList<>(List.of(new KdlString("a")));
    Map<String, KdlValue<?>> props = new LinkedHashMap<>();
    KdlNode node = new KdlNode(null, "n", args, props, List.of());

    args.add(new KdlString("b"));
    props.put("k", new KdlNull());

    assertThat(node.arguments()).hasSize(1);
    assertThat(node.properties()).isEmpty();
    assertThatThrownBy(() -> node.arguments().add(new KdlNull()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> node.children().add(node))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void ignoresPropertyOrderInEquality() {
    KdlNode ab = KdlNode.builder().name("n").property("a", 1).property("b", 2).build();
    KdlNode ba = KdlNode.builder().name("n").property("b", 2).property("a", 1).build();

    assertThat(ab).isEqualTo(ba).hasSameHashCodeAs(ba);
  }

  @Test
  void ignoresTheSourceLocationInEquality() throws Exception {
    KdlNode parsed = KdlParser.v2().parse("\n\n   n 1").nodes().get(0);
    KdlNode built = KdlNode.builder().name("n").argument(1).build();

    assertThat(parsed.location()).isEqualTo(new KdlLocation(3, 4));
    assertThat(built.location()).isNull();
    assertThat(parsed).isEqualTo(built).hasSameHashCodeAs(built);
  }

  @Test
  void treatsTheRadixAsPresentationNotValue() throws Exception {
    KdlValue<?> hex = KdlParser.v2().parse("n 0x10").nodes().get(0).arguments().get(0);

    assertThat(hex)
        .isEqualTo(new KdlNumber.Integer(BigInteger.valueOf(16)))
        .hasSameHashCodeAs(new KdlNumber.Integer(BigInteger.valueOf(16)));
    assertThat(((KdlNumber.Integer) hex).radix()).isEqualTo(16);
  }

  @Test
  void distinguishesTypeAnnotationsAndNumberKinds() {
    assertThat(new KdlString("t", "x")).isNotEqualTo(new KdlString("x"));
    assertThat(KdlNumber.from(null, BigInteger.ONE))
        .isNotEqualTo(KdlNumber.from(null, BigDecimal.ONE));
    assertThat(new KdlNumber.Decimal(new BigDecimal("1.0")))
        .isNotEqualTo(new KdlNumber.Decimal(BigDecimal.ONE));
  }

  @Test
  void convertsJavaValues() {
    assertThat(KdlValue.from(null)).isEqualTo(new KdlNull());
    assertThat(KdlValue.from(3)).isEqualTo(new KdlNumber.Integer(BigInteger.valueOf(3)));
    assertThat(KdlValue.from(1.5)).isEqualTo(new KdlNumber.Decimal(new BigDecimal("1.5")));
    assertThat(KdlValue.from(Double.NaN)).isEqualTo(new KdlNumber.NotANumber(null));
    assertThat(KdlValue.from(Double.NEGATIVE_INFINITY))
        .isEqualTo(new KdlNumber.NegativeInfinity(null));
    assertThat(KdlValue.from("t", true)).isEqualTo(new KdlBoolean("t", true));
    assertThat(KdlValue.from("t", new KdlString("s"))).isEqualTo(new KdlString("t", "s"));
    assertThatThrownBy(() -> KdlValue.from(new Object()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void narrowsNumbersOnlyWhenExact() {
    KdlNumber<?> big = KdlNumber.from(null, new BigInteger("99999999999"));

    assertThat(big.asLong()).isEqualTo(99_999_999_999L);
    assertThatThrownBy(big::asInt).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> new KdlNumber.Decimal(new BigDecimal("1.5")).asLong())
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> new KdlNumber.NotANumber(null).asBigDecimal())
        .isInstanceOf(ArithmeticException.class);
    assertThat(new KdlNumber.PositiveInfinity(null).asDouble()).isInfinite();
  }

  @Test
  void offersKdl4jOneStyleGetters() {
    KdlNode node =
        KdlNode.builder()
            .type("t")
            .name("n")
            .argument(1)
            .property("k", 2)
            .child(KdlNode.builder().name("c"))
            .build();
    KdlDocument doc = KdlDocument.builder().node(node).build();

    assertThat(doc.getNodes()).containsExactly(node);
    assertThat(node.getName()).isEqualTo("n");
    assertThat(node.getType()).isEqualTo("t");
    assertThat(node.getArguments()).isEqualTo(node.arguments());
    assertThat(node.getProperties()).isEqualTo(node.properties());
    assertThat(node.getChildren()).isEqualTo(node.children());
  }

  @Test
  void rejectsInvalidParserLimits() {
    assertThatThrownBy(() -> KdlParser.builder().maxNestingDepth(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KdlParser.builder().maxNumberLength(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KdlParser.builder().maxDocumentBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
