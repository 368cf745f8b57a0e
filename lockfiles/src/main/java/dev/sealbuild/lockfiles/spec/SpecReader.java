package dev.sealbuild.lockfiles.spec;

import dev.sealbuild.formats.text.EditDistance;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/** Reads {@code build.yaml} into a {@link BuildSpec}, turning every problem into a one-line {@link SpecException}. */
public final class SpecReader {
  public static final String DEFAULT_FILE_NAME = "build.yaml";
  private static final long MAX_SPEC_BYTES = 1 << 20;

  private final ObjectMapper mapper = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();
  private final VariableExpander expander;
  private final KeyChecker keyChecker = new KeyChecker(mapper);

  public SpecReader(Map<String, String> environment) {
    this.expander = new VariableExpander(environment);
  }

  /** A spec file, or a directory holding {@code build.yaml}. */
  public static Path locate(Path pathOrDirectory) {
    Path p = pathOrDirectory.toAbsolutePath().normalize();
    return Files.isDirectory(p) ? p.resolve(DEFAULT_FILE_NAME) : p;
  }

  public BuildSpec read(Path specFile) {
    String display = specFile.getFileName() == null ? specFile.toString() : specFile.toString();
    byte[] bytes;
    try {
      if (Files.size(specFile) > MAX_SPEC_BYTES) {
        throw new SpecException(display + ": spec is larger than 1 MiB");
      }
      bytes = Files.readAllBytes(specFile);
    } catch (NoSuchFileException e) {
      throw new SpecException(display + ": no such file; create a build.yaml or pass the spec's path");
    } catch (IOException e) {
      throw new SpecException(display + ": cannot read spec: " + e.getMessage());
    }
    return parse(display, new String(bytes, StandardCharsets.UTF_8));
  }

  public BuildSpec parse(String display, String yaml) {
    if (yaml.isBlank()) {
      throw new SpecException(display + ": spec is empty; it needs at least 'name:'");
    }
    YAMLFactory factory = (YAMLFactory) mapper.getFactory();
    refuseAnchorsAndAliases(display, yaml);
    JsonLocation[] lastKey = new JsonLocation[1];
    try (JsonParser keys = factory.createParser(yaml)) {
      KeyChecker.UnknownKey unknown = keyChecker.firstUnknown(keys, BuildSpec.class);
      if (unknown != null) {
        throw new SpecException(display + where(unknown.location()) + ": unknown key '" + dev.sealbuild.formats.io.Printable.of(unknown.key()) + "'"
            + (unknown.path().isEmpty() ? "" : " in " + unknown.path())
            + suggestion(unknown.key(), new java.util.ArrayList<>(unknown.known())));
      }
    } catch (JsonProcessingException e) {
      // a syntax error: reported below by the binder, with its location
    } catch (IOException e) {
      throw new SpecException(display + ": cannot read spec: " + e.getMessage());
    }
    try (Reader reader = new java.io.StringReader(yaml);
        ExpandingParser parser = new ExpandingParser(factory.createParser(reader), expander)) {
      lastKey[0] = null;
      parser.onKey(location -> lastKey[0] = location);
      BuildSpec spec = mapper.readValue(parser, BuildSpec.class);
      if (spec == null) {
        throw new SpecException(display + ": spec is empty; it needs at least 'name:'");
      }
      return spec;
    } catch (UnrecognizedPropertyException e) {
      throw new SpecException(display + where(lastKey[0]) + ": unknown key '" + dev.sealbuild.formats.io.Printable.of(String.valueOf(e.getPropertyName())) + "'"
          + in(e) + suggestion(e.getPropertyName(), e.getKnownPropertyIds()));
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof JsonProcessingException syntax && !(syntax instanceof JsonMappingException)) {
        throw new SpecException(display + where(syntax.getLocation()) + ": malformed YAML: " + yamlReason(syntax.getOriginalMessage()));
      }
      // A check of the whole spec (stages, temporaries) is reported where the binder stopped: past the last line.
      String line = e.getPath().isEmpty() ? "" : where(e.getLocation());
      // A value quoted raw by any check would break the line: the message is the reader's, one line whatever it quotes.
      throw new SpecException(display + line + in(e) + ": " + dev.sealbuild.formats.io.Printable.escaped(rootMessage(e)));
    } catch (JsonProcessingException e) {
      throw new SpecException(display + where(e.getLocation()) + ": malformed YAML: " + yamlReason(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new SpecException(display + ": cannot read spec: " + e.getMessage());
    }
  }

  /**
   * Anchors ({@code &x}) and aliases ({@code *x}) are refused: the binder would read an alias as the text "x", and
   * resolving them invites expansion bombs; a spec is short enough to write each value out. Jackson does not report
   * an anchor on a scalar, so the YAML events are read here.
   */
  private static void refuseAnchorsAndAliases(String display, String yaml) {
    try {
      for (Event event : new Yaml(new LoaderOptions()).parse(new java.io.StringReader(yaml))) {
        if (event instanceof AliasEvent alias) {
          throw new SpecException(display + ":" + (event.getStartMark().getLine() + 1) + ": YAML alias '*" + alias.getAnchor()
              + "' is not supported; write the value out instead of referring to an anchor");
        }
        if (event instanceof NodeEvent node && node.getAnchor() != null) {
          throw new SpecException(display + ":" + (event.getStartMark().getLine() + 1) + ": YAML anchor '&" + node.getAnchor()
              + "' is not supported; write the value out where it is needed");
        }
        String tag = event instanceof org.yaml.snakeyaml.events.ScalarEvent scalar ? scalar.getTag()
            : event instanceof org.yaml.snakeyaml.events.CollectionStartEvent start ? start.getTag() : null;
        if (tag != null && tag.startsWith("!") && !tag.startsWith("!!")) {
          throw unquotedBang(display, event.getStartMark().getLine() + 1, tag);
        }
      }
    } catch (YAMLException e) {
      // A syntax error is reported below by the binder, with its location, unless it comes from an unquoted '!'.
      if (e instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked && marked.getProblemMark() != null) {
        String[] lines = yaml.split("\n", -1);
        int line = marked.getProblemMark().getLine();
        java.util.regex.Matcher bang = java.util.regex.Pattern.compile("(?:^|[\\[,\\s])(![^\\s,\\]]+)")
            .matcher(line < lines.length ? lines[line] : "");
        if (bang.find() && outsideQuotes(lines[line], bang.start(1))) {
          throw unquotedBang(display, line + 1, bang.group(1));
        }
      }
    }
  }

  private static boolean outsideQuotes(String line, int at) {
    String before = line.substring(0, at);
    return before.chars().filter(c -> c == '"').count() % 2 == 0 && before.chars().filter(c -> c == '\'').count() % 2 == 0;
  }

  /** An unquoted {@code !x} is a YAML tag, not text: most likely an apk never-install entry missing its quotes. */
  private static SpecException unquotedBang(String display, int line, String tag) {
    // In a flow list the tag runs on to the closing bracket: '!doc-pkg]'
    String text = dev.sealbuild.formats.io.Printable.quoted(tag.replaceAll("[\\],}]+$", ""), 60);
    return new SpecException(display + ":" + line + ": YAML tag '" + text + "' is not supported; if it is text, such as"
        + " the apk entry never to install a package, quote it: '" + text + "'");
  }

  private static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return ":" + location.getLineNr();
  }

