package dev.sealbuild.cli;

final class PrepCommand {}
