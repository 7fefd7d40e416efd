package dev.smslogin.docs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ConfiguredProvider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README is the first screen; the depth is in docs/, one page per subject in English ({@code x.md}) and
 * Simplified Chinese ({@code x.zh-CN.md}). Checks what a reader would trip over: a link to nothing, a page missing in
 * one language or not reachable from the README, and an option, setting or provider id of the jar that no page names.
 */
@DisplayName("README and docs/")
class DocsTest {

    static final String CHINESE = ".zh-CN.md";
    /** A Markdown link or image: {@code [text](target)} or {@code ![alt](target)}. */
    static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    static final Pattern HEADING = Pattern.compile("^(#{1,6}) (.+)$");
    static final Pattern CODE_SPAN = Pattern.compile("`([^`\n]+)`");

    static Path root;
    /** Every Markdown file a reader reaches: the READMEs, CHANGELOG.md, SECURITY.md and docs/*.md. */
    static Map<Path, String> markdown = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws IOException {
        root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        for (String name : List.of("README.md", "README.zh-CN.md", "CHANGELOG.md", "SECURITY.md")) {
            markdown.put(root.resolve(name), Files.readString(root.resolve(name)));
        }
        for (Path page : docsPages()) {
            markdown.put(page, Files.readString(page));
        }
    }

    @Test
    @DisplayName("every relative link leads to a file of the repository, and every #anchor to a heading of that file")
    void linksLeadSomewhere() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Map.Entry<Path, String> file : markdown.entrySet()) {
            Matcher link = LINK.matcher(outsideCodeBlocks(file.getValue()));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("(?i)(https?|mailto):.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path resolved = path.isEmpty() ? file.getKey() : file.getKey().getParent().resolve(path).normalize();
                String where = root.relativize(file.getKey()) + ": " + target;
                if (!resolved.startsWith(root) || !Files.exists(resolved)) {
                    broken.add(where + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(Files.readString(resolved)).contains(target.substring(hash + 1))) {
                    broken.add(where + " (no such heading)");
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    @DisplayName("every docs page is there in English and in Simplified Chinese, one click from the README of its language")
    void everyPageInBothLanguagesOneClickFromTheReadme() throws IOException {
        Set<String> english = new TreeSet<>();
        Set<String> chinese = new TreeSet<>();
        for (Path page : docsPages()) {
            String name = page.getFileName().toString();
            if (name.endsWith(CHINESE)) {
                chinese.add(name.substring(0, name.length() - CHINESE.length()));
            } else {
                english.add(name.substring(0, name.length() - ".md".length()));
            }
        }
        assertThat(english).as("the docs pages").contains("install", "settings", "phone-numbers", "operations",
                "security", "development");
        assertThat(chinese).as("pages in Simplified Chinese").isEqualTo(english);
        Set<String> fromReadme = linkTargets(root.resolve("README.md"));
        Set<String> fromChineseReadme = linkTargets(root.resolve("README.zh-CN.md"));
        for (String subject : english) {
            assertThat(fromReadme).as("README.md links docs/" + subject + ".md").contains("docs/" + subject + ".md");
            assertThat(fromChineseReadme).as("README.zh-CN.md links docs/" + subject + CHINESE)
                    .contains("docs/" + subject + CHINESE);
        }
    }

    @Test
    @DisplayName("every SPI, provider id, server option and flow setting of the jar is named in English and in Simplified Chinese")
    void everyOptionIsNamed() throws Exception {
        Set<String> names = surfaceNames();
        assertThat(names).as("names read from the jar's services")
                .contains("sms-login", "sms-otp", "sms-reset-credentials", "sms-login-direct-grant",
                        "verify-phone-number", "sms-login-phone-number", "codeLength", "url", "access-key-secret");
        Set<String> englishSpans = new HashSet<>();
        Set<String> chineseSpans = new HashSet<>();
        for (Map.Entry<Path, String> file : markdown.entrySet()) {
            String name = file.getKey().getFileName().toString();
            if (name.equals("CHANGELOG.md") || name.equals("SECURITY.md")) {
                continue;
            }
            (name.endsWith(CHINESE) ? chineseSpans : englishSpans).addAll(codeSpans(file.getValue()));
        }
        assertThat(names).as("named as `code` in README.md or docs/*.md").allSatisfy(name ->
                assertThat(englishSpans).as(name).contains(name));
        assertThat(names).as("named as `code` in README.zh-CN.md or docs/*.zh-CN.md").allSatisfy(name ->
                assertThat(chineseSpans).as(name).contains(name));
    }

    static List<Path> docsPages() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("docs"))) {
            return files.filter(path -> path.toString().endsWith(".md")).sorted().toList();
        }
    }

    /** What a reader types into a server option or a flow's settings: every SPI, provider and option of the jar. */
    static Set<String> surfaceNames() throws Exception {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> services = Files.list(root.resolve("src/main/resources/META-INF/services"))) {
            for (Path service : services.toList()) {
                for (String line : Files.readAllLines(service)) {
                    String className = line.replaceAll("#.*", "").trim();
                    if (className.isEmpty()) {
                        continue;
                    }
                    Object provider = Class.forName(className).getDeclaredConstructor().newInstance();
                    if (provider instanceof Spi spi) {
                        names.add(spi.getName());
                    }
                    if (provider instanceof ProviderFactory<?> factory) {
                        names.add(factory.getId());
                        factory.getConfigMetadata().forEach(property -> names.add(property.getName()));
                    }
                    if (provider instanceof ConfiguredProvider configured && configured.getConfigProperties() != null) {
                        configured.getConfigProperties().stream().map(ProviderConfigProperty::getName).forEach(names::add);
                    }
                }
            }
        }
        return names;
    }

    /** Inline code spans, and each word of them (`--spi-sms-sender--provider=log` names `log` too). */
    static Set<String> codeSpans(String text) {
        Set<String> spans = new HashSet<>();
        Matcher span = CODE_SPAN.matcher(outsideCodeBlocks(text));
        while (span.find()) {
            spans.add(span.group(1));
            spans.addAll(List.of(span.group(1).split("[^A-Za-z0-9_-]+")));
        }
        return spans;
    }

    static Set<String> linkTargets(Path file) {
        Set<String> targets = new HashSet<>();
        Matcher link = LINK.matcher(outsideCodeBlocks(markdown.get(file)));
        while (link.find()) {
            targets.add(link.group(1).replaceAll("#.*", ""));
        }
        return targets;
    }

    /** The text with fenced code blocks blanked out (a line in a block is neither a heading nor a link). */
    static String outsideCodeBlocks(String text) {
        StringBuilder out = new StringBuilder();
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                out.append('\n');
                continue;
            }
            out.append(fenced ? "" : line).append('\n');
        }
        return out.toString();
    }

    /** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as '-', repeats numbered. */
    static Set<String> anchors(String text) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : outsideCodeBlocks(text).split("\n")) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = heading.group(2).replaceAll("[`*]", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
                int repeat = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
            }
        }
        return anchors;
    }
}
