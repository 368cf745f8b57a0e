package dev.sealbuild.formats.apk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** APKINDEX and installed-database records: X:value lines, blank-line separated; anything else is an error. */
class ApkRecordsTest {
  @Test
  void recordsAreSeparatedByBlankLinesAndKeepTheirLineNumbers() {
    List<ApkRecords.Record> records = ApkRecords.parse("C:Q1x\nP:a\nD:b\nD:c\n\n\nP:d\nV:1\n", "APKINDEX");
    assertEquals(2, records.size());
    assertEquals("a", records.get(0).last('P'));
    assertEquals(List.of("b", "c"), records.get(0).all('D'));
    assertEquals(7, records.get(1).firstLine());
    assertEquals(8, records.get(1).fields().get(1).line());
    assertEquals(null, records.get(1).last('A'));
  }

  @Test
  void aLineThatIsNotFieldColonValueIsAnErrorNamingSourceAndLine() {
    ApkFormatException e = assertThrows(ApkFormatException.class,
        () -> ApkRecords.parse("P:a\nV:1\nPackage: a\n", "lib/apk/db/installed"));
    assertEquals("malformed line 3 in lib/apk/db/installed: 'Package: a' (expected X:value)", e.getMessage());
    assertTrue(e instanceof UserError);
    assertThrows(ApkFormatException.class, () -> ApkRecords.parse("P\n", "x"));
  }

  @Test
  void aFieldMayBeEmpty() {
    assertEquals("", ApkRecords.parse("P:a\nT:\n", "x").get(0).last('T'));
  }
}
