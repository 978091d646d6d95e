package dev.roost.edge.logging;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every log call of the agent and the simulator, checked the way JUL formats it: a pattern with
 * parameters goes through {@link MessageFormat}, where a lone apostrophe starts a quote that swallows
 * the placeholders after it ("agent's {0}" prints "agents {0}"), and a number argument is printed
 * with the locale's grouping ("version 1,764,748,800,123"). The sources are compiled with javac's
 * tree API so that each argument's type is known.
 */
class LogPatternsTest {
    private static final Path SOURCES = Path.of("src/main/java");

    private record LogCall(String where, String pattern, List<TypeMirror> params) {
    }

    @Test
    void everyLoggedPattern_keepsItsPlaceholders_andGetsNoNumberArguments() throws IOException {
        List<String> problems = new ArrayList<>();
        List<LogCall> calls = logCalls(problems);

        assertThat(calls).as("log calls found in " + SOURCES.toAbsolutePath()).hasSizeGreaterThan(30);
        for (LogCall call : calls) {
            if (call.params().isEmpty()) {
                continue;
            }
            Object[] samples = new Object[call.params().size()];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = "<arg" + i + ">";
            }
            String formatted = new MessageFormat(call.pattern(), Locale.ROOT).format(samples);
            if (call.pattern().replace("''", "").contains("'")) {
                problems.add(call.where() + ": lone apostrophe in \"" + call.pattern() + "\" (formats as \""
                        + formatted + "\"); write it ''");
            }
            for (int i = 0; i < samples.length; i++) {
                if (call.pattern().contains("{" + i) && !formatted.contains(samples[i].toString())) {
                    problems.add(call.where() + ": placeholder {" + i + "} lost in \"" + call.pattern()
                            + "\" (formats as \"" + formatted + "\"); an apostrophe must be written ''");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void aPatternWithAnApostrophe_losesItsPlaceholders_whichIsWhatTheCheckCatches() {
        assertThat(MessageFormat.format("the agent's {0}", "x")).isEqualTo("the agents {0}");
        assertThat(MessageFormat.format("the agent''s {0}", "x")).isEqualTo("the agent's x");
        assertThat(new MessageFormat("{0}", Locale.US).format(new Object[] {1_764_748_800_123L}))
                .isEqualTo("1,764,748,800,123");
    }

    /** Collects the calls; number arguments and non-constant patterns with arguments go to {@code problems}. */
    private static List<LogCall> logCalls(List<String> problems) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<File> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(path -> path.toString().endsWith(".java")).map(Path::toFile).toList();
        }
        List<LogCall> calls = new ArrayList<>();
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(null, Locale.ROOT, null)) {
            JavacTask task = (JavacTask) compiler.getTask(null, fileManager, null,
                    List.of("-proc:none", "-classpath", System.getProperty("java.class.path")), null,
                    fileManager.getJavaFileObjectsFromFiles(files));
            Iterable<? extends CompilationUnitTree> units = task.parse();
            task.analyze();
            Trees trees = Trees.instance(task);
            Types types = task.getTypes();
            TypeMirror number = task.getElements().getTypeElement("java.lang.Number").asType();
            TypeMirror throwable = task.getElements().getTypeElement("java.lang.Throwable").asType();
            for (CompilationUnitTree unit : units) {
                new TreePathScanner<Void, Void>() {
                    @Override
                    public Void visitMethodInvocation(MethodInvocationTree invocation, Void unused) {
                        inspect(invocation);
                        return super.visitMethodInvocation(invocation, unused);
                    }

                    private void inspect(MethodInvocationTree invocation) {
                        Element method = trees.getElement(getCurrentPath());
                        if (!(method instanceof ExecutableElement executable) || !isLog(executable)
                                || invocation.getArguments().size() < 2) {
                            return;
                        }
                        ExpressionTree message = invocation.getArguments().get(1);
                        TypeMirror messageType = type(message);
                        if (messageType == null || !messageType.toString().equals("java.lang.String")) {
                            return;
                        }
                        List<TypeMirror> params = new ArrayList<>();
                        for (ExpressionTree argument : invocation.getArguments().subList(2,
                                invocation.getArguments().size())) {
                            params.add(type(argument));
                        }
                        if (params.size() == 1 && types.isAssignable(params.getFirst(), throwable)) {
                            params.clear(); // log(level, message, thrown): the message is not a pattern
                        }
                        long line = unit.getLineMap().getLineNumber(trees.getSourcePositions()
                                .getStartPosition(unit, invocation));
                        String where = SOURCES.toAbsolutePath().relativize(Path.of(unit.getSourceFile().toUri()))
                                + ":" + line;
                        Optional<String> pattern = constant(message);
                        if (pattern.isEmpty()) {
                            if (!params.isEmpty()) {
                                problems.add(where + ": the pattern of a call with arguments is not a constant");
                            }
                            return;
                        }
                        for (int i = 0; i < params.size(); i++) {
                            TypeMirror param = params.get(i);
                            if (isNumeric(param.getKind()) || types.isAssignable(param, number)) {
                                problems.add(where + ": argument {" + i + "} of \"" + pattern.get() + "\" has type "
                                        + param + ": MessageFormat groups its digits (1,500); pass a String such as "
                                        + "Long.toString(...)");
                            }
                        }
                        calls.add(new LogCall(where, pattern.get(), params));
                    }

                    private TypeMirror type(ExpressionTree expression) {
                        return trees.getTypeMirror(new TreePath(getCurrentPath(), expression));
                    }
                }.scan(unit, null);
            }
        }
        return calls;
    }

    private static boolean isLog(ExecutableElement method) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        String name = owner.getQualifiedName().toString();
        return method.getSimpleName().contentEquals("log")
                && (name.equals("java.lang.System.Logger") || name.equals("java.util.logging.Logger"));
    }

    private static boolean isNumeric(TypeKind kind) {
        return switch (kind) {
            case BYTE, SHORT, INT, LONG, FLOAT, DOUBLE -> true;
            default -> false;
        };
    }

    /** The value of a string literal or a concatenation of literals. */
    private static Optional<String> constant(ExpressionTree expression) {
        if (expression instanceof LiteralTree literal && literal.getValue() instanceof String text) {
            return Optional.of(text);
        }
        if (expression instanceof ParenthesizedTree parenthesized) {
            return constant(parenthesized.getExpression());
        }
        if (expression instanceof BinaryTree binary && binary.getKind() == Tree.Kind.PLUS) {
            Optional<String> left = constant(binary.getLeftOperand());
            Optional<String> right = constant(binary.getRightOperand());
            return left.isPresent() && right.isPresent() ? Optional.of(left.get() + right.get()) : Optional.empty();
        }
        return Optional.empty();
    }
}
