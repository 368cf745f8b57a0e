package dev.sealbuild.lockfiles.dockerfile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.sealbuild.formats.dockerfile.Dockerfile;
import dev.sealbuild.formats.dockerfile.DockerfileException;
import dev.sealbuild.formats.dockerfile.DockerfileWords;
import dev.sealbuild.formats.dockerfile.Flag;
import dev.sealbuild.formats.dockerfile.Heredoc;
import dev.sealbuild.formats.dockerfile.Instruction;
import dev.sealbuild.formats.dockerfile.VariableExpander;
import dev.sealbuild.lockfiles.dockerfile.ReportEntry.Outcome;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecException;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a parsed Dockerfile as a sealbuild spec, instruction by instruction (docs/dockerfile.md has the table):
 * {@code FROM} becomes a pinned base or a stage, configuration instructions the image config, {@code COPY} and
 * {@code ADD} copies and pinned files, and each {@code RUN} a build step with no network whose package-manager idioms
 * become declared packages. What cannot be honoured is a one-line error naming the file and line.
 */
public final class DockerfileTranslator {
  private static final String PLATFORM = "linux/amd64";
  private static final Map<String, String> PLATFORM_ARGS = Map.of(
      "TARGETPLATFORM", PLATFORM, "TARGETOS", "linux", "TARGETARCH", "amd64", "TARGETVARIANT", "",
      "BUILDPLATFORM", PLATFORM, "BUILDOS", "linux", "BUILDARCH", "amd64", "BUILDVARIANT", "");
  private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
  private static final Set<String> ARCHIVE = Set.of(".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst");
  private static final java.util.regex.Pattern HEREDOC_SOURCE = java.util.regex.Pattern.compile("<<-?([\"']?)([^\"'\\s]+)\\1");

  private final TranslationOptions options;

  public DockerfileTranslator(TranslationOptions options) {
    this.options = options;
  }

  /** The spec a Dockerfile stands for, its {@code build.yaml} text and the migration report. */
  public Translation translate(Dockerfile dockerfile) {
    return new Run(dockerfile).translate();
  }

  /** The state of one stage as the instructions build it up: what FROM stage inherits, and what the spec gets. */
  private static final class Stage {
    final String name;
    final int index;
    final int line;
    String baseImage;
    String baseStage;
    final Map<String, String> env = new LinkedHashMap<>();
    final Map<String, String> args = new LinkedHashMap<>();
    String workdir;
    String user;
    List<String> shell = DEFAULT_SHELL;
    boolean shellSet;
    List<String> entrypoint;
    List<String> cmd;
    boolean cmdSet;
    final Map<String, String> labels = new LinkedHashMap<>();
    final Set<String> ports = new LinkedHashSet<>();
    final Set<String> volumes = new LinkedHashSet<>();
    String stopSignal;
    Map<String, Object> healthcheck;
    String packageManager;
    final Set<String> packages = new LinkedHashSet<>();
    /** The stage's inputs and steps in Dockerfile order: a new part starts where an input follows a step. */
    final List<Part> parts = new ArrayList<>(List.of(new Part()));
    final Set<String> needs = new LinkedHashSet<>();

    Stage(String name, int index, int line) {
      this.name = name;
      this.index = index;
      this.line = line;
    }

    /** FROM a stage: the config and environment go on from where that stage left them; ARGs do not. */
    void inherit(Stage from) {
      env.putAll(from.env);
      workdir = from.workdir;
      user = from.user;
      shell = from.shell;
      shellSet = from.shellSet;
      entrypoint = from.entrypoint;
      cmd = from.cmd;
      labels.putAll(from.labels);
      ports.addAll(from.ports);
      volumes.addAll(from.volumes);
      stopSignal = from.stopSignal;
      healthcheck = from.healthcheck;
      packageManager = from.packageManager;
    }

    /** Where the next input goes: a COPY after a RUN must see what the RUN did, so it starts a new part. */
    Part inputs() {
      if (!steps().run.isEmpty()) {
        parts.add(new Part());
      }
      return steps();
    }

    Part steps() {
      return parts.get(parts.size() - 1);
    }

    Map<String, String> variables() {
      Map<String, String> vars = new LinkedHashMap<>(args);
      vars.putAll(env);
      return vars;
    }
  }

  /**
   * A run of a stage's inputs followed by its steps: the spec adds a scope's files and copies before its steps, so a
   * Dockerfile stage whose COPY follows a RUN becomes parts chained by {@code base: {stage: …}}, in order.
   */
  private static final class Part {
    final List<Map<String, Object>> files = new ArrayList<>();
    final List<Map<String, Object>> copy = new ArrayList<>();
    final List<Map<String, Object>> run = new ArrayList<>();
    /** Packages a RUN of this part removes again (apk del of a virtual, apt-get purge --auto-remove). */
    final Set<String> buildPackages = new LinkedHashSet<>();
  }

  private final class Run {
    private final Dockerfile dockerfile;
    private final String file;
    private final char escape;
    private final List<ReportEntry> report = new ArrayList<>();
    private final Map<String, String> globalArgs = new LinkedHashMap<>();
    private final List<Stage> stages = new ArrayList<>();
    private final Map<String, Stage> byName = new HashMap<>();
    private final Map<String, String> imageStages = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> extraStages = new LinkedHashMap<>();

