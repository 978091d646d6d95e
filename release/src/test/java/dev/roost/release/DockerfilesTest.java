package dev.roost.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image recipes, checked where no builder runs: what the classic builder, BuildKit and buildah
 * all accept (no BuildKit-only syntax), fully qualified bases (podman refuses short names), a
 * non-root user, an exec-form entrypoint with the container JVM options, and a build context
 * (.dockerignore) that holds exactly what the COPY lines take from a finished Maven build.
 * release/smoke.sh builds and runs them.
 */
class DockerfilesTest {

    private static final Pattern FULLY_QUALIFIED =
            Pattern.compile("([a-z0-9-]+\\.)+[a-z0-9-]+(:\\d+)?/[^\\s:]+:[^\\s]+");

    /** One instruction: its keyword and its arguments, continuation lines joined, comments dropped. */
    record Instruction(String keyword, String arguments) {
    }

    static List<Instruction> parse(String dockerfile) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString().strip();
            current.setLength(0);
            if (!text.isEmpty()) {
                int space = text.indexOf(' ');
                String keyword = text.substring(0, space).toUpperCase();
                instructions.add(new Instruction(keyword, text.substring(space + 1).strip()));
            }
        }
        return instructions;
    }

    private static List<Instruction> instructions(String path) {
        return parse(RepositoryFiles.read(path));
    }

    private static List<String> all(List<Instruction> instructions, String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    private static Optional<String> last(List<Instruction> instructions, String keyword) {
        List<String> found = all(instructions, keyword);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getLast());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "edge/Dockerfile"})
    void base_isABuildArgument_withAFullyQualifiedDefault(String path) {
        List<Instruction> instructions = instructions(path);
        assertThat(instructions.getFirst().keyword()).as("ARG before FROM").isEqualTo("ARG");
        String arg = instructions.getFirst().arguments();
        assertThat(arg).startsWith("BASE_IMAGE=");
        assertThat(arg.substring("BASE_IMAGE=".length())).matches(FULLY_QUALIFIED);
        assertThat(all(instructions, "FROM")).containsExactly("${BASE_IMAGE}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "edge/Dockerfile"})
    void recipe_usesNoBuildKitOnlySyntax(String path) {
        String text = RepositoryFiles.read(path);
        assertThat(text).doesNotContainPattern("(?m)^#\\s*syntax=");
        for (Instruction instruction : instructions(path)) {
            assertThat(instruction.arguments()).as(instruction.toString())
                    .doesNotContain("--mount=").doesNotContain("--link").doesNotContain("--chmod")
                    .doesNotContain("--network=").doesNotContain("--security=").doesNotContain("<<");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "edge/Dockerfile"})
    void process_runsAsANonRootUser_fromAnExecFormJavaEntrypoint(String path) {
        List<Instruction> instructions = instructions(path);
        assertThat(last(instructions, "USER")).hasValueSatisfying(user -> {
            assertThat(user).matches("\\d+:\\d+");
            assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
        });
        String entrypoint = last(instructions, "ENTRYPOINT").orElseThrow();
        assertThat(entrypoint).startsWith("[\"java\",").endsWith("]")
                .contains("\"-XX:MaxRAMPercentage=75\"", "\"-XX:+ExitOnOutOfMemoryError\"", "\"-jar\"");
        assertThat(all(instructions, "CMD")).isEmpty();
    }

    @Test
    void server_hasAHealthcheck_theDataVolume_andItsPort() {
        List<Instruction> instructions = instructions("Dockerfile");
        assertThat(last(instructions, "HEALTHCHECK")).hasValueSatisfying(check -> assertThat(check)
                .contains("--start-period=").contains("CMD curl -fsS").contains("/observe/health")
                .contains("${SERVER_PORT:-9090}"));
        assertThat(all(instructions, "VOLUME")).containsExactly("/data");
        assertThat(all(instructions, "EXPOSE")).containsExactly("9090");
        assertThat(all(instructions, "ENV")).anySatisfy(env ->
                assertThat(env).startsWith("ROOST_DB_URL=\"jdbc:h2:file:/data/"));
        assertThat(last(instructions, "ENTRYPOINT").orElseThrow()).endsWith("\"/app/roost-server.jar\"]");
    }

    @Test
    void edge_keepsItsStateDirectoryOnAVolume() {
        List<Instruction> instructions = instructions("edge/Dockerfile");
        assertThat(all(instructions, "VOLUME")).containsExactly("/var/lib/roost-edge");
        assertThat(all(instructions, "ENV")).contains("ROOST_EDGE_STATE_DIR=/var/lib/roost-edge");
        assertThat(last(instructions, "ENTRYPOINT").orElseThrow()).endsWith("\"/app/roost-edge.jar\"]");
    }

    @Test
    void buildContext_holdsWhatTheCopyLinesTake_andTheMavenBuildMakesIt() {
        List<String> included = RepositoryFiles.read(".dockerignore").lines()
                .filter(line -> line.startsWith("!")).map(line -> line.substring(1)).toList();
        List<String> sources = new ArrayList<>();
        for (String path : List.of("Dockerfile", "edge/Dockerfile")) {
            for (String copy : all(instructions(path), "COPY")) {
                assertThat(copy).as("COPY takes from the context only").doesNotStartWith("--from");
                sources.add(copy.split("\\s+")[0]);
            }
        }
        assertThat(sources).containsExactlyInAnyOrderElementsOf(included)
                .contains("server/target/roost-server.jar", "edge/target/roost-edge.jar");
        assertThat(RepositoryFiles.read("server/pom.xml")).contains("<finalName>roost-server</finalName>");
        assertThat(RepositoryFiles.read("edge/pom.xml")).contains("<finalName>roost-edge</finalName>");
        assertThat(RepositoryFiles.read(".dockerignore").lines().filter(l -> !l.startsWith("#")).findFirst())
                .as("everything else is left out").hasValue("*");
    }
}
