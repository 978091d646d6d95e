package dev.roost.server.architecture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package rules of docs/architecture.md ("Packages"), checked on the server's sources: what
 * each package may import, and no cycles between packages.
 */
class ImportRulesTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/roost/server");
    private static final String ROOT = "dev.roost.server.";
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);
    /** A fully qualified use of a server class in code (an import does the same with a simple name). */
    private static final Pattern QUALIFIED = Pattern.compile("\\b(dev\\.roost\\.server(?:\\.[a-z]\\w*)+)\\.[A-Z]");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

    /** The features and their plumbing: no transport, adapter or wiring types. */
    private static final Set<String> DOMAIN = Set.of("common", "config", "error", "device", "group", "command",
            "status", "event", "security", "storage");
    /** What no domain package may import. */
    private static final List<String> TRANSPORT = List.of(ROOT + "northbound", ROOT + "southbound",
            ROOT + "transport", ROOT + "connection", ROOT + "observe", ROOT + "cluster", ROOT + "legacyimport",
            "dev.roost.proto.v1", "io.grpc", "io.helidon.webserver", "io.helidon.http", "io.helidon.websocket",
            "io.nats");

    /** Classes by package (relative to dev.roost.server), each with the packages it imports. */
    private static final Map<String, List<Source>> PACKAGES = new TreeMap<>();

    private record Source(Path file, Set<String> imports) {
    }

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                String text;
                try {
                    text = Files.readString(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Matcher pkg = PACKAGE.matcher(text);
                String name = pkg.find() ? pkg.group(1) : "";
                Set<String> imports = new HashSet<>();
                for (Matcher m = IMPORT.matcher(text); m.find(); ) {
                    imports.add(m.group(1));
                }
                // Javadoc links name classes without depending on them.
                String code = text.replaceAll("(?s)/\\*.*?\\*/", "");
                for (Matcher m = QUALIFIED.matcher(code); m.find(); ) {
                    imports.add(m.group(1));
                }
                PACKAGES.computeIfAbsent(name.equals("dev.roost.server") ? "" : name.substring(ROOT.length()),
                        k -> new ArrayList<>()).add(new Source(file, imports));
            });
        }
        assertThat(PACKAGES).as("the server's sources were found").containsKeys("device", "southbound");
    }

    private static List<String> violations(String pkg, List<String> forbidden, Set<String> except) {
        List<String> found = new ArrayList<>();
        for (Source source : PACKAGES.getOrDefault(pkg, List.of())) {
            for (String imported : source.imports()) {
                if (forbidden.stream().anyMatch(f -> imported.equals(f) || imported.startsWith(f + "."))
                        && except.stream().noneMatch(e -> imported.equals(e) || imported.startsWith(e + "."))) {
                    found.add(source.file().getFileName() + " imports " + imported);
                }
            }
        }
        return found;
    }

    @Test
    void domainPackages_importNoTransportAdapterOrWiring() {
        List<String> found = new ArrayList<>();
        for (String pkg : DOMAIN) {
            // ErrorCode carries each code's gRPC status: the one table every adapter maps from.
            found.addAll(violations(pkg, TRANSPORT, pkg.equals("error") ? Set.of("io.grpc") : Set.of()));
        }
        assertThat(found).isEmpty();
    }

    @Test
    void common_importsNoFeature() {
        List<String> features = List.of(ROOT + "device", ROOT + "group", ROOT + "command", ROOT + "status",
                ROOT + "event", ROOT + "security", ROOT + "storage");
        assertThat(violations("common", features, Set.of())).isEmpty();
    }

    @Test
    void southbound_knowsNothingOfRestOrGrpc() {
        assertThat(violations("southbound", List.of(ROOT + "northbound", "dev.roost.proto.v1", "io.grpc"),
                Set.of())).isEmpty();
    }

    @Test
    void northboundAdapters_neverCallEachOther() {
        List<String> adapters = List.of("northbound.rest", "northbound.grpc", "northbound.legacy");
        List<String> found = new ArrayList<>();
        for (String adapter : adapters) {
            found.addAll(violations(adapter, adapters.stream().filter(a -> !a.equals(adapter)).map(a -> ROOT + a)
                    .toList(), Set.of()));
        }
        assertThat(found).isEmpty();
    }

    @Test
    void everyPackage_saysWhatItDoesInPackageInfo() {
        List<String> missing = PACKAGES.entrySet().stream()
                .filter(e -> e.getValue().stream().noneMatch(s -> s.file().getFileName().toString()
                        .equals("package-info.java")))
                .map(Map.Entry::getKey).toList();
        assertThat(missing).isEmpty();
    }

    /** Packages form no cycle: event knows no feature that produces events, common no feature at all. */
    @Test
    void packages_formNoCycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        PACKAGES.forEach((pkg, sources) -> {
            Set<String> targets = new TreeSet<>();
            for (Source source : sources) {
                for (String imported : source.imports()) {
                    if (imported.startsWith(ROOT)) {
                        String target = imported.substring(ROOT.length());
                        // Imports of classes nested in a type name the type's package.
                        while (!PACKAGES.containsKey(target) && target.contains(".")) {
                            target = target.substring(0, target.lastIndexOf('.'));
                        }
                        if (PACKAGES.containsKey(target) && !target.equals(pkg)) {
                            targets.add(target);
                        }
                    }
                }
            }
            graph.put(pkg, targets);
        });
        Set<String> mutual = new TreeSet<>();
        for (String from : graph.keySet()) {
            for (String to : graph.get(from)) {
                if (reaches(graph, to, from)) {
                    mutual.add(from.compareTo(to) < 0 ? from + " <-> " + to : to + " <-> " + from);
                }
            }
        }
        assertThat(mutual).isEmpty();
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String to) {
        Set<String> seen = new HashSet<>();
        List<String> next = new ArrayList<>(List.of(from));
        while (!next.isEmpty()) {
            String at = next.removeLast();
            if (at.equals(to)) {
                return true;
            }
            if (seen.add(at)) {
                next.addAll(graph.getOrDefault(at, Set.of()));
            }
        }
        return false;
    }
}