    Run(Dockerfile dockerfile) {
      this.dockerfile = dockerfile;
      this.file = dockerfile.file();
      String esc = dockerfile.directives().getOrDefault("escape", "\\");
      this.escape = esc.isEmpty() ? '\\' : esc.charAt(0);
    }

    Translation translate() {
      globalArgs.putAll(PLATFORM_ARGS);
      Stage stage = null;
      for (Instruction in : dockerfile.instructions()) {
        if (in.keyword().equals("FROM")) {
          stage = from(in);
          continue;
        }
        if (stage == null) {
          if (!in.keyword().equals("ARG")) {
            throw error(in, in.keyword() + " comes before the first FROM; only ARG may");
          }
          for (Map.Entry<String, String> kv : keyValues(in)) {
            String value = options.buildArgs().containsKey(kv.getKey()) ? options.buildArgs().get(kv.getKey())
                : kv.getValue() == null ? null : expand(kv.getValue(), globalArgs, in);
            if (value != null) {
              globalArgs.put(kv.getKey(), value);
            }
          }
          mapped(in, "build argument for FROM lines");
          continue;
        }
        instruction(stage, in);
      }
      if (stages.isEmpty()) {
        throw new SpecException(file + ": has no FROM instruction");
      }
      Stage target = stages.get(stages.size() - 1);
      if (options.target() != null) {
        target = byName.get(options.target().toLowerCase(Locale.ROOT));
        if (target == null) {
          throw new SpecException(file + ": --target " + options.target() + " names no stage (stages: "
              + String.join(", ", stages.stream().map(s -> s.name).toList()) + ")");
        }
      }
      Set<String> needed = needed(target);
      for (Stage s : stages) {
        if (s != target && !needed.contains(s.name)) {
          report.add(new ReportEntry(s.line, "FROM", Outcome.DROPPED, "stage " + s.name + " is not needed by "
              + target.name + " (BuildKit skips it too)"));
        }
      }
      report.sort(java.util.Comparator.comparingInt(ReportEntry::line));
      String yaml = yaml(document(target, needed));
      BuildSpec spec;
      try {
        spec = new SpecReader(Map.of()).parse(file + " (read as build.yaml)", yaml);
      } catch (SpecException e) {
        throw new SpecException(e.getMessage() + "; `build import` shows that spec");
      }
      return new Translation(spec, yaml, report);
    }

    private Stage from(Instruction in) {
      List<String> words = words(in, globalArgs);
      for (Flag flag : in.flags()) {
        if (!flag.name().equals("platform")) {
          throw error(in, "FROM takes --platform only, not --" + flag.name());
        }
        String platform = expand(flag.value() == null ? "" : flag.value(), globalArgs, in);
        if (!platform.equals(PLATFORM)) {
          throw error(in, "FROM --platform=" + platform + ": sealbuild builds " + PLATFORM + " here; drop the flag or"
              + " set the spec's platforms");
        }
      }
      String name;
      if (words.size() == 3 && words.get(1).equalsIgnoreCase("as")) {
        name = words.get(2).toLowerCase(Locale.ROOT);
        if (!name.matches("[a-z][a-z0-9._-]*")) {
          throw error(in, "stage name '" + words.get(2) + "' must start with a letter and hold letters, digits, '.', '_' or '-'");
        }
        if (byName.containsKey(name)) {
          throw error(in, "stage name '" + name + "' is used twice (line " + byName.get(name).line + ")");
        }
      } else if (words.size() == 1) {
        name = "stage-" + stages.size();
      } else {
        throw error(in, "FROM takes an image and an optional 'AS name', got '" + in.args().text() + "'");
      }
      Stage stage = new Stage(name, stages.size(), in.line());
      String ref = words.get(0);
      Stage base = byName.get(ref.toLowerCase(Locale.ROOT));
      if (base != null) {
        stage.baseStage = base.name;
        stage.inherit(base);
        stage.needs.add(base.name);
        mapped(in, "stage " + name + " starts from stage " + base.name);
      } else if (ref.equals("scratch")) {
        mapped(in, "stage " + name + " starts from scratch");
      } else {
        checkReference(in, ref);
        stage.baseImage = ref;
        report.add(new ReportEntry(in.line(), "FROM", Outcome.PINNED, "base image " + ref + " (the lock pins its digest)"));
      }
      stages.add(stage);
      byName.put(name, stage);
      byName.putIfAbsent(Integer.toString(stage.index), stage);
      return stage;
    }

    private void checkReference(Instruction in, String ref) {
      if (ref.isEmpty() || ref.chars().anyMatch(c -> c <= ' ') || ref.contains("$")) {
        throw error(in, "'" + ref + "' is not an image reference (an ARG without a value?)");
      }
    }

