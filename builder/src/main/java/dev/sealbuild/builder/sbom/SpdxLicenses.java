package dev.sealbuild.builder.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what a package states about its license into an SPDX license expression, only when every name in it
 * is an identifier of the SPDX License List (bundled as a resource, see {@link #listVersion()}); anything else
 * gives nothing, and the SBOM says NOASSERTION rather than guess. Deprecated identifiers are replaced by the
 * current ones SPDX defines for them ({@code GPL-2.0} by {@code GPL-2.0-only}, {@code GPL-2.0+} by
 * {@code GPL-2.0-or-later}); other deprecated ones count as unknown.
 */
final class SpdxLicenses {
  private static final Pattern DEBIAN_MAJOR_VERSION = Pattern.compile("(.*-)([0-9]+)(\\+?)");
  private static final String RESOURCE_DIR = "/dev/sealbuild/builder/sbom/";
  private static final int MAX_STATEMENT = 4096;

  /** The current identifiers by lower-case form, and the deprecated ones. */
  private final Map<String, String> licenses;
  private final Map<String, String> deprecated;
  private final Map<String, String> exceptions;
  private final String listVersion;

  private SpdxLicenses(Map<String, String> licenses, Map<String, String> deprecated, Map<String, String> exceptions,
      String listVersion) {
    this.licenses = Map.copyOf(licenses);
    this.deprecated = Map.copyOf(deprecated);
    this.exceptions = Map.copyOf(exceptions);
    this.listVersion = listVersion;
  }

  static SpdxLicenses bundled() {
    Map<String, String> licenses = new HashMap<>();
    Map<String, String> deprecated = new HashMap<>();
    String version = read("spdx-licenses.txt", licenses, deprecated);
    Map<String, String> exceptions = new HashMap<>();
    read("spdx-exceptions.txt", exceptions, new HashMap<>());
    return new SpdxLicenses(licenses, deprecated, exceptions, version);
  }

  /** The version of the SPDX License List the identifiers come from, such as {@code 3.26.0}. */
  String listVersion() {
    return listVersion;
  }

  /** Every current license identifier, canonical case. */
  Collection<String> licenseIds() {
    return new TreeSet<>(licenses.values());
  }

  /** Every current exception identifier, canonical case. */
  Collection<String> exceptionIds() {
    return new TreeSet<>(exceptions.values());
  }

  /** A statement in SPDX syntax, as Alpine's {@code license} field is meant to be: {@code MIT AND (GPL-2.0-or-later OR BSD-3-Clause)}. */
  Optional<String> fromSpdxSyntax(String stated) {
    if (stated == null || stated.isBlank() || stated.length() > MAX_STATEMENT) {
      return Optional.empty();
    }
    try {
      Parser parser = new Parser(tokens(stated), false);
      Node node = parser.expression();
      return parser.atEnd() ? Optional.of(node.text(false)) : Optional.empty();
    } catch (Unknown e) {
      return Optional.empty();
    }
  }

  /**
   * The first line of a {@code License:} field of a machine-readable Debian copyright file: DEP-5 short names
   * ({@code GPL-2+}, {@code Expat}, {@code BSD-3-clause}) joined by {@code and} or {@code or}. Statements with an
   * exception ({@code with ... exception}), a comma, or both operators (their grouping is not stated) give nothing.
   */
  Optional<String> fromDebianShortNames(String stated) {
    if (stated == null || stated.isBlank() || stated.length() > MAX_STATEMENT || stated.contains(",")
        || stated.contains("(") || stated.contains(")")) {
      return Optional.empty();
    }
    List<String> tokens = tokens(stated);
    boolean and = tokens.stream().anyMatch(t -> t.equalsIgnoreCase("and"));
    boolean or = tokens.stream().anyMatch(t -> t.equalsIgnoreCase("or"));
    if (and && or) {
      return Optional.empty();
    }
    try {
      Parser parser = new Parser(tokens, true);
      Node node = parser.expression();
      return parser.atEnd() ? Optional.of(node.text(false)) : Optional.empty();
    } catch (Unknown e) {
      return Optional.empty();
    }
  }

  /** Expressions that all apply, as one: sorted, each compound one in parentheses, joined with AND. */
  static Optional<String> allOf(Collection<String> expressions) {
    TreeSet<String> distinct = new TreeSet<>(expressions);
    if (distinct.isEmpty()) {
      return Optional.empty();
    }
    if (distinct.size() == 1) {
      return Optional.of(distinct.first());
    }
    List<String> parts = new ArrayList<>();
    for (String e : distinct) {
      parts.add(e.contains(" OR ") ? "(" + e + ")" : e);
    }
    return Optional.of(String.join(" AND ", parts));
  }

  /** The canonical identifier for a license name, or throws {@link Unknown}. */
  private String licenseId(String token, boolean debian) {
    String direct = spdxId(token);
    if (direct != null) {
      return direct;
    }
    if (debian) {
      if (token.equalsIgnoreCase("Expat")) {
        return "MIT"; // the copyright-format 1.0 specification: Expat is the MIT license as the Expat project uses it
      }
      Matcher m = DEBIAN_MAJOR_VERSION.matcher(token);
      if (m.matches()) {
        String withMinor = spdxId(m.group(1) + m.group(2) + ".0" + m.group(3));
        if (withMinor != null) {
          return withMinor;
        }
      }
    }
    throw new Unknown();
  }

  /** A current identifier, or a deprecated one SPDX replaced by an {@code -only} / {@code -or-later} form; else null. */
  private String spdxId(String token) {
    String lower = token.toLowerCase(Locale.ROOT);
    if (lower.endsWith("+")) {
      String base = lower.substring(0, lower.length() - 1);
      if (licenses.containsKey(base)) {
        return licenses.get(base) + "+";
      }
      if (deprecated.containsKey(base)) {
        return licenses.get(base + "-or-later");
      }
      return null;
    }
    if (licenses.containsKey(lower)) {
      return licenses.get(lower);
    }
    return deprecated.containsKey(lower) ? licenses.get(lower + "-only") : null;
  }

  private static List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || c == '(' || c == ')') {
        if (word.length() > 0) {
          tokens.add(word.toString());
          word.setLength(0);
        }
        if (c == '(' || c == ')') {
          tokens.add(String.valueOf(c));
        }
      } else {
        word.append(c);
      }
    }
    if (word.length() > 0) {
      tokens.add(word.toString());
    }
    return tokens;
  }

  /** Thrown inside the parser for anything that is not a known identifier or well-formed expression. */
  private static final class Unknown extends RuntimeException {
    Unknown() {
      super(null, null, false, false);
    }
  }

  private interface Node {
    String text(boolean insideAnd);
  }

  private record Leaf(String text) implements Node {
    @Override
    public String text(boolean insideAnd) {
      return text;
    }
  }

  private record Operation(String operator, List<Node> operands) implements Node {
    @Override
    public String text(boolean insideAnd) {
      List<String> parts = new ArrayList<>();
      for (Node n : operands) {
        parts.add(n.text(operator.equals("AND")));
      }
      String joined = String.join(" " + operator + " ", parts);
      return insideAnd && operator.equals("OR") ? "(" + joined + ")" : joined;
    }
  }

  /** SPDX 2.3 Annex D: OR binds looser than AND, which binds looser than WITH. */
  private final class Parser {
    private final List<String> tokens;
    private final boolean debian;
    private int next;

    Parser(List<String> tokens, boolean debian) {
      this.tokens = tokens;
      this.debian = debian;
    }

    boolean atEnd() {
      return next == tokens.size();
    }

    Node expression() {
      return chain("OR", this::conjunction);
    }

    private Node conjunction() {
      return chain("AND", this::withException);
    }

    private Node chain(String operator, java.util.function.Supplier<Node> operand) {
      List<Node> operands = new ArrayList<>(List.of(operand.get()));
      while (!atEnd() && tokens.get(next).equalsIgnoreCase(operator)) {
        next++;
        operands.add(operand.get());
      }
      return operands.size() == 1 ? operands.get(0) : new Operation(operator, operands);
    }

    private Node withException() {
      Node license = simple();
      if (!atEnd() && tokens.get(next).equalsIgnoreCase("WITH")) {
        if (debian || !(license instanceof Leaf)) {
          throw new Unknown();
        }
        next++;
        String exception = atEnd() ? null : exceptions.get(tokens.get(next++).toLowerCase(Locale.ROOT));
        if (exception == null) {
          throw new Unknown();
        }
        return new Leaf(((Leaf) license).text() + " WITH " + exception);
      }
      return license;
    }

    private Node simple() {
      if (atEnd()) {
        throw new Unknown();
      }
      String token = tokens.get(next++);
      if (token.equals("(") && !debian) {
        Node inner = expression();
        if (atEnd() || !tokens.get(next++).equals(")")) {
          throw new Unknown();
        }
        return inner instanceof Operation o ? new Group(o) : inner;
      }
      if (token.equals(")") || token.equals("(") || List.of("and", "or", "with").contains(token.toLowerCase(Locale.ROOT))) {
        throw new Unknown();
      }
      return new Leaf(licenseId(token, debian));
    }
  }

  /** A parenthesised operation: kept in parentheses wherever it stands, as written. */
  private record Group(Operation inner) implements Node {
    @Override
    public String text(boolean insideAnd) {
      return "(" + inner.text(false) + ")";
    }
  }

  private static String read(String name, Map<String, String> current, Map<String, String> deprecated) {
    try (InputStream in = SpdxLicenses.class.getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the sealbuild jar");
      }
      String version = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("# SPDX License List ") && version == null) {
          version = line.substring("# SPDX License List ".length(), line.indexOf(':'));
        } else if (!line.isBlank() && !line.startsWith("#")) {
          String[] parts = line.strip().split(" ");
          (parts.length > 1 ? deprecated : current).put(parts[0].toLowerCase(Locale.ROOT), parts[0]);
        }
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
