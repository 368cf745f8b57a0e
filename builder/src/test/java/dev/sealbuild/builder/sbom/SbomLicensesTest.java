package dev.sealbuild.builder.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spdx.library.LicenseInfoFactory;
import org.spdx.library.ListedLicenses;

/**
 * The bundled SPDX License List against the SPDX library's own, and what package statements become: an
 * expression the SPDX library parses, or nothing.
 */
class SbomLicensesTest {
  private static final SpdxLicenses BUNDLED;

  static {
    new SbomTestKit.Init();
    BUNDLED = SpdxLicenses.bundled();
  }

  @Test
  void everyBundledIdentifierIsACurrentSpdxIdentifier() throws Exception {
    List<String> listed = ListedLicenses.getListedLicenses().getSpdxListedLicenseIds();
    List<String> exceptions = ListedLicenses.getListedLicenses().getSpdxListedExceptionIds();
    assertTrue(BUNDLED.licenseIds().size() > 500, "the whole list is bundled: " + BUNDLED.licenseIds().size());
    for (String id : BUNDLED.licenseIds()) {
      assertTrue(listed.contains(id), id + " is not on the SPDX License List the validator knows");
      assertTrue(!ListedLicenses.getListedLicenses().getListedLicenseByIdCompatV2(id).isDeprecated(), id + " is deprecated");
    }
    for (String id : BUNDLED.exceptionIds()) {
      assertTrue(exceptions.contains(id), id + " is not an SPDX license exception the validator knows");
    }
  }

  @ParameterizedTest(name = "Alpine ''{0}''")
  @CsvSource(delimiter = '|', value = {
      "MIT|MIT",
      "mit|MIT",
      "MPL-2.0 AND MIT|MPL-2.0 AND MIT",
      "GPL-2.0-or-later AND (MIT OR BSD-3-Clause)|GPL-2.0-or-later AND (MIT OR BSD-3-Clause)",
      "MIT OR BSD-3-Clause AND Zlib|MIT OR BSD-3-Clause AND Zlib",
      "GPL-2.0|GPL-2.0-only",
      "LGPL-2.1+|LGPL-2.1-or-later",
      "Apache-2.0+|Apache-2.0+",
      "Apache-2.0 WITH LLVM-exception|Apache-2.0 WITH LLVM-exception",
      "MIT and BSD-2-Clause|MIT AND BSD-2-Clause",
      "MIT BSD|",
      "custom|",
      "LicenseRef-Proprietary|",
      "(MIT|",
      "MIT WITH|",
      "MIT WITH Nonexistent-exception|",
      "GPL-2.0-with-GCC-exception|"})
  void alpineStatements(String stated, String expected) throws Exception {
    Optional<String> expression = BUNDLED.fromSpdxSyntax(stated);
    assertEquals(Optional.ofNullable(expected), expression);
    if (expression.isPresent() && expected.equals(stated)) {
      // Same meaning to the SPDX library as the statement (operands, grouping and precedence).
      assertEquals(LicenseInfoFactory.parseSPDXLicenseString(stated), LicenseInfoFactory.parseSPDXLicenseString(expression.get()));
    } else if (expression.isPresent()) {
      LicenseInfoFactory.parseSPDXLicenseString(expression.get());
    }
  }

  @ParameterizedTest(name = "Debian ''{0}''")
  @CsvSource(delimiter = '|', value = {
      "GPL-2+|GPL-2.0-or-later",
      "GPL-2|GPL-2.0-only",
      "LGPL-2.1+|LGPL-2.1-or-later",
      "GPL-3.0+|GPL-3.0-or-later",
      "Expat|MIT",
      "BSD-3-clause|BSD-3-Clause",
      "Apache-2.0|Apache-2.0",
      "GPL-2+ or Artistic-2.0|GPL-2.0-or-later OR Artistic-2.0",
      "Zlib and MIT|Zlib AND MIT",
      "GPL-2+ with OpenSSL exception|",
      "GPL-1+ or Artistic, and BSD-3-clause|",
      "GPL-2+ or MIT and Zlib|",
      "public-domain|",
      "Artistic|",
      "GPL|"})
  void debianShortNames(String stated, String expected) throws Exception {
    Optional<String> expression = BUNDLED.fromDebianShortNames(stated);
    assertEquals(Optional.ofNullable(expected), expression);
    if (expression.isPresent()) {
      LicenseInfoFactory.parseSPDXLicenseString(expression.get());
    }
  }

  @Test
  void allOfGroupsAlternatives() {
    assertEquals(Optional.of("(GPL-2.0-or-later OR MIT) AND Zlib"), SpdxLicenses.allOf(List.of("Zlib", "GPL-2.0-or-later OR MIT", "Zlib")));
    assertEquals(Optional.empty(), SpdxLicenses.allOf(List.of()));
  }
}