    private void instruction(Stage s, Instruction in) {
      switch (in.keyword()) {
        case "ARG" -> {
          for (Map.Entry<String, String> kv : keyValues(in)) {
            String k = kv.getKey();
            String value = options.buildArgs().containsKey(k) ? options.buildArgs().get(k)
                : kv.getValue() != null ? expand(kv.getValue(), s.variables(), in) : globalArgs.get(k);
            if (value != null) {
              s.args.put(k, value);
            } else {
              s.args.remove(k);
            }
          }
          mapped(in, "build argument, seen by later RUN steps");
        }
        case "ENV" -> {
          for (Map.Entry<String, String> kv : keyValues(in)) {
            s.env.put(kv.getKey(), expand(kv.getValue() == null ? "" : kv.getValue(), s.variables(), in));
          }
          mapped(in, "config.env and the environment of later steps");
        }
        case "LABEL" -> {
          for (Map.Entry<String, String> kv : keyValues(in)) {
            s.labels.put(expand(kv.getKey(), s.variables(), in), expand(kv.getValue() == null ? "" : kv.getValue(), s.variables(), in));
          }
          mapped(in, "config.labels");
        }
        case "MAINTAINER" -> {
          s.labels.put("maintainer", in.args().text().strip());
          mapped(in, "config.labels.maintainer");
        }
        case "EXPOSE" -> {
          for (String port : expandWords(in, s.variables())) {
            if (!port.matches("[0-9]{1,5}(/(tcp|udp|sctp|TCP|UDP|SCTP))?")) {
              throw error(in, "EXPOSE " + port + ": write one port per word, such as 8080 or 53/udp (ranges are not supported)");
            }
            s.ports.add(port.toLowerCase(Locale.ROOT));
          }
          mapped(in, "config.exposedPorts");
        }
        case "USER" -> {
          String user = expand(in.args().text().strip(), s.variables(), in);
          if (!user.matches("([0-9]{1,10}|[a-z_][a-z0-9_-]{0,31})(:([0-9]{1,10}|[a-z_][a-z0-9_-]{0,31}))?")) {
            throw error(in, "USER '" + user + "' must be a user name or uid, optionally :group");
          }
          s.user = user;
          mapped(in, "config.user and the user of later steps");
        }
        case "WORKDIR" -> {
          String dir = expand(in.args().text().strip(), s.variables(), in);
          s.workdir = absolute(s, dir);
          mapped(in, "config.workdir and the working directory of later steps");
        }
        case "ENTRYPOINT" -> {
          s.entrypoint = command(s, in);
          if (!s.cmdSet) {
            s.cmd = null; // as BuildKit: a new ENTRYPOINT drops a CMD this stage did not set itself
          }
          mapped(in, "config.entrypoint");
        }
        case "CMD" -> {
          s.cmd = command(s, in);
          s.cmdSet = true;
          mapped(in, "config.cmd");
        }
        case "SHELL" -> {
          if (!in.args().isExec() || in.args().json().isEmpty()) {
            throw error(in, "SHELL must be written as a JSON array, such as [\"/bin/bash\", \"-c\"]");
          }
          s.shell = List.copyOf(in.args().json());
          s.shellSet = true;
          mapped(in, "the shell of later RUN, CMD and ENTRYPOINT shell forms, and config.shell");
        }
        case "STOPSIGNAL" -> {
          s.stopSignal = expand(in.args().text().strip(), s.variables(), in);
          mapped(in, "config.stopSignal");
        }
        case "VOLUME" -> {
          List<String> vols = in.args().isExec() ? in.args().json().stream().map(v -> expand(v, s.variables(), in)).toList()
              : words(in, s.variables());
          for (String v : vols) {
            if (!v.startsWith("/")) {
              throw error(in, "VOLUME " + v + " must be an absolute path");
            }
            s.volumes.add(v);
          }
          mapped(in, "config.volumes");
        }
        case "HEALTHCHECK" -> {
          s.healthcheck = healthcheck(s, in);
          mapped(in, "config.healthcheck");
        }
        case "ONBUILD" -> throw error(in, "ONBUILD triggers run when another build starts from this image, which"
            + " sealbuild does not do; move the instructions into the Dockerfiles that use this image");
        case "RUN" -> run(s, in);
        case "COPY", "ADD" -> copy(s, in);
        default -> throw error(in, in.keyword() + " is not an instruction sealbuild knows");
      }
    }

    private Map<String, Object> healthcheck(Stage s, Instruction in) {
      String text = in.args().text().strip();
      Map<String, Object> check = new LinkedHashMap<>();
      if (text.equalsIgnoreCase("NONE")) {
        check.put("test", List.of("NONE"));
        return check;
      }
      if (!text.regionMatches(true, 0, "CMD", 0, 3) || text.length() > 3 && !Character.isWhitespace(text.charAt(3))) {
        throw error(in, "HEALTHCHECK takes NONE or [OPTIONS] CMD command");
      }
      String command = text.substring(3).strip();
      List<String> test = new ArrayList<>();
      List<String> json = jsonArray(command);
      if (json != null) {
        test.add("CMD");
        test.addAll(json);
      } else {
        test.add("CMD-SHELL");
        test.add(command);
      }
      check.put("test", test);
      for (Flag flag : in.flags()) {
        String key = switch (flag.name()) {
          case "interval" -> "interval";
          case "timeout" -> "timeout";
          case "start-period" -> "startPeriod";
          case "start-interval" -> "startInterval";
          case "retries" -> "retries";
          default -> throw error(in, "HEALTHCHECK does not take --" + flag.name());
        };
        String value = flag.value() == null ? "" : expand(flag.value(), s.variables(), in);
        if (key.equals("retries")) {
          if (!value.matches("[0-9]{1,9}")) {
            throw error(in, "HEALTHCHECK --retries=" + value + " must be a whole number");
          }
          check.put(key, Integer.parseInt(value));
        } else {
          check.put(key, value);
        }
      }
      return check;
    }

    private List<String> command(Stage s, Instruction in) {
      if (in.args().isExec()) {
        return List.copyOf(in.args().json());
      }
      List<String> argv = new ArrayList<>(s.shell);
      argv.add(in.args().text().strip());
      return argv;
    }

