package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What was wrong with a lock the binder refused, in the lock's words: the key (as a path, {@code files[0].sha256},
 * {@code stages.build.packages[2]}) and what belongs there, never the Java types it binds to.
 */
final class LockReadErrors {
  /** Jackson names what it found "from Object value" when binding, "Cannot coerce Integer value" when coercing. */
  private static final Pattern FOUND = Pattern.compile("from ([\\w-]+) value|^Cannot coerce ([\\w-]+) value");

  private LockReadErrors() {}

  /** One line: {@code KEY: what is wrong}, or what is wrong with the whole lock. */
  static String describe(JsonMappingException e) {
    if (e.getCause() instanceof JsonProcessingException syntax && !(syntax instanceof JsonMappingException)) {
      return syntax(syntax);
    }
    String at = path(e);
    if (e instanceof UnrecognizedPropertyException unknown) {
      return "unknown key '" + unknown.getPropertyName() + "' " + (at.isEmpty() ? "at the top level" : "in " + at)
          + known(unknown.getKnownPropertyIds());
    }
    String message = firstLine(e.getOriginalMessage());
    if (message.startsWith("Trailing token")) {
      return "text after the end of the lock's JSON object";
    }
    if (message.startsWith("Missing required creator property '")) {
      String key = message.substring("Missing required creator property '".length(), message.indexOf('\'', 36));
      String in = at.equals(key) ? "" : at.endsWith("." + key) ? at.substring(0, at.length() - key.length() - 1) : at;
      return "missing required key '" + key + "'" + (in.isEmpty() ? "" : " in " + in);
    }
    if (message.startsWith("No content to map")) {
      return "the file is empty";
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
        && (message.startsWith("Cannot deserialize value of type") || message.startsWith("Cannot construct instance of")
            || message.startsWith("Cannot coerce"))) {
      return (at.isEmpty() ? "the lock" : at) + ": expected " + kind(mismatch.getTargetType()) + found(message);
    }
    Throwable cause = e.getCause();
    if (cause instanceof NullPointerException) {
      // a required value written as null: the lock's types name the key in the message
      String key = cause.getMessage();
      String what = key != null && key.matches("\\w+") ? "required key '" + key + "' has no value" : "a required key has no value";
      return at.isEmpty() ? what : at + ": " + what;
    }
    // A value the lock's own types refuse (a digest that is not one, a negative size): their message is in words.
    String reason = cause != null && cause.getMessage() != null && !(cause instanceof JsonProcessingException)
        ? firstLine(cause.getMessage()) : "invalid value";
    return at.isEmpty() ? reason : at + ": " + reason;
  }

  /** Not JSON: where and why, without the parser's token names and its echo of the input. */
  static String syntax(JsonProcessingException e) {
    String message = firstLine(e.getOriginalMessage());
    if (message.startsWith("Unexpected end-of-input")) {
      return "not valid JSON: the file ends in the middle of the document (truncated?)";
    }
    message = message.replaceAll(" *\\(start marker at \\[.*$", "").replaceAll("JsonToken\\.", "").replaceAll("\\s*\\[Source:.*$", "");
    return "not valid JSON: " + (message.isBlank() ? "the text does not parse" : message);
  }

  /** {@code files[0].sha256}: the keys and indexes down to the value; a key the binder did not know is left out. */
  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    int last = e.getPath().size() - 1;
    for (int i = 0; i <= last; i++) {
      JsonMappingException.Reference ref = e.getPath().get(i);
      if (ref.getFieldName() != null) {
        if (e instanceof UnrecognizedPropertyException && i == last) {
          break;
        }
        path.append(path.length() > 0 ? "." : "").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** What a JSON value of {@code type} looks like in a lock. */
  private static String kind(Class<?> type) {
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object of stage names to locks";
    }
    if (type == Sha256.class) {
      return "a string \"sha256:\" followed by 64 lowercase hex digits";
    }
    if (type == Platform.class) {
      return "a platform string such as \"linux/amd64\"";
    }
    if (type == String.class || type.isEnum() || CharSequence.class.isAssignableFrom(type)) {
      return "a string";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
      return "a whole number";
    }
    return "an object";
  }

  /** What the binder found instead, read from its message ("from Object value", "from String value"). */
  private static String found(String message) {
    Matcher m = FOUND.matcher(message);
    if (!m.find()) {
      return "";
    }
    return switch ((m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(Locale.ROOT)) {
      case "object" -> ", found an object";
      case "array" -> ", found an array";
      case "string", "textual" -> ", found a string";
      case "boolean" -> ", found true or false";
      case "floating-point", "float" -> ", found a number with a fraction";
      default -> ", found a number";
    };
  }

  private static String known(Collection<Object> keys) {
    if (keys == null || keys.isEmpty()) {
      return "";
    }
    return " (known keys: " + keys.stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
