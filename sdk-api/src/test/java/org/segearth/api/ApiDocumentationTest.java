package org.segearth.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every public type of the user API has a javadoc summary and a usage example. */
class ApiDocumentationTest {

    private static final Pattern TYPE = Pattern.compile(
            "/\\*\\*(.*?)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*public\\s+(?:sealed\\s+|final\\s+|abstract\\s+)*"
                    + "(?:class|interface|record|enum)\\s+(\\w+)", Pattern.DOTALL);

    @Test
    void everyPublicTypeHasSummaryAndExample() throws IOException {
        Path dir = Path.of("src/main/java/org/segearth/api");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            String source = Files.readString(f);
            String name = f.getFileName().toString().replace(".java", "");
            Matcher m = TYPE.matcher(source);
            boolean found = false;
            while (m.find()) {
                if (m.group(2).equals(name)) {
                    found = true;
                    String doc = m.group(1);
                    assertTrue(doc.replaceAll("(?m)^\\s*\\*", "").strip().length() > 20, name + ": javadoc summary");
                    assertTrue(doc.contains("<pre>{@code"), name + ": javadoc needs a usage example");
                }
            }
            assertTrue(found, name + ": public type with a javadoc comment");
        }
        assertTrue(Files.readString(dir.resolve("package-info.java")).contains("<pre>{@code"), "package example");
    }
}
