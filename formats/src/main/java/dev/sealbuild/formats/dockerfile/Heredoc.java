package dev.sealbuild.formats.dockerfile;

/**
 * A here-document body.
 *
 * @param name the delimiter, quotes removed
 * @param content the body lines, each with its line ending, leading tabs already removed when {@code chomp}
 * @param expand false when the delimiter was quoted ({@code <<'EOF'}, {@code <<"EOF"}): no variable expansion
 * @param chomp {@code <<-EOF}
 */
public record Heredoc(String name, String content, boolean expand, boolean chomp) {}
