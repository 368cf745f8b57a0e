package dev.sealbuild.lockfiles.spec;

import dev.sealbuild.formats.io.Printable;
import java.util.Map;
import java.util.function.Function;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} from an injected environment. {@code $$} is a literal
 * {@code $}. An unset variable without a default is an error naming it.
 */
public final class VariableExpander {
  private final Function<String, String> environment;

  public VariableExpander(Map<String, String> environment) {
    this.environment = environment::get;
  }

  public String expand(String text) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated ${ in '" + Printable.quoted(text, 80)
              + "'; close it with } or write $$ for a literal $");
        }
        out.append(resolve(text.substring(i + 2, end)));
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private String resolve(String expression) {
    int sep = expression.indexOf(":-");
    String name = sep < 0 ? expression : expression.substring(0, sep);
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("'${" + Printable.quoted(expression, 80) + "}' is not a variable reference; write ${NAME} or ${NAME:-default}");
    }
    String value = environment.apply(name);
    if (value != null && !(sep >= 0 && value.isEmpty())) {
      return value;
    }
    if (sep >= 0) {
      return expression.substring(sep + 2);
    }
    throw new IllegalArgumentException("variable ${" + name + "} is not set; set it or write ${" + name + ":-default}");
  }
}
