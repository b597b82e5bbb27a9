package dev.crowdemotion.deploy.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * No credentials in code, configuration or documentation: every file git tracks is scanned for
 * AWS access key ids, private keys, secret keys assigned in code or configuration; the only
 * credentials allowed are the documented dummy ones of the local stand-ins ({@code LocalAws},
 * docker-compose.yml, the tools' {@code "local"} fallback for emulator endpoints). And the code
 * that runs on AWS (job, connectors, vision, model server) builds no client with static
 * credentials: it takes the SDK's default provider chain (on MSF, the application's role).
 */
class CredentialsScanTest {
    /** An AWS access key id: AKIA (long-term) or ASIA (session) and 16 upper-case letters or digits. */
    static final Pattern ACCESS_KEY_ID = Pattern.compile("(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])");
    /** A PEM private key (RSA, EC, OpenSSH, PKCS#8, encrypted...). */
    static final Pattern PRIVATE_KEY = Pattern.compile("-{5}BEGIN ([A-Z0-9]+ )*PRIVATE KEY-{5}");
    /**
     * A secret-like value assigned to a secret-named field or key: {@code secret_access_key = ...},
     * {@code "aws.secretAccessKey": "..."}, {@code AWS_SECRET_ACCESS_KEY: ...},
     * {@code setProperty("aws.secretAccessKey", ...)}, {@code secretkey=...}, {@code password: ...}.
     */
    static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)(secret[_.-]?access[_.-]?key|secret[_.-]?key|aws[_.-]?session[_.-]?token|password|passwd)"
                    + "[\"']?\\s*(=|:|,)\\s*[\"']?([A-Za-z0-9/+=_.-]{6,})");
    /** A 40-character AWS secret access key: base64 alphabet with upper, lower case and digits. */
    static final Pattern SECRET_KEY_SHAPE = Pattern.compile(
            "(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9])"
                    + "[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])");
    /** The only values a secret-named key may take: the local dummies and code references to them. */
    static final Set<String> ALLOWED_SECRET_VALUES = Set.of(
            "local-stand-in-secret",          // the dummy secret of LocalAws and docker-compose.yml
            "LocalAws.SECRET_ACCESS_KEY",     // code passing the dummy on
            "SECRET_ACCESS_KEY");             // LocalAws' own constant name

    /** Modules whose code runs on AWS: no static credentials at all. */
    static final List<String> DEPLOYED_MODULES = List.of("job", "connectors", "vision", "model-server");
    /** Static-credential classes of the AWS SDK (v1 and v2). */
    static final Pattern STATIC_CREDENTIALS = Pattern.compile(
            "\\b(StaticCredentialsProvider|AwsBasicCredentials|AwsSessionCredentials|BasicAWSCredentials"
                    + "|BasicSessionCredentials|AWSStaticCredentialsProvider)\\b");
    /** How static credentials may be created outside the deployed modules: the documented dummies only. */
    static final Pattern ALLOWED_BASIC_CREDENTIALS = Pattern.compile(
            "AwsBasicCredentials\\.create\\((\"local\", \"local\"|ACCESS_KEY_ID, SECRET_ACCESS_KEY)\\)");

    @Test
    void noTrackedFileHoldsACredential() {
        List<String> findings = new ArrayList<>();
        List<Path> files = trackedTextFiles();
        for (Path file : files) {
            String text = read(file);
            String name = root().relativize(file).toString();
            find(ACCESS_KEY_ID, text, name, findings, m -> true);
            find(PRIVATE_KEY, text, name, findings, m -> true);
            find(SECRET_KEY_SHAPE, text, name, findings, m -> !isAllowedKeyShape(m.group()));
            find(SECRET_ASSIGNMENT, text, name, findings, m -> !ALLOWED_SECRET_VALUES.contains(m.group(3))
                    && !isCodeReference(m.group(3)));
            if (!name.endsWith(".java") && !name.endsWith(".md")) {
                find(Pattern.compile("(?i)aws_secret_access_key\\s*="), text, name, findings, m -> true);
            }
        }
        assertThat(files.size()).as("tracked text files scanned").isGreaterThan(300);
        assertThat(findings).as("credentials in tracked files").isEmpty();
    }

    @Test
    void deployedCodeTakesTheDefaultProviderChain() {
        List<String> findings = new ArrayList<>();
        for (Path file : trackedTextFiles()) {
            String name = root().relativize(file).toString();
            if (!name.endsWith(".java") || !name.contains("/src/main/")) {
                continue;
            }
            String code = read(file);
            if (DEPLOYED_MODULES.contains(name.substring(0, name.indexOf('/')))) {
                find(STATIC_CREDENTIALS, code, name, findings, m -> true);
            } else {
                // tools and local stack: dummy credentials for emulators only, never a real key
                find(Pattern.compile("AwsBasicCredentials\\.create\\([^)]*\\)"), code, name, findings,
                        m -> !ALLOWED_BASIC_CREDENTIALS.matcher(m.group()).matches());
                find(Pattern.compile("AwsSessionCredentials\\.create\\("), code, name, findings, m -> true);
            }
        }
        assertThat(findings).as("static credentials in main code").isEmpty();
    }

    @Test
    void thePatternsFindRealLookingCredentials() {
        // AWS's own documentation example values, split so this file does not hold them whole
        String keyId = "AKIA" + "IOSFODNN7EXAMPLE";
        String secret = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY";
        assertThat(ACCESS_KEY_ID.matcher("aws_access_key_id = " + keyId).find()).isTrue();
        assertThat(ACCESS_KEY_ID.matcher("ASIA" + "Y34FZKBOKMUTVV7A\n").find()).isTrue();
        assertThat(ACCESS_KEY_ID.matcher("LOCALSTANDINKEY").find()).isFalse();
        assertThat(SECRET_KEY_SHAPE.matcher("key: " + secret + "\n").find()).isTrue();
        assertThat(SECRET_KEY_SHAPE.matcher("commit 41b2b79e0c6b5a1f3a3e4d3f2c1b0a9f8e7d6c5b").find()).isFalse();
        Matcher m = SECRET_ASSIGNMENT.matcher("aws_secret_access_key = " + secret);
        assertThat(m.find()).isTrue();
        assertThat(m.group(3)).isEqualTo(secret);
        assertThat(SECRET_ASSIGNMENT.matcher("System.setProperty(\"aws.secretAccessKey\", \"hunter22\")").find())
                .isTrue();
        assertThat(PRIVATE_KEY.matcher("-----BEGIN " + "RSA PRIVATE KEY-----").find()).isTrue();
        assertThat(PRIVATE_KEY.matcher("-----BEGIN " + "OPENSSH PRIVATE KEY-----").find()).isTrue();
        assertThat(PRIVATE_KEY.matcher("-----BEGIN CERTIFICATE-----").find()).isFalse();
        assertThat(STATIC_CREDENTIALS.matcher(".credentialsProvider(StaticCredentialsProvider.create(x))").find())
                .isTrue();
        assertThat(ALLOWED_BASIC_CREDENTIALS.matcher("AwsBasicCredentials.create(\"AKIA\", \"s3cr3t\")").matches())
                .isFalse();
    }

    /** A value that names a constant or variable (code passing a value on), not a literal secret. */
    private static boolean isCodeReference(String value) {
        return value.matches("[A-Z][A-Z0-9_]*(\\.[A-Z][A-Z0-9_]*)?") && !value.matches(".*\\d.*")
                || value.matches("[a-z][A-Za-z]*(\\.[A-Za-z]+)*\\(?") && value.length() < 40
                        && !value.matches(".*\\d.*");
    }

    /** 40-character tokens that are not keys: Java identifiers/paths spelled in CamelCase without '/' or '+'. */
    private static boolean isAllowedKeyShape(String token) {
        return !token.contains("/") && !token.contains("+") && token.matches("[A-Za-z]+[0-9]*[A-Za-z0-9]*")
                && token.chars().filter(Character::isDigit).count() <= 2;
    }

    private static void find(Pattern p, String text, String file, List<String> findings,
                             java.util.function.Predicate<Matcher> offending) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            if (offending.test(m)) {
                int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                findings.add(file + ":" + line + ": " + m.group());
            }
        }
    }

    private static List<Path> trackedTextFiles() {
        try {
            Process git = new ProcessBuilder("git", "ls-files", "-z").directory(root().toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(git.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(git.exitValue()).as("git ls-files").isZero();
            return List.of(out.split("\0")).stream().filter(s -> !s.isEmpty()).map(root()::resolve)
                    .filter(Files::isRegularFile).filter(CredentialsScanTest::isText).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Text: under 8 MB and no NUL byte in its first 8 KB (photos, models and jars are skipped). */
    private static boolean isText(Path file) {
        try {
            if (Files.size(file) > 8 << 20) {
                return false;
            }
            byte[] head = new byte[8192];
            int n;
            try (var in = Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, head.length);
            }
            for (int i = 0; i < n; i++) {
                if (head[i] == 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docker-compose.yml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}