    private void run(Stage s, Instruction in) {
      Map<String, Object> step = new LinkedHashMap<>();
      List<Map<String, Object>> temporaryCopies = new ArrayList<>();
      List<String> tmpfs = new ArrayList<>();
      for (Flag flag : in.flags()) {
        switch (flag.name()) {
          case "network" -> {
            if (!"none".equals(flag.value())) {
              report.add(new ReportEntry(in.line(), "RUN", Outcome.MAPPED, "--network=" + flag.value()
                  + ": every step runs with no network"));
            }
          }
          case "mount" -> mount(s, in, flag.value(), temporaryCopies, tmpfs);
          case "security" -> throw error(in, "RUN --security=" + flag.value() + " is not supported: steps run unprivileged");
          default -> throw error(in, "RUN does not take --" + flag.name());
        }
      }
      Map<String, String> vars = s.variables();
      String workdir = s.workdir;
      List<String> buildPackages = List.of();
      if (in.args().isExec()) {
        step.put("command", List.copyOf(in.args().json()));
        List<String> downloads = RunIdioms.downloaders(String.join(" ", in.args().json()));
        needsUser(in, downloads);
        report.add(new ReportEntry(in.line(), "RUN", Outcome.OFFLINE, String.join(" ", in.args().json())));
      } else {
        String script = script(in);
        if (script == null) {
          return;
        }
        RunIdioms.Analysis analysis = new RunIdioms(vars, workdir).analyze(script);
        buildPackages = analysis.buildPackages();
        if (analysis.packageManager() != null && !analysis.packages().isEmpty()) {
          if (s.packageManager != null && !s.packageManager.equals(analysis.packageManager())) {
            throw error(in, "installs " + analysis.packageManager() + " packages in a stage that already installs "
                + s.packageManager + " ones");
          }
          s.packageManager = analysis.packageManager();
          s.packages.addAll(analysis.packages());
          report.add(new ReportEntry(in.line(), "RUN", Outcome.PINNED, analysis.packageManager() + " packages "
              + String.join(" ", analysis.packages()) + " (resolved and pinned by the lock, installed before the steps)"));
        }
        for (RunIdioms.Download d : analysis.downloads()) {
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("url", d.url());
          if (d.sha256() != null) {
            f.put("sha256", d.sha256());
          }
          f.put("dest", d.path());
          if (d.temporary()) {
            f.put("temporary", true);
          }
          s.inputs().files.add(f);
          report.add(new ReportEntry(in.line(), "RUN", Outcome.PINNED, "download " + d.url() + " -> " + d.path()
              + (d.sha256() != null ? " (sha256 from the Dockerfile)" : " (the lock pins its sha256)")
              + (d.temporary() ? ", present while the steps run" : "")));
        }
        for (String note : analysis.notes()) {
          report.add(new ReportEntry(in.line(), "RUN", Outcome.DROPPED, note));
        }
        for (String remark : analysis.remarks()) {
          report.add(new ReportEntry(in.line(), "RUN", Outcome.MAPPED, remark));
        }
        if (!analysis.buildPackages().isEmpty()) {
          if (s.packageManager != null && !s.packageManager.equals(analysis.packageManager())) {
            throw error(in, "installs " + analysis.packageManager() + " packages in a stage that already installs "
                + s.packageManager + " ones");
          }
          s.packageManager = analysis.packageManager();
          report.add(new ReportEntry(in.line(), "RUN", Outcome.PINNED, analysis.packageManager() + " build-only packages "
              + String.join(" ", analysis.buildPackages()) + (analysis.remaining() == null
                  ? " (removed by the same RUN before anything used them: not installed)"
                  : " (resolved and pinned by the lock, present while this RUN runs and in no layer)")));
        }
        needsUser(in, analysis.needsUser());
        if (analysis.remaining() == null) {
          s.inputs().copy.addAll(temporaryCopies);
          return;
        }
        if (s.shell.equals(DEFAULT_SHELL)) {
          step.put("command", analysis.remaining());
        } else {
          List<String> argv = new ArrayList<>(s.shell);
          argv.add(analysis.remaining());
          step.put("command", argv);
        }
        report.add(new ReportEntry(in.line(), "RUN", Outcome.OFFLINE, oneLine(analysis.remaining())));
      }
      if (!vars.isEmpty()) {
        step.put("env", escaped(vars));
      }
      if (workdir != null && !workdir.equals("/")) {
        step.put("workdir", workdir);
      }
      if (s.user != null) {
        step.put("user", s.user);
      }
      if (!tmpfs.isEmpty()) {
        step.put("tmpfs", tmpfs);
      }
      if (!temporaryCopies.isEmpty()) {
        s.inputs().copy.addAll(temporaryCopies);
      }
      s.steps().buildPackages.addAll(buildPackages);
      s.steps().run.add(step);
    }

    /** The RUN's shell text, heredocs written back as the shell's own here-documents. */
    private String script(Instruction in) {
      String text = in.args().text();
      if (in.heredocs().isEmpty()) {
        return text.strip();
      }
      if (in.heredocs().size() == 1 && text.strip().matches("<<-?[\"']?" + java.util.regex.Pattern.quote(in.heredocs().get(0).name()) + "[\"']?")) {
        return in.heredocs().get(0).content().strip();
      }
      StringBuilder out = new StringBuilder(text.strip());
      for (Heredoc h : in.heredocs()) {
        out.append('\n').append(h.content());
        if (!h.content().endsWith("\n")) {
          out.append('\n');
        }
        out.append(h.name());
      }
      return out.toString();
    }

