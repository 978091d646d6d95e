package dev.roost.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/compose.yaml against the essentials of the Compose specification, since no engine runs
 * `docker compose config` here: known top-level and service keys, an image or build per service,
 * environment as a map of scalars, health checks in the spec's form with its duration syntax,
 * dependencies on declared (and, for service_healthy, health-checked) services, named volumes
 * declared at the top level, valid profile names and interpolation; then what Roost needs of it.
 */
class ComposeFileTest {

    // From the Compose specification (compose-spec.json): the keys this file may use.
    private static final Set<String> TOP_LEVEL_KEYS =
            Set.of("version", "name", "include", "services", "networks", "volumes", "configs", "secrets");
    private static final Set<String> SERVICE_KEYS = Set.of("image", "build", "command", "entrypoint",
            "environment", "env_file", "ports", "expose", "volumes", "depends_on", "healthcheck", "profiles",
            "restart", "stop_grace_period", "stop_signal", "user", "working_dir", "networks", "labels",
            "deploy", "logging", "secrets", "configs", "ulimits", "mem_limit", "cpus", "read_only",
            "tmpfs", "container_name", "hostname", "init", "extra_hosts", "cap_drop", "cap_add",
            "security_opt", "pull_policy");
    private static final Set<String> HEALTHCHECK_KEYS =
            Set.of("test", "interval", "timeout", "retries", "start_period", "start_interval", "disable");
    private static final Set<String> CONDITIONS =
            Set.of("service_started", "service_healthy", "service_completed_successfully");
    private static final Set<String> RESTART_POLICIES = Set.of("no", "always", "on-failure", "unless-stopped");
    private static final Pattern DURATION = Pattern.compile("(\\d+(\\.\\d+)?(us|ms|s|m|h))+");
    private static final Pattern PROFILE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    private static final Pattern PORT = Pattern.compile("(\\$\\{[A-Z_][A-Z0-9_]*(:-\\d+)?}|\\d+):\\d+(/(tcp|udp))?");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*((:?[-?+])[^}]*)?");
    private static final Pattern FULLY_QUALIFIED = Pattern.compile("[a-z0-9.-]+\\.[a-z]+(:\\d+)?/.+:.+");

    private static String text;
    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void load() {
        text = RepositoryFiles.read("deploy/compose.yaml");
        compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        services = map(compose.get("services"));
    }

    @Test
    void topLevel_usesOnlySpecKeys_andNamesTheProject() {
        assertThat(compose.keySet()).isSubsetOf(TOP_LEVEL_KEYS);
        assertThat(compose.get("name")).isEqualTo("roost");
        assertThat(services).containsOnlyKeys("server", "server-2", "mariadb", "nats");
    }

    @Test
    void everyService_usesOnlySpecKeys_andHasAnImageOrBuild() {
        services.forEach((name, service) -> {
            assertThat(service.keySet()).as(name).isSubsetOf(SERVICE_KEYS);
            assertThat(service).as(name + " needs image or build").containsAnyOf(
                    Map.entry("image", service.getOrDefault("image", "")),
                    Map.entry("build", service.getOrDefault("build", "")));
            assertThat(service.get("image")).as(name + ".image").isInstanceOf(String.class);
            if (service.containsKey("restart")) {
                assertThat(RESTART_POLICIES).as(name + ".restart").contains((String) service.get("restart"));
            }
        });
    }

    @Test
    void publicImages_areFullyQualified() {
        // podman and buildah refuse unqualified short names; Docker resolves both.
        for (String name : List.of("mariadb", "nats")) {
            assertThat((String) services.get(name).get("image")).as(name).matches(FULLY_QUALIFIED);
        }
    }

    @Test
    void environment_isAMapOfScalars() {
        services.forEach((name, service) -> {
            if (service.containsKey("environment")) {
                map(service.get("environment")).forEach((key, value) -> {
                    assertThat(key).as(name).matches("[A-Za-z_][A-Za-z0-9_]*");
                    assertThat(value).as(name + "." + key).isInstanceOfAny(String.class, Number.class, Boolean.class);
                });
            }
        });
    }

    @Test
    void healthchecks_haveTheSpecShape() {
        services.forEach((name, service) -> {
            Map<String, Object> check = map(service.get("healthcheck"));
            assertThat(check).as(name + " has a healthcheck").isNotEmpty();
            assertThat(check.keySet()).as(name).isSubsetOf(HEALTHCHECK_KEYS);
            List<?> test = (List<?>) check.get("test");
            assertThat(test.getFirst()).as(name + ".healthcheck.test[0]").isIn("CMD", "CMD-SHELL");
            assertThat(test).as(name).hasSizeGreaterThan(1);
            for (String key : List.of("interval", "timeout", "start_period")) {
                if (check.containsKey(key)) {
                    assertThat((String) check.get(key)).as(name + "." + key).matches(DURATION);
                }
            }
            assertThat(check.get("retries")).as(name + ".retries").isInstanceOf(Integer.class);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void dependencies_nameDeclaredServices_andHealthyOnesHaveAHealthcheck() {
        services.forEach((name, service) -> map(service.get("depends_on")).forEach((dependency, spec) -> {
            assertThat(services).as(name + " depends on").containsKey(dependency);
            String condition = (String) map(spec).get("condition");
            assertThat(CONDITIONS).as(name + " -> " + dependency).contains(condition);
            if (condition.equals("service_healthy")) {
                assertThat(services.get(dependency)).as(dependency).containsKey("healthcheck");
            }
            // A service may depend on one in a profile only if it is in that profile itself.
            List<Object> dependencyProfiles = (List<Object>) services.get(dependency).getOrDefault("profiles",
                    List.of());
            List<Object> ownProfiles = (List<Object>) service.getOrDefault("profiles", List.of());
            assertThat(ownProfiles).as(name + " is in every profile of " + dependency)
                    .containsAll(dependencyProfiles);
        }));
    }

    @Test
    void namedVolumes_areDeclaredAtTheTopLevel() {
        Set<String> declared = map(compose.get("volumes")).keySet();
        services.forEach((name, service) -> {
            for (Object mount : (List<?>) service.getOrDefault("volumes", List.of())) {
                String source = ((String) mount).split(":")[0];
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    assertThat(declared).as(name + " mounts " + mount).contains(source);
                }
            }
        });
    }

    @Test
    void ports_andProfiles_areWellFormed() {
        services.forEach((name, service) -> {
            for (Object port : (List<?>) service.getOrDefault("ports", List.of())) {
                assertThat((String) port).as(name + " port").matches(PORT);
            }
            for (Object profile : (List<?>) service.getOrDefault("profiles", List.of())) {
                assertThat((String) profile).as(name + " profile").matches(PROFILE);
            }
        });
    }

    @Test
    void interpolations_areWellFormed() {
        Matcher matcher = INTERPOLATION.matcher(text);
        int count = 0;
        while (matcher.find()) {
            assertThat(matcher.group(1)).as(matcher.group()).matches(VARIABLE);
            count++;
        }
        assertThat(count).isGreaterThan(0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void server_runsTheReleasedImage_onMariaDb() {
        Map<String, Object> server = services.get("server");
        assertThat((String) server.get("image")).endsWith("/roost-server:${ROOST_TAG:-latest}")
                .startsWith("${ROOST_REGISTRY:?");
        Map<String, Object> build = map(server.get("build"));
        assertThat(RepositoryFiles.path("deploy").resolve((String) build.get("context"))
                .resolve((String) build.get("dockerfile")).normalize()).isEqualTo(RepositoryFiles.path("Dockerfile"));
        Map<String, Object> env = map(server.get("environment"));
        assertThat((String) env.get("ROOST_DB_URL")).isEqualTo("jdbc:mariadb://mariadb:3306/roost");
        Map<String, Object> mariadb = map(services.get("mariadb").get("environment"));
        assertThat(env.get("ROOST_DB_USERNAME")).isEqualTo(mariadb.get("MARIADB_USER"));
        assertThat(env.get("ROOST_DB_PASSWORD")).isEqualTo(mariadb.get("MARIADB_PASSWORD"))
                .asString().startsWith("${ROOST_DB_PASSWORD:?");
        assertThat(map(server.get("depends_on"))).containsOnlyKeys("mariadb");
        assertThat(server).doesNotContainKey("profiles");
        assertThat((List<Object>) server.get("ports")).containsExactly("${ROOST_PORT:-9090}:9090");
    }

    @Test
    @SuppressWarnings("unchecked")
    void nats_andTheSecondNode_areOnlyInTheClusterProfile_andTheSecondNodeJoinsThroughNats() {
        assertThat((List<Object>) services.get("nats").get("profiles")).containsExactly("cluster");
        assertThat((List<Object>) services.get("server-2").get("profiles")).containsExactly("cluster");
        assertThat(services.get("mariadb")).doesNotContainKey("profiles");
        assertThat(map(services.get("server").get("environment")).get("ROOST_CLUSTER_NATS_URL"))
                .as("empty unless set: a single server by default").isEqualTo("${ROOST_CLUSTER_NATS_URL:-}");
        assertThat(map(services.get("server-2").get("environment")).get("ROOST_CLUSTER_NATS_URL"))
                .isEqualTo("nats://nats:4222");
        assertThat(map(services.get("server-2").get("depends_on"))).containsOnlyKeys("mariadb", "nats");
    }

    @SuppressWarnings("unchecked")
    private static <T> Map<String, T> map(Object value) {
        return value == null ? Map.of() : (Map<String, T>) value;
    }
}
