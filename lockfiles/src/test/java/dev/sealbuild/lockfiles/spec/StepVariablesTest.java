package dev.sealbuild.lockfiles.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A step's command is the step shell's business: the host's variables never reach it; its env: values are expanded. */
class StepVariablesTest {
  private final SpecReader reader = new SpecReader(Map.of("HOME", "/home/host-user", "VERSION", "1.2"));

  @Test
  void commandsKeepTheirVariablesForTheStepsShellWhileEnvAndOtherKeysAreExpanded() {
    BuildSpec spec = reader.parse("build.yaml", """
        name: app-${VERSION}
        stages:
          build:
            run:
              - echo ${HOME} $$ ${UNSET_ON_THE_HOST:-x}
              - command: [/bin/sh, -c, "echo ${HOME}"]
                env: {VERSION: "${VERSION}"}
        run:
          - command: "test -n ${HOME}"
        """);
    assertEquals("app-1.2", spec.name());
    RunStep first = spec.stage("build").run().get(0);
    assertEquals("echo ${HOME} $$ ${UNSET_ON_THE_HOST:-x}", first.shell());
    RunStep second = spec.stage("build").run().get(1);
    assertEquals(List.of("/bin/sh", "-c", "echo ${HOME}"), second.command());
    assertEquals(Map.of("VERSION", "1.2"), second.env());
    assertEquals("test -n ${HOME}", spec.run().get(0).shell());
  }

  @Test
  void aBareTrueInARunListIsNamedAsABooleanToQuote() {
    SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> reader.parse("build.yaml", """
        name: app
        run:
          - true
        """));
    assertEquals("build.yaml:3: run[0]: wrong type of value: expected a command line or a mapping with command:,"
        + " found true or false (quote it to mean the text)", e.getMessage());
  }

  @Test
  void anUnterminatedReferenceIsQuotedOnOneLineWithWhatToDo() {
    // Found by SpecFuzzTest: the quoted value was cut at its line break, leaving the message without a reason.
    SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> reader.parse("build.yaml",
        "name: app\nconfig:\n  env:\n    A: \"x ${VERSION\\ny\"\n"));
    assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("unterminated ${ in 'x ${VERSION y'; close it"),
        e.getMessage());
    dev.sealbuild.testsupport.RefusalText.assertPlainWords("spec", e.getMessage(), "build.yaml", true);
  }

  @Test
  void aMappingInACommandListIsNamedWithItsPlaceAndTheLikelyCause() {
    // Found by SpecFuzzTest: the argument was echoed as JSON, {"/u/rb - command":null}.
    SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> reader.parse("build.yaml", """
        name: app
        run:
          - command: [/bin/echo, key: value]
        """));
    assertTrue(e.getMessage().startsWith("build.yaml:"), e.getMessage());
    assertTrue(e.getMessage().endsWith(": run[0]: run step command argument 2 must be a string, found a mapping (a ': '"
        + " inside the text? quote it)"), e.getMessage());
  }
}
