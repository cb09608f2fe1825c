package org.segearth.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.FileTrees;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.internal.DemoModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code segearth export-demo --out DIR}: the embedded demo model package written to a folder,
 * for {@code --model DIR} and the samples' {@code MODEL_DIR}.
 */
@Command(name = "export-demo", mixinStandardHelpOptions = true,
        description = {"Writes the embedded demo model package to a folder.",
                "The folder works as --model DIR and as the samples' MODEL_DIR.",
                "A non-empty --out is refused unless --overwrite is given; then only the package's own entries",
                "(segearth.json, mllm/, adapter/, mask_head/, the .safetensors files) are replaced, other files are kept."})
final class ExportDemoCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the package to (new or empty).")
    Path out;

    @Option(names = "--overwrite", description = "Write into a non-empty folder, replacing the package's entries there.")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        OutputFolder.checkUsable(out, "--out");
        List<String> existing = OutputFolder.entries(out);
        if (!existing.isEmpty() && !overwrite) {
            throw new InvalidInputException("--out " + out + " is not empty (found " + String.join(", ",
                    existing.subList(0, Math.min(5, existing.size()))) + (existing.size() > 5 ? ", ..." : "")
                    + "); use a new or empty folder, or add --overwrite to replace the package's entries in it"
                    + " (other files are kept)");
        }
        OutputFolder.checkWritable(out, "--out");
        ModelPackage demo = DemoModel.open();
        List<Path> written = export(demo.root(), out);
        long bytes = 0;
        for (Path p : written) {
            bytes += Files.size(p);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "demo model package written to %s (%d files, %.1f MB)%n", out, written.size(), bytes / 1e6);
        w.println("use it with: segearth segment --model " + out + " ...  or as a sample's MODEL_DIR");
        return ExitCodes.OK;
    }

    /**
     * Copies the package folder {@code source} to {@code target}: into a temporary folder first,
     * then renamed into place (the whole folder when {@code target} does not exist, else entry by
     * entry, each replaced entry moved aside and removed afterwards), so an interrupted export
     * leaves no half-written entry. Returns the files written.
     */
    static List<Path> export(Path source, Path target) throws IOException {
        Path dest = target.toAbsolutePath().normalize();
        boolean fresh = !Files.exists(dest, LinkOption.NOFOLLOW_LINKS);
        Path home = fresh ? dest.getParent() : dest;
        Files.createDirectories(home);
        Path staging = Cleanup.register(Files.createTempDirectory(home, ".segearth-tmp-"));
        try {
            Path copy = staging.resolve("package");
            FileTrees.copyTree(source, copy);
            if (fresh) {
                Files.move(copy, dest, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Path aside = Files.createDirectory(staging.resolve("replaced"));
                try (Stream<Path> s = Files.list(copy)) {
                    for (Path entry : s.sorted().toList()) {
                        Path there = dest.resolve(entry.getFileName().toString());
                        if (Files.exists(there, LinkOption.NOFOLLOW_LINKS)) {
                            Files.move(there, aside.resolve(entry.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
                        }
                        Files.move(entry, there, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
        } catch (IOException e) {
            throw new SegEarthException("cannot write the demo model package to " + target + ": " + e.getMessage(), e);
        } finally {
            Cleanup.remove(staging);
        }
        try (Stream<Path> s = Files.walk(source)) {
            return s.filter(Files::isRegularFile).map(f -> dest.resolve(source.relativize(f).toString())).sorted().toList();
        }
    }

}