  private static String in(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (e instanceof UnrecognizedPropertyException && ref == e.getPath().get(e.getPath().size() - 1)) {
          break;
        }
        String name = ref.getFieldName();
        if (name.matches("[a-z][A-Za-z0-9]*")) {
          path.append(path.length() > 0 ? "." : "").append(name);
        } else {
          // a user's own key (an env variable, a label): quoted, and escaped should it hold a line break
          path.append("[\"").append(dev.sealbuild.formats.io.Printable.of(name)).append("\"]");
        }
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    if (path.length() == 0) {
      return "";
    }
    return e instanceof UnrecognizedPropertyException ? " in " + path : ": " + path;
  }

  private static String rootMessage(JsonMappingException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      String m = firstLine(mismatch.getOriginalMessage());
      if (m.startsWith("Cannot deserialize value of type") || m.startsWith("Cannot construct instance of")) {
        return "wrong type of value: expected " + kind(mismatch.getTargetType()) + found(m);
      }
    }
    if (t instanceof java.net.URISyntaxException bad) {
      // The URL is quoted, so the text the user wrote is told apart from the reason.
      String input = bad.getInput() == null ? "" : bad.getInput().replaceAll("\\p{Cntrl}", "?");
      return "not a valid URL '" + (input.length() > 200 ? input.substring(0, 200) + "..." : input) + "': "
          + bad.getReason().toLowerCase(java.util.Locale.ROOT) + (bad.getIndex() >= 0 ? " at character " + (bad.getIndex() + 1) : "");
    }
    if (t instanceof JsonMappingException jm) {
      String m = firstLine(jm.getOriginalMessage());
      if (m.startsWith("Missing required creator property '")) {
        String prop = m.substring("Missing required creator property '".length(), m.indexOf('\'', 36));
        return "missing required key '" + prop + "'";
      }
      if (m.startsWith("Cannot deserialize value of type")) {
        return "wrong type of value: " + m.replaceAll("`[a-z.]+\\.([A-Za-z]+)`", "$1");
      }
      return m;
    }
    return firstLine(t.getMessage());
  }

  /** What a YAML value of {@code type} looks like, in the words of the spec documentation. */
  private static String kind(Class<?> type) {
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (type == String.class || type.isEnum() || CharSequence.class.isAssignableFrom(type) || type == java.net.URI.class) {
      return "a text value";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == RunStep.class) {
      return "a command line or a mapping with command:";
    }
    if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    return "a mapping of keys to values";
  }

  /** What Jackson found instead, read from its message ("from Object value", "from String value ('x')"). */
  private static String found(String message) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("from ([\\w-]+) value").matcher(message);
    if (!m.find()) {
      return "";
    }
    // Jackson names the token's type capitalized ("from Object value") or as a Java primitive ("from boolean value").
    return switch (m.group(1).toLowerCase(java.util.Locale.ROOT)) {
      case "object" -> ", found a mapping";
      case "array" -> ", found a list";
      case "string" -> ", found text";
      case "boolean" -> ", found true or false (quote it to mean the text)";
      default -> ", found a number";
    };
  }

  /**
   * Jackson's YAML syntax errors, in the spec's words. A mapping or a list used as a key comes as "Expected a field
   * name (Scalar value in YAML), got this instead: <org.yaml.snakeyaml.events.MappingStartEvent(...)>": the event is
   * named as what the user wrote.
   */
  static String yamlReason(String message) {
    String line = firstLine(message);
    if (line.startsWith("'") && line.indexOf('\'', 1) < 0 && message != null) {
      // SnakeYAML quotes the offending text first; cut at its own line break the reason would be that text alone
      line = dev.sealbuild.formats.io.Printable.quoted(message.strip(), 200);
    }
    if (line.startsWith("Expected a field name")) {
      return "a key must be plain text, not a mapping or a list";
    }
    return YAML_EVENT.matcher(line).replaceAll(m -> switch (m.group(1)) {
      case "MappingStart", "MappingEnd" -> "a mapping";
      case "SequenceStart", "SequenceEnd" -> "a list";
      case "Alias" -> "an alias";
      case "DocumentStart", "DocumentEnd", "StreamStart", "StreamEnd" -> "a document boundary";
      default -> "a value";
    });
  }

  /** A SnakeYAML event as Jackson prints it: {@code <org.yaml.snakeyaml.events.ScalarEvent(...)>}. */
  private static final java.util.regex.Pattern YAML_EVENT =
      java.util.regex.Pattern.compile("<?org\\.yaml\\.snakeyaml\\.events\\.(\\w+?)Event\\([^)]*\\)>?");

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid value";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String suggestion(String unknown, Collection<?> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Object k : known) {
      int d = EditDistance.between(unknown.toLowerCase(java.util.Locale.ROOT), k.toString().toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = k.toString();
      }
    }
    if (best == null) {
      return "";
    }
    return "; did you mean '" + best + "'?";
  }

  /** Expands variables in every string scalar the mapper reads, whatever type it becomes (URI, path, ...). */
  private static final class ExpandingParser extends JsonParserDelegate {
    private final VariableExpander expander;
    private JsonToken expandedFor;
    private Object expandedAt;
    private String expanded;

    private java.util.function.Consumer<JsonLocation> keyListener = l -> { };

    ExpandingParser(JsonParser delegate, VariableExpander expander) {
      super(delegate);
      this.expander = expander;
    }

    void onKey(java.util.function.Consumer<JsonLocation> listener) {
      this.keyListener = listener;
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken t = delegate.nextToken();
      if (t == JsonToken.FIELD_NAME) {
        keyListener.accept(delegate.currentTokenLocation());
      }
      return t;
    }

    private String expandedText() throws IOException {
      if (inStepCommand()) {
        return delegate.getText();
      }
      Object at = delegate.currentTokenLocation();
      if (expanded == null || expandedAt != at || expandedFor != delegate.currentToken()) {
        try {
          expanded = expander.expand(delegate.getText());
        } catch (IllegalArgumentException e) {
          throw new com.fasterxml.jackson.core.JsonParseException(delegate, e.getMessage());
        }
        expandedAt = at;
        expandedFor = delegate.currentToken();
      }
      return expanded;
    }

    /**
     * A {@code run:} step's command is left as written: {@code ${VAR}} there is for the step's shell, and expanding it
     * from the host's environment would let the host leak into the step. Its {@code env:} values are expanded.
     */
    private boolean inStepCommand() {
      String inner = null;
      for (com.fasterxml.jackson.core.JsonStreamContext c = delegate.getParsingContext(); c != null; c = c.getParent()) {
        String name = c.getCurrentName();
        if ("run".equals(name)) {
          return inner == null || "command".equals(inner);
        }
        if (name != null) {
          inner = name;
        }
      }
      return false;
    }

    @Override
    public String getText() throws IOException {
      return delegate.currentToken() == JsonToken.VALUE_STRING ? expandedText() : delegate.getText();
    }

    @Override
    public String getValueAsString() throws IOException {
      return delegate.currentToken() == JsonToken.VALUE_STRING ? expandedText() : delegate.getValueAsString();
    }

    @Override
    public String getValueAsString(String defaultValue) throws IOException {
      return delegate.currentToken() == JsonToken.VALUE_STRING ? expandedText() : delegate.getValueAsString(defaultValue);
    }

    @Override
    public char[] getTextCharacters() throws IOException {
      return delegate.currentToken() == JsonToken.VALUE_STRING ? expandedText().toCharArray() : delegate.getTextCharacters();
    }

    @Override
    public int getTextLength() throws IOException {
      return delegate.currentToken() == JsonToken.VALUE_STRING ? expandedText().length() : delegate.getTextLength();
    }

    @Override
    public int getTextOffset() throws IOException {
      return delegate.currentToken() == JsonToken.VALUE_STRING ? 0 : delegate.getTextOffset();
    }
  }
}
