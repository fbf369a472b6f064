package io.paymesh.xds.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LineDiffTest {
  private static String lines(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "l" + i)
        .collect(Collectors.joining("\n"));
  }

  @Test
  void equalTexts_haveNoDiff() {
    assertThat(LineDiff.unified("a", "x\ny", "b", "x\ny")).isEmpty();
  }

  @Test
  void oneChangedLine_showsThreeLinesOfContextAroundIt() {
    String before = lines(1, 10);
    String after = before.replace("l5", "L5");

    assertThat(LineDiff.unified("old", before, "new", after)).isEqualTo("""
        --- old
        +++ new
        @@ -2,7 +2,7 @@
         l2
         l3
         l4
        -l5
        +L5
         l6
         l7
         l8
        """);
  }

  @Test
  void distantChanges_getTheirOwnHunks_nearOnesShareOne() {
    String before = lines(1, 20);
    String after = before.replace("l2\n", "").replace("l15", "x15").replace("l17", "x17");

    assertThat(LineDiff.unified("old", before, "new", after)).isEqualTo("""
        --- old
        +++ new
        @@ -1,5 +1,4 @@
         l1
        -l2
         l3
         l4
         l5
        @@ -12,9 +11,9 @@
         l12
         l13
         l14
        -l15
        +x15
         l16
        -l17
        +x17
         l18
         l19
         l20
        """);
  }

  @Test
  void fromNothing_isAllAdded() {
    assertThat(LineDiff.unified("/dev/null", "", "new", "a\nb")).isEqualTo("""
        --- /dev/null
        +++ new
        @@ -0,0 +1,2 @@
        +a
        +b
        """);
  }

  @Test
  void toNothing_isAllRemoved() {
    assertThat(LineDiff.unified("old", "a\nb", "/dev/null", "")).isEqualTo("""
        --- old
        +++ /dev/null
        @@ -1,2 +0,0 @@
        -a
        -b
        """);
  }

  @Test
  void insertedBlock_keepsTheLinesAroundItInPlace() {
    String before = "{\n  \"a\": 1\n}";
    String after = "{\n  \"a\": 1,\n  \"b\": 2\n}";

    assertThat(LineDiff.unified("old", before, "new", after)).isEqualTo("""
        --- old
        +++ new
        @@ -1,3 +1,4 @@
         {
        -  "a": 1
        +  "a": 1,
        +  "b": 2
         }
        """);
  }
}
