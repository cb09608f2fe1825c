package org.segearth.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public top-level type of {@code sdk-api} (all packages) has a javadoc summary and a usage
 * example, and every package has a {@code package-info.java} with a summary.
 */
class ApiDocumentationTest {

    private static final Path SOURCES = Path.of("src/main/java");

    /** A javadoc comment; the body never spans past its own closing. */
    private static final String JAVADOC = "/\\*\\*((?:[^*]|\\*+(?![*/]))*)\\*+/";

    /** Annotations such as {@code @Deprecated} or {@code @SuppressWarnings("x")}. */
    private static final String ANNOTATIONS = "(?:@[\\w.]+(?:\\s*\\([^)]*\\))?\\s*)*";

    private static final String MODIFIERS = "(?:(?:sealed|non-sealed|final|abstract|static|strictfp)\\s+)*";

    private static final String KIND = "(?:class|interface|record|enum|@interface)\\s+";

    /** Text blocks, strings and characters (kept) or comments (dropped), whichever comes first. */
    private static final Pattern CODE_TOKENS = Pattern.compile(
            "(\"\"\"[\\s\\S]*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*')|/\\*[\\s\\S]*?\\*/|//[^\\n]*");

    private static final Pattern BLOCK_TAG = Pattern.compile("(?m)^\\s*@\\w+");

    @Test
    void everyPublicTypeHasSummaryAndExample() throws IOException {
        List<Path> files = sources(false);
        assertFalse(files.isEmpty(), "no sources under " + SOURCES.toAbsolutePath());
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString().replace(".java", "");
            String source = Files.readString(f);
            if (!declaresPublic(source, name)) {
                continue; // a package-private top-level type: not API
            }
            Matcher m = documented(name).matcher(source);
            String file = SOURCES.relativize(f).toString();
            if (!m.find()) {
                problems.add(file + ": no javadoc comment on public type " + name);
                continue;
            }
            String doc = text(m.group(1));
            if (summary(doc).length() < 20) {
                problems.add(file + ": javadoc needs a summary sentence");
            }
            int pre = doc.indexOf("<pre>{@code");
            if (pre < 0 || doc.indexOf("}</pre>", pre) < 0
                    || doc.substring(pre + "<pre>{@code".length(), doc.indexOf("}</pre>", pre)).isBlank()) {
                problems.add(file + ": javadoc needs a usage example <pre>{@code ... }</pre>");
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " public types lack documentation:\n"
                + String.join("\n", problems));
    }

    @Test
    void everyPackageHasPackageInfoWithSummary() throws IOException {
        Set<Path> packages = sources(false).stream().map(Path::getParent).collect(Collectors.toCollection(TreeSet::new));
        assertFalse(packages.isEmpty());
        List<String> problems = new ArrayList<>();
        for (Path dir : packages) {
            Path info = dir.resolve("package-info.java");
            String pkg = SOURCES.relativize(dir).toString().replace(dir.getFileSystem().getSeparator(), ".");
            if (!Files.exists(info)) {
                problems.add(pkg + ": missing package-info.java");
                continue;
            }
            Matcher m = Pattern.compile(JAVADOC + "\\s*" + ANNOTATIONS + "package\\s+" + Pattern.quote(pkg) + "\\s*;")
                    .matcher(Files.readString(info));
            if (!m.find()) {
                problems.add(pkg + ": package-info.java needs a javadoc comment before 'package " + pkg + ";'");
            } else if (summary(text(m.group(1))).length() < 20) {
                problems.add(pkg + ": package-info.java needs a summary sentence");
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " packages lack documentation:\n"
                + String.join("\n", problems));
    }

    @Test
    void userApiPackageHasExample() throws IOException {
        assertTrue(Files.readString(SOURCES.resolve("org/segearth/api/package-info.java")).contains("<pre>{@code"),
                "org.segearth.api package-info.java needs a usage example");
    }

    @Test
    void recognisesDeclarationForms() {
        String[] forms = {
            "/** A summary long enough to count. <pre>{@code x(); }</pre> */\npublic final class Foo<T> {}",
            "/** A summary long enough to count. <pre>{@code x(); }</pre> */\n@Deprecated\npublic record Foo(int a) {}",
            "/** A summary long enough to count. <pre>{@code x(); }</pre> */\n@SuppressWarnings(\"x\")\n"
                    + "public sealed interface Foo<T extends Comparable<T>> permits A {}",
            "/** A summary long enough to count. <pre>{@code x(); }</pre> */\npublic abstract class Foo {}",
        };
        for (String form : forms) {
            assertTrue(declaresPublic(form, "Foo"), form);
            assertTrue(documented("Foo").matcher(form).find(), form);
        }
        assertTrue(declaresPublic("@Deprecated public class Foo {}", "Foo"));
        // declarations in comments and strings do not count; package-private types are not API
        assertFalse(declaresPublic("/** <pre>{@code public class Foo {} }</pre> */ class Foo {}", "Foo"));
        assertFalse(declaresPublic("// public class Foo\nclass Foo { String s = \"public class Foo\"; }", "Foo"));
        // a javadoc belonging to something earlier is not taken for the type's own
        String separated = "/** Header comment of the file, quite long. */\nimport x.Y;\n\npublic class Foo {}";
        assertTrue(declaresPublic(separated, "Foo"));
        assertFalse(documented("Foo").matcher(separated).find());
    }

    /** Whether {@code source} declares a public type {@code name} outside comments and strings. */
    private static boolean declaresPublic(String source, String name) {
        String code = CODE_TOKENS.matcher(source).replaceAll(r -> r.group(1) != null ? "\"\"" : " ");
        return Pattern.compile("\\bpublic\\s+" + MODIFIERS + KIND + name + "\\b").matcher(code).find();
    }

    /** The public type {@code name} right after its javadoc (annotations may come between). */
    private static Pattern documented(String name) {
        return Pattern.compile(JAVADOC + "\\s*" + ANNOTATIONS + "public\\s+" + MODIFIERS + KIND + name + "\\b");
    }

    private static List<Path> sources(boolean withPackageInfo) throws IOException {
        try (Stream<Path> s = Files.walk(SOURCES)) {
            return s.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> withPackageInfo || !p.getFileName().toString().equals("package-info.java"))
                    .sorted()
                    .toList();
        }
    }

    /** The comment's text without the leading asterisks. */
    private static String text(String comment) {
        return comment.replaceAll("(?m)^\\s*\\*", "").strip();
    }

    /** The description before the example and the block tags. */
    private static String summary(String doc) {
        int end = doc.length();
        int pre = doc.indexOf("<pre>");
        if (pre >= 0) {
            end = Math.min(end, pre);
        }
        Matcher tag = BLOCK_TAG.matcher(doc);
        if (tag.find()) {
            end = Math.min(end, tag.start());
        }
        return doc.substring(0, end).strip();
    }
}
