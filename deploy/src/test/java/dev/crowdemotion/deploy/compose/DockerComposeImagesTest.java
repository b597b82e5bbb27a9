package dev.crowdemotion.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crowdemotion.deploy.compose.Dockerfile.Copy;
import dev.crowdemotion.deploy.compose.Dockerfile.Instruction;
import dev.crowdemotion.deploy.compose.Dockerfile.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Which images docker-compose runs and builds: every one pinned, at the versions the project
 * tests against, and every build (context, Dockerfile, stage, copied files) resolvable in this
 * repository.
 */
class DockerComposeImagesTest {
    private static final ComposeFile COMPOSE = Repo.COMPOSE;
    /** {@code [registry/]repository[:tag]}, the tag after the last slash. */
    private static final Pattern IMAGE = Pattern.compile("^(?<repo>[^:@]+(?::\\d+/[^:@]+)?)(?::(?<tag>[^:@/]+))?(?:@.+)?$");

    @Test
    void everyImageIsPinnedToAVersion() {
        List<String> images = new ArrayList<>();
        for (String s : COMPOSE.services()) {
            assertThat(COMPOSE.image(s).isPresent() || !COMPOSE.service(s).path("build").isMissingNode())
                    .as("service %s has an image or a build", s).isTrue();
            COMPOSE.image(s).ifPresent(images::add);
        }
        for (Path dockerfile : dockerfiles()) {
            Dockerfile df = Dockerfile.read(dockerfile);
            for (Stage stage : df.stages()) {
                if (!df.namesBefore(stage).contains(stage.from())) {
                    images.add(stage.from());
                }
            }
        }
        assertThat(images).isNotEmpty().allSatisfy(image -> {
            String tag = tag(image);
            assertThat(tag).as("tag of %s", image).isNotNull().isNotEqualTo("latest").containsPattern("\\d");
        });
    }

    @Test
    void flinkImagesAreTheProjectsFlinkVersion() {
        String flink = Repo.parentProperty("flink.version");
        assertThat(flink).startsWith("1.20.");
        List<String> flinkImages = new ArrayList<>();
        for (String s : COMPOSE.services()) {
            COMPOSE.image(s).filter(i -> repository(i).equals("flink")).ifPresent(flinkImages::add);
        }
        for (Path dockerfile : dockerfiles()) {
            Dockerfile.read(dockerfile).stages().stream().map(Stage::from)
                    .filter(i -> repository(i).equals("flink")).forEach(flinkImages::add);
        }
        // the JobManager, the TaskManager, the checkpoint-dir init and the job-submit image's base
        assertThat(flinkImages).hasSizeGreaterThanOrEqualTo(4)
                // official tag format: <version>-scala_<scala>-java<java> (apache/flink-docker release.metadata)
                .allSatisfy(i -> assertThat(tag(i)).isEqualTo(flink + "-scala_2.12-java17"));
    }

    @Test
    void dynamoDbLocalIsTheVersionTheTestsUse() {
        assertThat(imageOf("amazon/dynamodb-local")).isEqualTo("amazon/dynamodb-local:" + Repo.parentProperty("dynamodb.local.version"));
    }

    @Test
    void kinesisMockIsTheVersionNpmKinesisLocalWraps() {
        // kinesis-mock publishes the npm package kinesis-local and the image from the same release tag
        assertThat(imageOf("ghcr.io/etspaceman/kinesis-mock"))
                .isEqualTo("ghcr.io/etspaceman/kinesis-mock:" + Repo.npmLockedVersion("local-stack", "kinesis-local"));
    }

    @Test
    void ownImagesCarryTheProjectVersion() {
        for (String s : COMPOSE.services()) {
            if (!COMPOSE.service(s).path("build").isMissingNode()) {
                assertThat(COMPOSE.image(s)).as("image of built service %s", s).isPresent();
                assertThat(tag(COMPOSE.image(s).get())).as(s).isEqualTo(Repo.projectVersion());
            }
        }
    }

