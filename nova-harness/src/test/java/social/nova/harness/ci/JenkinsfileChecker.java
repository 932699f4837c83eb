package social.nova.harness.ci;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.codehaus.groovy.ast.CodeVisitorSupport;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.GStringExpression;
import org.codehaus.groovy.ast.expr.MapEntryExpression;
import org.codehaus.groovy.ast.expr.MapExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.Phases;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Checks one Jenkinsfile's text against the rules of Nova's pipelines. It parses the text with Groovy's
 * own parser (to phase CONVERSION: the syntax tree, without resolving Jenkins' steps, which are not on
 * the classpath), then walks the tree for the {@code stage('...')} calls and {@code sh} steps, in source
 * order, and answers every problem found as one readable sentence (none: the file is fine).
 */
final class JenkinsfileChecker {
    /** What a Jenkinsfile is the pipeline of, and so which stages it must declare. */
    enum Kind {
        /** The monorepo's own pipeline: runs what a change affects. */
        ROOT(List.of("Affected", "Build", "Pipelines", "Stack tests")),
        /** A service of nova-services. */
        SERVICE(List.of(
                "Quality", "Build", "Unit tests", "Integration tests", "Contract gate", "Image", "Publish", "Deploy")),
        /** A library of nova-shared. */
        LIBRARY(List.of("Quality", "Build", "Unit tests", "API compatibility", "Publish")),
        /** The contracts: a library that also gates the consumer contracts. */
        CONTRACTS(List.of("Quality", "Build", "Unit tests", "Contract gate", "API compatibility", "Publish"));

        private final List<String> stages;

        Kind(List<String> stages) {
            this.stages = stages;
        }

        List<String> stages() {
            return stages;
        }
    }

    /** The {@code ./nova ci} command of each stage of a module's pipeline. */
    private static final Map<String, String> COMMANDS = Map.of(
            "Quality",
            "quality",
            "Build",
            "build",
            "Unit tests",
            "unit",
            "Integration tests",
            "integration",
            "Contract gate",
            "contract-gate",
            "Image",
            "image",
            "API compatibility",
            "api-compat",
            "Publish",
            "publish",
            "Deploy",
            "deploy");
    /** The stages that run on the main branch only. */
    private static final List<String> MAIN_ONLY = List.of("Publish", "Deploy");

    private static final Pattern NOVA_CI = Pattern.compile("\\./nova ci (\\S+) (\\S+)");
    /** What a module's Jenkinsfile must not mention: it is the same file after the module's split. */
    private static final List<String> MONOREPO_PATHS = List.of("nova-services/", "nova-shared/", "nova-harness", "../");

    /**
     * One {@code stage('...')}.
     *
     * @param name           its name
     * @param line           its line in the file
     * @param commands       the commands of its {@code sh} steps, in order
     * @param calls          the names of every step or directive it calls, in order
     * @param mainBranchOnly whether it has {@code when { branch 'main' }}
     */
    record Stage(String name, int line, List<String> commands, List<String> calls, boolean mainBranchOnly) {}

    /**
     * A parsed Jenkinsfile.
     *
     * @param pipeline whether it calls {@code pipeline} at the top level
     * @param stages   its stages in source order (nested ones after the one holding them)
     * @param commands the commands of all its {@code sh} steps, in source order
     * @param strings  every string literal (constant or the text of a GString) it holds
     */
    record Pipeline(boolean pipeline, List<Stage> stages, List<String> commands, List<String> strings) {
        List<String> stageNames() {
            return stages.stream().map(Stage::name).toList();
        }
    }

