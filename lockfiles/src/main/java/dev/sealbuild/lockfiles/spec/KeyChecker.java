package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds unknown keys before binding, walking the YAML against the spec's record types. Binding alone
 * would report a misspelled required key ({@code dset:}) as a missing one, because Jackson checks
 * creator arguments before it looks at unknown properties.
 */
final class KeyChecker {
  /** An unknown key, where it is, and the keys that are valid there. */
  record UnknownKey(String key, String path, JsonLocation location, java.util.Set<String> known) {}

  private final ObjectMapper mapper;
  private final Map<Class<?>, Map<String, JavaType>> properties = new ConcurrentHashMap<>();

  KeyChecker(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The first unknown key in document order, or null. Syntax errors are left to the binder. */
  UnknownKey firstUnknown(JsonParser parser, Class<?> root) throws IOException {
    if (parser.nextToken() == null) {
      return null;
    }
    return walk(parser, mapper.constructType(root), "");
  }

  private UnknownKey walk(JsonParser p, JavaType type, String path) throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.START_OBJECT) {
      Map<String, JavaType> known = type == null ? null : propertiesOf(type);
      JavaType mapValues = type != null && type.isMapLikeType() ? type.getContentType() : null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonLocation at = p.currentTokenLocation();
        p.nextToken();
        String childPath = path.isEmpty() ? key : path + "." + key;
        if (known != null) {
          if (!known.containsKey(key)) {
            return new UnknownKey(key, path, at, known.keySet());
          }
          UnknownKey inner = walk(p, known.get(key), childPath);
          if (inner != null) {
            return inner;
          }
        } else if (mapValues != null) {
          UnknownKey inner = walk(p, mapValues, childPath);
          if (inner != null) {
            return inner;
          }
        } else {
          p.skipChildren();
        }
      }
    } else if (token == JsonToken.START_ARRAY) {
      JavaType element = type != null && type.isCollectionLikeType() ? type.getContentType() : null;
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY && p.currentToken() != null) {
        UnknownKey inner = walk(p, element, path + "[" + i++ + "]");
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  /** Property names and types of a spec record; null for anything that is not one (maps, scalars). */
  private Map<String, JavaType> propertiesOf(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (!raw.isRecord() || !raw.getPackageName().equals(KeyChecker.class.getPackageName())) {
      return null;
    }
    return properties.computeIfAbsent(raw, c -> {
      BeanDescription description = mapper.getDeserializationConfig().introspect(type);
      Map<String, JavaType> byName = new TreeMap<>();
      for (BeanPropertyDefinition property : description.findProperties()) {
        if (property.couldDeserialize()) {
          byName.put(property.getName(), property.getPrimaryType());
        }
      }
      return byName;
    });
  }
}
