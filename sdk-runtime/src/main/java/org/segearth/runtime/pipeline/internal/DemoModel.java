package org.segearth.runtime.pipeline.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.segearth.api.ModelPackageException;
import org.segearth.runtime.pipeline.ModelPackage;

/**
 * The embedded demo model: a model package on the class path below {@value #FOLDER} (artifact
 * {@value #ARTIFACT}). From a jar it is copied once per process to a temporary folder.
 */
public final class DemoModel {

    /** The class-path folder of the demo package. */
    public static final String FOLDER = "org/segearth/demo/model/";
    /** Its manifest, the resource looked up. */
    public static final String RESOURCE = FOLDER + "segearth.json";
    /** The artifact that brings it. */
    public static final String ARTIFACT = "org.segearth:segearth-demo-model";

    private static URL extractedFrom;
    private static Path extracted;

    private DemoModel() {}

    /**
     * The demo package (looked up through the thread's context class loader, then this class's),
     * or a {@link ModelPackageException} that says how to get one.
     */
    public static synchronized ModelPackage open() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        URL url = context == null ? null : context.getResource(RESOURCE);
        if (url == null) {
            url = DemoModel.class.getClassLoader().getResource(RESOURCE);
        }
        if (url == null) {
            throw new ModelPackageException("no model package given and no embedded demo model on the class path"
                    + " (resource " + RESOURCE + " not found); call model(Path.of(\"...\")) with a model package folder"
                    + " or add the artifact " + ARTIFACT);
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return ModelPackage.open(Path.of(url.toURI()).getParent());
            }
            if (extracted == null || !url.equals(extractedFrom)) {
                extracted = extract(url);
                extractedFrom = url;
            }
            return ModelPackage.open(extracted);
        } catch (IOException | URISyntaxException e) {
            throw new ModelPackageException("cannot read the embedded demo model at " + url + ": " + e.getMessage(), e);
        }
    }

    private static Path extract(URL url) throws IOException {
        if (!(url.openConnection() instanceof JarURLConnection connection)) {
            throw new IOException("unsupported class-path location " + url);
        }
        Path root = Files.createTempDirectory("segearth-demo-model");
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().startsWith(FOLDER)) {
                    continue;
                }
                Path target = root.resolve(e.getName().substring(FOLDER.length())).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("jar entry " + e.getName() + " points outside the package folder");
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = jar.getInputStream(e)) {
                    Files.copy(in, target);
                }
                target.toFile().deleteOnExit();
            }
        }
        root.toFile().deleteOnExit();
        return root;
    }
}