    /** A Jenkinsfile that is not valid Groovy. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message);
        }
    }

    private JenkinsfileChecker() {}

    /**
     * The problems of a Jenkinsfile, none if it is fine.
     *
     * @param file       its path, for the messages
     * @param text       its text
     * @param kind       what it is the pipeline of
     * @param artifactId for a module's Jenkinsfile, that module's artifactId (ignored for {@link Kind#ROOT})
     */
    static List<String> problems(String file, String text, Kind kind, String artifactId) {
        Pipeline pipeline;
        try {
            pipeline = parse(file, text);
        } catch (SyntaxError e) {
            return List.of(e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        if (!pipeline.pipeline()) {
            problems.add(file + ": no top-level `pipeline { ... }` (a declarative pipeline)");
        }
        if (!pipeline.stageNames().equals(kind.stages())) {
            problems.add(file + ": declares the stages " + pipeline.stageNames() + ", but the pipeline of "
                    + describe(kind) + " has exactly " + kind.stages() + ", in this order");
        }
        if (kind == Kind.ROOT) {
            rootProblems(file, pipeline, problems);
        } else {
            moduleProblems(file, pipeline, artifactId, problems);
        }
        return problems;
    }

    /** The problems of any Jenkinsfile: its syntax, and whether it is a declarative pipeline. */
    static List<String> syntaxProblems(String file, String text) {
        try {
            return parse(file, text).pipeline()
                    ? List.of()
                    : List.of(file + ": no top-level `pipeline { ... }` (a declarative pipeline)");
        } catch (SyntaxError e) {
            return List.of(e.getMessage());
        }
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case ROOT -> "the monorepo";
            case SERVICE -> "a service";
            case LIBRARY -> "a library";
            case CONTRACTS -> "the contracts";
        };
    }

    private static void moduleProblems(String file, Pipeline pipeline, String artifactId, List<String> problems) {
        for (String command : pipeline.commands()) {
            Matcher nova = NOVA_CI.matcher(command);
            if (!nova.matches()) {
                problems.add(file + ": runs `" + command + "`; every step of a module's pipeline is a `./nova ci "
                        + "<stage> " + artifactId + "` command");
            } else if (!nova.group(2).equals(artifactId)) {
                problems.add(file + ": runs `" + command + "`, naming " + nova.group(2) + ", but this is the "
                        + "pipeline of " + artifactId + " (its pom.xml's artifactId)");
            }
        }
        for (Stage stage : pipeline.stages()) {
            String expected = COMMANDS.get(stage.name());
            if (expected != null
                    && (stage.commands().size() != 1
                            || !stage.commands().getFirst().startsWith("./nova ci " + expected + " "))) {
                problems.add(file + ":" + stage.line() + ": stage '" + stage.name() + "' runs " + stage.commands()
                        + "; it runs exactly one step, `./nova ci " + expected + " " + artifactId + "`");
            }
            if (MAIN_ONLY.contains(stage.name()) && !stage.mainBranchOnly()) {
                problems.add(file + ":" + stage.line() + ": stage '" + stage.name() + "' runs on every branch; "
                        + "it needs `when { branch 'main' }`");
            }
        }
        for (String string : pipeline.strings()) {
            for (String path : MONOREPO_PATHS) {
                if (string.contains(path)) {
                    problems.add(file + ": mentions `" + path + "` (in '" + string + "'): a module's Jenkinsfile "
                            + "is also its own repository's after `./nova split`, so it names no monorepo path");
                }
            }
        }
    }

    private static void rootProblems(String file, Pipeline pipeline, List<String> problems) {
        Map<String, String> runs = new LinkedHashMap<>();
        runs.put("Affected", "./nova ci affected --base ");
        runs.put("Build", "./nova build");
        runs.put("Pipelines", "./nova ci pipeline ");
        runs.put("Stack tests", "./nova ci harness");
        for (Stage stage : pipeline.stages()) {
            String prefix = runs.get(stage.name());
            if (prefix != null && stage.commands().stream().noneMatch(command -> command.startsWith(prefix))) {
                problems.add(file + ":" + stage.line() + ": stage '" + stage.name() + "' runs " + stage.commands()
                        + ", none of them `" + prefix.strip() + "...`");
            }
            if (stage.name().equals("Affected")
                    && stage.commands().stream().noneMatch(command -> command.contains("--artifacts"))) {
                problems.add(file + ":" + stage.line() + ": stage 'Affected' does not ask for `--artifacts` "
                        + "(one artifactId a line)");
            }
            if (stage.name().equals("Pipelines") && !stage.calls().contains("parallel")) {
                problems.add(file + ":" + stage.line() + ": stage 'Pipelines' does not run the modules' pipelines "
                        + "in `parallel`");
            }
        }
    }

    /** Parses a Jenkinsfile, or fails with the file, line and column of its first syntax error. */
    static Pipeline parse(String file, String text) throws SyntaxError {
        CompilationUnit unit = new CompilationUnit();
        SourceUnit source = unit.addSource(file, text);
        try {
            unit.compile(Phases.CONVERSION);
        } catch (MultipleCompilationErrorsException e) {
            throw new SyntaxError(describe(file, text, e));
        }
        ModuleNode module = source.getAST();
        Walker walker = new Walker();
        boolean pipeline = false;
        for (Statement statement : module.getStatementBlock().getStatements()) {
            if (statement instanceof ExpressionStatement expression
                    && expression.getExpression() instanceof MethodCallExpression call
                    && call.isImplicitThis()
                    && "pipeline".equals(call.getMethodAsString())) {
                pipeline = true;
            }
            statement.visit(walker);
        }
        for (MethodNode method : module.getMethods()) {
            if (method.getCode() != null) {
                method.getCode().visit(walker);
            }
        }
        return new Pipeline(
                pipeline,
                walker.stages.stream().map(StageBuilder::build).toList(),
                List.copyOf(walker.commands),
                List.copyOf(walker.strings));
    }

    private static String describe(String file, String text, MultipleCompilationErrorsException e) {
        List<String> errors = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (Message message : e.getErrorCollector().getErrors()) {
            if (message instanceof SyntaxErrorMessage syntax) {
                SyntaxException cause = syntax.getCause();
                String what = cause.getOriginalMessage().lines().findFirst().orElse("");
                if (what.length() > 80) {
                    what = what.substring(0, 77) + "...";
                }
                int line = cause.getLine();
                String source = line >= 1 && line <= lines.size()
                        ? " | " + lines.get(line - 1).strip()
                        : "";
                errors.add(file + ", line " + line + ", column " + cause.getStartColumn() + ": " + what + source);
            } else {
                errors.add(file + ": " + message);
            }
        }
        return "not valid Groovy: " + String.join("; ", errors);
    }

    private static final class StageBuilder {
        private final String name;
        private final int line;
        private final List<String> commands = new ArrayList<>();
        private final List<String> calls = new ArrayList<>();
        private boolean mainBranchOnly;

        StageBuilder(String name, int line) {
            this.name = name;
            this.line = line;
        }

        Stage build() {
            return new Stage(name, line, List.copyOf(commands), List.copyOf(calls), mainBranchOnly);
        }
    }

    /** Collects stages, {@code sh} commands and string literals in source order. */
    private static final class Walker extends CodeVisitorSupport {
        private final List<StageBuilder> stages = new ArrayList<>();
        private final Deque<StageBuilder> open = new ArrayDeque<>();
        private final List<String> commands = new ArrayList<>();
        private final List<String> strings = new ArrayList<>();
        private int inWhen;

        @Override
        public void visitMethodCallExpression(MethodCallExpression call) {
            String name = call.isImplicitThis() ? call.getMethodAsString() : null;
            if (name == null) {
                super.visitMethodCallExpression(call);
                return;
            }
            StageBuilder current = open.peek();
            if (current != null) {
                current.calls.add(name);
            }
            switch (name) {
                case "stage" -> {
                    StageBuilder stage = new StageBuilder(text(first(call)), call.getLineNumber());
                    stages.add(stage);
                    open.push(stage);
                    super.visitMethodCallExpression(call);
                    open.pop();
                }
                case "sh" -> {
                    String command = text(command(call));
                    commands.add(command);
                    if (current != null) {
                        current.commands.add(command);
                    }
                    super.visitMethodCallExpression(call);
                }
                case "when" -> {
                    inWhen++;
                    super.visitMethodCallExpression(call);
                    inWhen--;
                }
                case "branch" -> {
                    if (inWhen > 0 && current != null && "main".equals(text(first(call)))) {
                        current.mainBranchOnly = true;
                    }
                    super.visitMethodCallExpression(call);
                }
                default -> super.visitMethodCallExpression(call);
            }
        }

        @Override
        public void visitConstantExpression(ConstantExpression expression) {
            if (expression.getValue() instanceof String string) {
                strings.add(string);
            }
        }

        @Override
        public void visitGStringExpression(GStringExpression expression) {
            strings.add(expression.getText());
            expression.getValues().forEach(value -> value.visit(this));
        }

        /** The first positional argument of a call, or null. */
        private static Expression first(MethodCallExpression call) {
            if (call.getArguments() instanceof TupleExpression arguments) {
                for (Expression argument : arguments.getExpressions()) {
                    if (!(argument instanceof MapExpression)) {
                        return argument;
                    }
                }
            }
            return null;
        }

        /** The command of an {@code sh} step: {@code sh 'command'} or {@code sh(script: 'command', ...)}. */
        private static Expression command(MethodCallExpression call) {
            if (call.getArguments() instanceof TupleExpression arguments) {
                for (Expression argument : arguments.getExpressions()) {
                    if (argument instanceof MapExpression map) {
                        for (MapEntryExpression entry : map.getMapEntryExpressions()) {
                            if ("script".equals(text(entry.getKeyExpression()))) {
                                return entry.getValueExpression();
                            }
                        }
                    }
                }
            }
            return first(call);
        }

        /** A string literal's value, the source text of a GString, or the text of any other expression. */
        private static String text(Expression expression) {
            if (expression == null) {
                return "";
            }
            if (expression instanceof ConstantExpression constant && constant.getValue() instanceof String string) {
                return string;
            }
            return expression.getText();
        }
    }
}
