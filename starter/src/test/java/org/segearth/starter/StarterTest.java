package org.segearth.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.segearth.api.ImageSource;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The starter's class path runs the README's snippet; the BOM pins every module of the build. */
class StarterTest {

    private static final Path ROOT = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
            Path.of("").toAbsolutePath().getParent().toString()));

    @Test
    void oneDependencyBuildsTheDemoSegmenterAndSegments() {
        Path image = Path.of(System.getProperty("segearth.testdata")).resolve("dubai/images/Tile1_image_part_001.jpg");
        try (Segmenter seg = Segmenter.builder().maxNewTokens(8).build()) {
            SegmentationResult r = seg.segmentWithAnswer(ImageSource.of(image), "segment the water", "the water [SEG]");
            assertEquals(1, r.targets().size());
            Target t = r.targets().get(0);
            assertEquals(128, t.mask().width());
            assertEquals(103, t.mask().height());
        }
    }

    @Test
    void theBomPinsEveryModuleAtTheBuildVersion() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        String version = text(root.getDocumentElement(), "version");
        Map<String, String> pinned = new TreeMap<>();
        Document bom = parse(ROOT.resolve("bom/pom.xml"));
        assertEquals(version, text(bom.getDocumentElement(), "version"), "segearth-bom's own version");
        String property = text((Element) bom.getElementsByTagName("properties").item(0), "segearth.version");
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if ("org.segearth".equals(text(d, "groupId"))) {
                pinned.put(text(d, "artifactId"), text(d, "version").replace("${segearth.version}", property));
            }
        }
        List<String> missing = new ArrayList<>();
        NodeList modules = root.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            Path pom = ROOT.resolve(modules.item(i).getTextContent().trim()).resolve("pom.xml");
            Document m = parse(pom);
            String artifact = text(m.getDocumentElement(), "artifactId");
            if (artifact.equals("segearth-bom") || "pom".equals(text(m.getDocumentElement(), "packaging"))) {
                continue;   // the BOM itself and the aggregated javadoc are nothing to depend on
            }
            if (!version.equals(pinned.get(artifact))) {
                missing.add(artifact + " (bom: " + pinned.get(artifact) + ")");
            }
        }
        assertEquals(List.of(), missing, "modules the BOM does not pin at " + version + "; pinned: " + new TreeSet<>(pinned.keySet()));
    }

    @Test
    void theStarterDependsOnWhatItSaysItBrings() throws Exception {
        Document pom = parse(ROOT.resolve("starter/pom.xml"));
        List<String> deps = new ArrayList<>();
        NodeList list = pom.getElementsByTagName("dependency");
        for (int i = 0; i < list.getLength(); i++) {
            Element d = (Element) list.item(i);
            if (!"test".equals(text(d, "scope"))) {
                deps.add(text(d, "groupId") + ":" + text(d, "artifactId"));
            }
        }
        assertEquals(Starter.ARTIFACTS, deps);
    }

    private static Document parse(Path pom) throws Exception {
        assertTrue(Files.isRegularFile(pom), pom.toString());
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    /** The text of {@code parent}'s direct child {@code name}, or null. */
    private static String text(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }
}
