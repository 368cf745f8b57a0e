package dev.sealbuild.builder.sbom;

/**
 * What a package states about its license: the statement as written ({@code statement}), where it was read
 * ({@code source}, such as {@code .PKGINFO}), and, when every name in it is an SPDX License List identifier, the
 * same as an SPDX license expression ({@code spdxExpression}, else null).
 */
public record StatedLicense(String statement, String source, String spdxExpression) {}
