package dev.sealbuild.cli;

import picocli.CommandLine;

/** Gives every command the {@link Environment} through its constructor. */
final class CommandFactory implements CommandLine.IFactory {
  private final Environment environment;
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  CommandFactory(Environment environment) {
    this.environment = environment;
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    try {
      return cls.getDeclaredConstructor(Environment.class).newInstance(environment);
    } catch (NoSuchMethodException e) {
      return fallback.create(cls);
    }
  }
}
