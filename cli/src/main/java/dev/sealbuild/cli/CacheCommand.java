package dev.sealbuild.cli;

final class CacheCommand {}