    private void mount(Stage s, Instruction in, String spec, List<Map<String, Object>> copies, List<String> tmpfs) {
      Map<String, String> opts = new LinkedHashMap<>();
      for (String part : (spec == null ? "" : spec).split(",")) {
        int eq = part.indexOf('=');
        opts.put(eq < 0 ? part.strip() : part.substring(0, eq).strip(), eq < 0 ? "" : part.substring(eq + 1).strip());
      }
      String type = opts.getOrDefault("type", "bind");
      String target = opts.getOrDefault("target", opts.getOrDefault("dst", opts.get("destination")));
      switch (type) {
        case "bind" -> {
          if (target == null || target.isEmpty()) {
            throw error(in, "RUN --mount=type=bind needs target=PATH");
          }
          Map<String, Object> copy = new LinkedHashMap<>();
          String source = opts.getOrDefault("source", opts.getOrDefault("src", ""));
          String from = opts.get("from");
          if (from != null) {
            String stage = stageRef(s, in, from);
            copy.put("from", stage);
            copy.put("src", "/" + clean(source));
          } else {
            copy.put("src", source.isEmpty() ? "." : clean(source));
          }
          copy.put("dest", absolute(s, target));
          copy.put("temporary", true);
          report.add(new ReportEntry(in.line(), "RUN", Outcome.MAPPED, "bind mount of " + (from != null ? "stage " + from + ":" : "")
              + (source.isEmpty() ? "." : source) + " at " + target + ": a temporary input of the stage's steps"));
          copies.add(copy);
        }
        case "cache", "tmpfs" -> {
          if (target == null || target.isEmpty()) {
            throw error(in, "RUN --mount=type=" + type + " needs target=PATH");
          }
          String path = absolute(s, target);
          if (path.equals("/")) {
            throw error(in, "RUN --mount=type=" + type + ",target=/ would hide the whole tree");
          }
          tmpfs.add(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
          report.add(new ReportEntry(in.line(), "RUN", Outcome.MAPPED, type + " mount at " + target + ": an empty tmpfs"
              + " while the step runs, in no layer" + (type.equals("cache")
              ? " (a cold cache on every build: a warm one would make the result depend on earlier builds)" : "")));
        }
        case "secret", "ssh" -> throw error(in, "RUN --mount=type=" + type + ": secrets are not supported;"
            + " a step with no network has no use for credentials — pin what it fetches instead");
        default -> throw error(in, "RUN --mount type '" + type + "' is not one of bind, cache, tmpfs, secret, ssh");
      }
    }

    private void copy(Stage s, Instruction in) {
      boolean add = in.keyword().equals("ADD");
      Map<String, Heredoc> heredocs = new LinkedHashMap<>();
      in.heredocs().forEach(h -> heredocs.put(h.name(), h));
      String from = null;
      String chown = null;
      String chmod = null;
      String checksum = null;
      List<String> excludes = new ArrayList<>();
      for (Flag flag : in.flags()) {
        String value = flag.value() == null ? null : expand(flag.value(), s.variables(), in);
        switch (flag.name()) {
          case "from" -> {
            if (add) {
              throw error(in, "ADD does not take --from; use COPY --from");
            }
            from = value;
          }
          case "chown" -> chown = value;
          case "chmod" -> chmod = value;
          case "link" -> { }
          case "exclude" -> excludes.add(value);
          case "checksum" -> {
            if (!add) {
              throw error(in, "COPY does not take --checksum");
            }
            checksum = value;
          }
          case "keep-git-dir" -> throw error(in, "ADD --keep-git-dir: git sources are not supported; pin a tarball");
          default -> throw error(in, in.keyword() + " does not take --" + flag.name());
        }
      }
      List<String> words = in.args().isExec() ? in.args().json().stream().map(w -> expand(w, s.variables(), in)).toList()
          : words(in, s.variables());
      if (words.size() < 2) {
        throw error(in, in.keyword() + " needs at least one source and a destination");
      }
      List<String> sources = words.subList(0, words.size() - 1);
      String destWord = words.get(words.size() - 1);
      boolean dirHint = destWord.endsWith("/") || destWord.equals(".") || sources.size() > 1;
      String dest = absolute(s, destWord);
      if (dirHint && !dest.endsWith("/")) {
        dest = dest.equals("/") ? "/" : dest + "/";
      }
      Object owner = chown == null ? null : owner(in, chown);
      Object mode = chmod == null ? null : mode(in, chmod);
      String stage = from == null ? null : stageRef(s, in, from);
      for (String src : sources) {
        java.util.regex.Matcher heredoc = HEREDOC_SOURCE.matcher(src);
        if (heredoc.matches() && heredocs.containsKey(heredoc.group(2))) {
          if (stage != null) {
            throw error(in, "COPY --from takes no here-document; write the text in its own COPY");
          }
          Heredoc h = heredocs.get(heredoc.group(2));
          String text = h.expand() ? expandHeredoc(h.content(), s.variables(), in) : h.content();
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("content", text);
          c.put("dest", dest.endsWith("/") ? dest + h.name() : dest);
          putOwnerMode(c, owner, mode);
          s.inputs().copy.add(c);
          report.add(new ReportEntry(in.line(), in.keyword(), Outcome.MAPPED, "here-document " + h.name() + " -> "
              + c.get("dest") + " (its text is in the spec)"));
          continue;
        }
        if (add && src.matches("(?i)https?://.*")) {
          if (src.matches("(?i).*\\.git(#.*)?") || src.contains(".git#")) {
            throw error(in, "ADD " + src + ": git sources are not supported; pin a tarball of the commit with"
                + " ADD --checksum=sha256:HASH URL");
          }
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("url", src);
          if (checksum != null) {
            if (!checksum.matches("sha256:[0-9a-fA-F]{64}")) {
              throw error(in, "ADD --checksum=" + checksum + " must be sha256: followed by 64 hex digits");
            }
            f.put("sha256", checksum.substring("sha256:".length()).toLowerCase(Locale.ROOT));
          }
          String target = dest;
          if (target.endsWith("/")) {
            String path = java.net.URI.create(src.replace(" ", "%20")).getPath();
            String base = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
            if (base.isEmpty()) {
              throw error(in, "ADD " + src + " " + destWord + ": the URL names no file; give the destination a file name");
            }
            target = target + base;
          }
          f.put("dest", target);
          f.put("mode", mode == null ? "0600" : mode);
          if (owner != null) {
            f.put("owner", owner);
          }
          s.inputs().files.add(f);
          report.add(new ReportEntry(in.line(), "ADD", Outcome.PINNED, src + " -> " + target
              + (checksum != null ? " (sha256 from --checksum)" : " (the lock pins its sha256)")));
          continue;
        }
        if (src.startsWith("git@") || src.matches("(?i)(git|ssh)://.*")) {
          throw error(in, "ADD " + src + ": git sources are not supported; pin a tarball of the commit with"
              + " ADD --checksum=sha256:HASH URL");
        }
        if (stage != null) {
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("from", stage);
          c.put("src", "/" + clean(src));
          c.put("dest", dest);
          putOwnerMode(c, owner, mode);
          s.inputs().copy.add(c);
          continue;
        }
        String local = clean(src);
        if (add && local.toLowerCase(Locale.ROOT).matches(".*\\.(tar\\.bz2|tbz2?|tar\\.lz|tar\\.lzma)")) {
          throw error(in, "ADD " + src + ": sealbuild unpacks tar archives compressed with gzip, xz or zstd; recompress it"
              + " (e.g. to .tar.gz) or COPY it and unpack it in a RUN step");
        }
        if (add && ARCHIVE.stream().anyMatch(ext -> local.toLowerCase(Locale.ROOT).endsWith(ext)) && !local.matches(".*[*?\\[].*")) {
          localSources(in, local);
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("src", local);
          c.put("dest", dest.endsWith("/") || dest.equals("/") ? dest : dest + "/");
          c.put("extract", true);
          if (owner != null) {
            c.put("owner", owner);
          }
          s.inputs().copy.add(c);
          report.add(new ReportEntry(in.line(), "ADD", Outcome.MAPPED, src + " unpacked into " + destWord));
          continue;
        }
        for (String match : localSources(in, local)) {
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("src", match);
          c.put("dest", sources.size() > 1 || !match.equals(local) ? dirOf(dest) : dest);
          putOwnerMode(c, owner, mode);
          List<String> exclude = new ArrayList<>(options.ignore().patterns());
          excludes.forEach(e -> exclude.add(clean(e)));
          if (!exclude.isEmpty()) {
            c.put("exclude", exclude);
          }
          s.inputs().copy.add(c);
        }
      }
      if (stage != null) {
        mapped(in, "copies from stage " + stage);
      } else if (sources.stream().anyMatch(x -> !x.matches("(?i)https?://.*"))) {
        mapped(in, "copies from the build context");
      }
    }

    private void putOwnerMode(Map<String, Object> c, Object owner, Object mode) {
      if (mode != null) {
        c.put("mode", mode);
      }
      if (owner != null) {
        c.put("owner", owner);
      }
    }

    private String dirOf(String dest) {
      return dest.endsWith("/") ? dest : dest + "/";
    }

    /** The context paths a source names: itself, or what its glob matches (sorted); none is an error. */
    private List<String> localSources(Instruction in, String src) {
      Path context = options.context();
      if (src.equals("..") || src.startsWith("../")) {
        throw error(in, in.keyword() + " " + src + ": the source is outside the build context");
      }
      if (!src.matches(".*[*?\\[].*")) {
        if (context != null && !Files.exists(context.resolve(src), LinkOption.NOFOLLOW_LINKS)) {
          throw error(in, in.keyword() + " " + src + ": no such file or directory in the build context " + context);
        }
        return List.of(src);
      }
      if (context == null) {
        throw error(in, in.keyword() + " " + src + ": a wildcard needs the build context");
      }
      java.nio.file.PathMatcher matcher = context.getFileSystem().getPathMatcher("glob:" + src.replace("[!", "[^").replace("[^", "[!"));
      List<String> matches;
      try (Stream<Path> walk = Files.walk(context)) {
        matches = walk.map(p -> context.relativize(p).toString().replace('\\', '/'))
            .filter(rel -> !rel.isEmpty() && matcher.matches(Path.of(rel)) && !options.ignore().excluded(rel))
            .sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (matches.isEmpty()) {
        throw error(in, in.keyword() + " " + src + ": the wildcard matches no file in the build context");
      }
      return matches;
    }

    /** Docker's {@code --chown}: a user alone means the same id for the group (for a name: its namesake group). */
    private Object owner(Instruction in, String chown) {
      String id = "([0-9]{1,10}|[a-z_][a-z0-9_.-]{0,31})";
      if (!chown.matches(id + "(:" + id + ")?")) {
        throw error(in, "--chown=" + chown + " must be user[:group], as names or numeric ids, such as --chown=1000:1000 or --chown=app:app");
      }
      if (!chown.contains(":")) {
        if (!chown.chars().allMatch(Character::isDigit)) {
          report.add(new ReportEntry(in.line(), in.keyword(), Outcome.MAPPED, "--chown=" + chown + " as " + chown + ":" + chown
              + " (the group of the same name)"));
        }
        return chown + ":" + chown;
      }
      return chown;
    }

    private Object mode(Instruction in, String chmod) {
      if (!chmod.matches("0?[0-7]{3,4}")) {
        throw error(in, "--chmod=" + chmod + ": sealbuild takes octal modes, such as --chmod=0755");
      }
      String digits = chmod.length() == 4 && chmod.startsWith("0") ? chmod.substring(1) : chmod;
      return digits.length() == 3 ? "0" + digits : digits;
    }

    /** A stage a {@code --from} names; an image reference there becomes a stage of its own. */
    private String stageRef(Stage s, Instruction in, String ref) {
      Stage named = byName.get(ref.toLowerCase(Locale.ROOT));
      if (named != null) {
        if (named == s) {
          throw error(in, "--from=" + ref + " names the stage it is in");
        }
        s.needs.add(named.name);
        return named.name;
      }
      if (ref.matches("[0-9]+")) {
        throw error(in, "--from=" + ref + " names no earlier stage (there are " + stages.size() + ")");
      }
      checkReference(in, ref);
      String name = imageStages.computeIfAbsent(ref, r -> "image-" + (imageStages.size() + 1));
      Map<String, Object> stage = new LinkedHashMap<>();
      stage.put("base", Map.of("image", ref));
      extraStages.put(name, stage);
      s.needs.add(name);
      report.add(new ReportEntry(in.line(), in.keyword(), Outcome.PINNED, "image " + ref + " (copied from; the lock pins its digest)"));
      return name;
    }

    private Set<String> needed(Stage target) {
      Set<String> needed = new LinkedHashSet<>();
      Deque<String> todo = new ArrayDeque<>(target.needs);
      while (!todo.isEmpty()) {
        String next = todo.pop();
        if (needed.add(next) && byName.containsKey(next)) {
          todo.addAll(byName.get(next).needs);
        }
      }
      return needed;
    }

    private Map<String, Object> document(Stage target, Set<String> needed) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("name", options.name());
      Map<String, Object> stagesDoc = new LinkedHashMap<>();
      for (Stage s : stages) {
        if (s == target || needed.contains(s.name)) {
          for (int k = 0; k < s.parts.size(); k++) {
            if (s == target && k == s.parts.size() - 1) {
              break;
            }
            Map<String, Object> stage = new LinkedHashMap<>();
            scope(s, k, stage);
            if (stage.isEmpty()) {
              stage.put("base", "scratch");
            }
            stagesDoc.put(partName(s, k), stage);
          }
        }
      }
      extraStages.forEach((name, stage) -> {
        if (needed.contains(name)) {
          stagesDoc.put(name, stage);
        }
      });
      if (!stagesDoc.isEmpty()) {
        doc.put("stages", stagesDoc);
      }
      scope(target, target.parts.size() - 1, doc);
      Map<String, Object> config = config(target);
      if (!config.isEmpty()) {
        doc.put("config", config);
      }
      return doc;
    }

    /** A stage's last part keeps its name (what COPY --from and FROM refer to); earlier ones are NAME.part-K. */
    private String partName(Stage s, int k) {
      String name = k == s.parts.size() - 1 ? s.name : s.name + ".part-" + (k + 1);
      if (k < s.parts.size() - 1 && byName.containsKey(name)) {
        throw new SpecException(file + ":" + s.line + ": stage name " + name + " is taken; sealbuild names the parts of"
            + " stage " + s.name + " so: rename that stage");
      }
      return name;
    }

    private void scope(Stage s, int k, Map<String, Object> doc) {
      Part part = s.parts.get(k);
      if (k > 0) {
        doc.put("base", Map.of("stage", partName(s, k - 1)));
      } else if (s.baseStage != null) {
        doc.put("base", Map.of("stage", s.baseStage));
      } else if (s.baseImage != null) {
        doc.put("base", Map.of("image", escape(s.baseImage)));
      }
      List<String> buildPackages = part.buildPackages.stream().filter(p -> k > 0 || !s.packages.contains(p)).toList();
      if (k == 0 && !s.packages.isEmpty() || !buildPackages.isEmpty()) {
        doc.put("repositories", List.of(Map.of("name", s.packageManager, "type", s.packageManager, "from", "base")));
      }
      if (k == 0 && !s.packages.isEmpty()) {
        doc.put("packages", new ArrayList<>(s.packages));
      }
      if (!buildPackages.isEmpty()) {
        doc.put("buildPackages", buildPackages);
      }
      if (!part.files.isEmpty()) {
        doc.put("files", escapedList(part.files));
      }
      if (!part.copy.isEmpty()) {
        doc.put("copy", escapedList(part.copy));
      }
      if (!part.run.isEmpty()) {
        doc.put("run", part.run);
      }
    }

    private Map<String, Object> config(Stage s) {
      Map<String, Object> c = new LinkedHashMap<>();
      if (s.entrypoint != null) {
        c.put("entrypoint", s.entrypoint.stream().map(DockerfileTranslator::escape).toList());
      }
      if (s.cmd != null) {
        c.put("cmd", s.cmd.stream().map(DockerfileTranslator::escape).toList());
      }
      if (!s.env.isEmpty()) {
        c.put("env", escaped(s.env));
      }
      if (s.workdir != null) {
        c.put("workdir", escape(s.workdir));
      }
      if (s.user != null) {
        c.put("user", escape(s.user));
      }
      if (!s.labels.isEmpty()) {
        c.put("labels", escaped(s.labels));
      }
      if (!s.ports.isEmpty()) {
        c.put("exposedPorts", new ArrayList<>(s.ports));
      }
      if (s.stopSignal != null) {
        c.put("stopSignal", escape(s.stopSignal));
      }
      if (!s.volumes.isEmpty()) {
        c.put("volumes", s.volumes.stream().map(DockerfileTranslator::escape).toList());
      }
      if (s.healthcheck != null) {
        c.put("healthcheck", escapeValues(s.healthcheck));
      }
      if (s.shellSet) {
        c.put("shell", s.shell.stream().map(DockerfileTranslator::escape).toList());
      }
      return c;
    }

    private void needsUser(Instruction in, List<String> what) {
      for (String w : what) {
        report.add(new ReportEntry(in.line(), in.keyword(), Outcome.NEEDS_USER, w));
      }
    }

    private void mapped(Instruction in, String detail) {
      report.add(new ReportEntry(in.line(), in.keyword(), Outcome.MAPPED, detail));
    }

    private List<Map.Entry<String, String>> keyValues(Instruction in) {
      try {
        return DockerfileWords.keyValues(in.keyword(), in.args().text(), escape, in.line(), file);
      } catch (DockerfileException e) {
        throw new SpecException(e.getMessage());
      }
    }

    private String expandHeredoc(String content, Map<String, String> vars, Instruction in) {
      try {
        return new VariableExpander(vars, escape, file).expandHeredoc(content, in.line());
      } catch (DockerfileException e) {
        throw new SpecException(e.getMessage());
      }
    }

    private String expand(String word, Map<String, String> vars, Instruction in) {
      try {
        return new VariableExpander(vars, escape, file).expand(word, in.line());
      } catch (DockerfileException e) {
        throw new SpecException(e.getMessage());
      }
    }

    private List<String> expandWords(Instruction in, Map<String, String> vars) {
      try {
        return new VariableExpander(vars, escape, file).expandWords(in.args().text(), in.line());
      } catch (DockerfileException e) {
        throw new SpecException(e.getMessage());
      }
    }

    /** BuildKit's words for FROM, COPY, ADD and VOLUME: split at blanks first, then each expanded and unquoted. */
    private List<String> words(Instruction in, Map<String, String> vars) {
      try {
        return new VariableExpander(vars, escape, file).expandEach(DockerfileWords.rawWords(in.args().text()), in.line());
      } catch (DockerfileException e) {
        throw new SpecException(e.getMessage());
      }
    }

    private String absolute(Stage s, String path) {
      if (path.isEmpty()) {
        return s.workdir == null ? "/" : s.workdir;
      }
      String joined = path.startsWith("/") ? path : (s.workdir == null ? "/" : s.workdir + "/") + path;
      String normalized = Path.of("/").resolve(joined).normalize().toString();
      return path.endsWith("/") && !normalized.equals("/") ? normalized + "/" : normalized;
    }

    private SpecException error(Instruction in, String reason) {
      return new SpecException(file + ":" + in.line() + ": " + reason);
    }
  }