    @Test
    void everyBuildResolvesToAStageOfAnExistingDockerfile() {
        int builds = 0;
        for (String s : COMPOSE.services()) {
            var build = COMPOSE.service(s).path("build");
            if (build.isMissingNode()) {
                continue;
            }
            builds++;
            Path context = COMPOSE.dir().resolve(build.path("context").asText(".")).normalize();
            assertThat(context).as("context of %s", s).isDirectory();
            Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile"));
            assertThat(dockerfile).as("Dockerfile of %s", s).isRegularFile();
            if (build.has("target")) {
                assertThat(Dockerfile.read(dockerfile).stage(build.path("target").asText()))
                        .as("stage %s in %s", build.path("target").asText(), dockerfile).isPresent();
            }
        }
        assertThat(builds).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyCopiedFileExistsInTheContextOrIsMadeByTheStageItComesFrom() {
        for (Path dockerfile : dockerfiles()) {
            Dockerfile df = Dockerfile.read(dockerfile);
            for (Stage stage : df.stages()) {
                for (Instruction i : stage.all("COPY")) {
                    Copy copy = Dockerfile.copy(i);
                    assertThat(copy.sources()).as(i.args()).isNotEmpty();
                    if (copy.from() == null) {
                        for (String src : copy.sources()) {
                            assertThat(Repo.ROOT.resolve(src)).as("COPY source %s", src).exists();
                            assertThat(Repo.dockerIgnored(src)).as("COPY source %s is in .dockerignore", src).isFalse();
                        }
                        continue;
                    }
                    assertThat(df.namesBefore(stage)).as("COPY --from=%s names an earlier stage", copy.from())
                            .contains(copy.from());
                    String runs = String.join("\n", df.stage(copy.from()).orElseThrow().all("RUN").stream()
                            .map(Instruction::args).toList());
                    for (String src : copy.sources()) {
                        String path = src.replaceAll("/$", "");
                        assertThat(runs).as("stage %s makes %s", copy.from(), src).contains(path);
                    }
                }
            }
        }
    }

    @Test
    void theBuildContextKeepsEveryModuleAndDropsBuildOutput() throws IOException {
        List<String> ignore = Files.readAllLines(Repo.ROOT.resolve(".dockerignore"));
        assertThat(ignore).contains("**/target/", "**/node_modules/", ".git");
        assertThat(Repo.dockerIgnored("job/target/job-1.jar")).isTrue();
        assertThat(Repo.dockerIgnored("local-stack/node_modules/kinesis-local/main.js")).isTrue();
        // Maven reads every module's pom of the parent's <modules>, even for -pl builds
        assertThat(Repo.dockerIgnored("pom.xml")).isFalse();
        for (String module : Repo.modules()) {
            assertThat(Repo.dockerIgnored(module + "/pom.xml")).as(module + "/pom.xml").isFalse();
            assertThat(Repo.dockerIgnored(module + "/src/main/java/X.java")).as(module + " sources").isFalse();
        }
    }

    @Test
    void theBuildMakesTheJobsShadedJarAndSkipsOnlyExistingNpmProfiles() {
        Dockerfile df = Dockerfile.read(Repo.ROOT.resolve("docker/Dockerfile"));
        String run = String.join("\n", df.stage("build").orElseThrow().all("RUN").stream().map(Instruction::args).toList());
        // the job's uber jar: maven-shade's attached artifact, with the classifier job/pom.xml gives it
        String classifier = Repo.pomTexts("job", "shadedClassifierName").get(0);
        assertThat(run).contains("job/target/job-*-" + classifier + ".jar");
        // every profile switched off with -P '!id' is a profile of some module (else Maven only warns)
        Matcher p = Pattern.compile("-P\\s+'?([^'\\s]+)'?").matcher(run);
        assertThat(p.find()).as("-P in %s", run).isTrue();
        List<String> profileIds = new ArrayList<>();
        for (String module : Repo.modules()) {
            profileIds.addAll(Repo.pomTexts(module, "id"));
        }
        for (String off : p.group(1).split(",")) {
            assertThat(off).startsWith("!");
            assertThat(profileIds).as("profile %s", off).contains(off.substring(1));
        }
        assertThat(Repo.pomTexts("local-stack", "executable")).contains("npm");
        assertThat(run).contains("-DskipTests");
    }

    private static List<Path> dockerfiles() {
        List<Path> files = new ArrayList<>();
        for (String s : COMPOSE.services()) {
            var build = COMPOSE.service(s).path("build");
            if (!build.isMissingNode()) {
                Path f = COMPOSE.dir().resolve(build.path("context").asText(".")).resolve(build.path("dockerfile").asText("Dockerfile"))
                        .normalize();
                if (!files.contains(f)) {
                    files.add(f);
                }
            }
        }
        assertThat(files).isNotEmpty();
        return files;
    }

    private static String imageOf(String repository) {
        List<String> matches = new ArrayList<>();
        for (String s : COMPOSE.services()) {
            COMPOSE.image(s).filter(i -> repository(i).equals(repository)).ifPresent(matches::add);
        }
        assertThat(matches).as("services running %s", repository).hasSize(1);
        return matches.get(0);
    }

    static String repository(String image) {
        Matcher m = IMAGE.matcher(image);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an image reference: " + image);
        }
        return m.group("repo");
    }

    static String tag(String image) {
        Matcher m = IMAGE.matcher(image);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an image reference: " + image);
        }
        return m.group("tag");
    }
}