  private static String oneLine(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() > 100 ? flat.substring(0, 97) + "..." : flat;
  }

  private static String clean(String path) {
    String p = path.replace('\\', '/');
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    String normalized = p.isEmpty() ? "." : Path.of(p).normalize().toString();
    return normalized.isEmpty() ? "." : normalized;
  }

  private static List<String> jsonArray(String text) {
    if (!text.startsWith("[")) {
      return null;
    }
    try {
      String[] values = new ObjectMapper().readValue(text, String[].class);
      return values == null ? null : List.of(values);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The spec reader expands {@code ${VAR}} in values from the environment: a Dockerfile's values are literal. */
  static String escape(String value) {
    return value.replace("$", "$$");
  }

  private static Map<String, String> escaped(Map<String, String> map) {
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, escape(v)));
    return out;
  }

  private static List<Map<String, Object>> escapedList(List<Map<String, Object>> entries) {
    return entries.stream().map(DockerfileTranslator::escapeValues).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> escapeValues(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (v instanceof String s) {
        out.put(k, escape(s));
      } else if (v instanceof List<?> list) {
        out.put(k, list.stream().map(x -> x instanceof String s ? escape(s) : x).toList());
      } else {
        out.put(k, v);
      }
    });
    return out;
  }

  private static String yaml(Map<String, Object> document) {
    try {
      ObjectMapper mapper = new ObjectMapper(YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build());
      return mapper.writeValueAsString(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
