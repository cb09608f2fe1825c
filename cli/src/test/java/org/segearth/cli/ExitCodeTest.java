package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.cli.pipeline.TinyModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Every failure ends with its documented exit code and one line naming what is wrong; help works everywhere. */
class ExitCodeTest {

    @TempDir
    Path dir;

    /** Every registered command, so that a new one is held to the same help and summary rules. */
    private static final List<String> COMMANDS =
            List.copyOf(new picocli.CommandLine(new SegEarthCommand()).getSubcommands().keySet());

    @Test
    void theCommandListIsComplete() {
        assertTrue(COMMANDS.containsAll(List.of("segment", "eval", "init", "import", "train", "info", "parity",
                "serve", "export-demo")), COMMANDS.toString());
    }

    @Test
    void everyOptionDescriptionFormats() {
        // picocli formats each description line of the annotations with String.format; one that fails
        // (a lone '%') is printed raw after a warning on the standard error of every --help
        picocli.CommandLine top = new picocli.CommandLine(new SegEarthCommand());
        int checked = 0;
        for (picocli.CommandLine sub : top.getSubcommands().values()) {
            List<Class<?>> classes = new java.util.ArrayList<>(List.of(sub.getCommandSpec().userObject().getClass()));
            for (int c = 0; c < classes.size(); c++) {
                for (java.lang.reflect.Field f : classes.get(c).getDeclaredFields()) {
                    if (f.isAnnotationPresent(CommandLine.Mixin.class)) {
                        classes.add(f.getType());
                    }
                    String[] lines = f.isAnnotationPresent(CommandLine.Option.class)
                            ? f.getAnnotation(CommandLine.Option.class).description()
                            : f.isAnnotationPresent(CommandLine.Parameters.class)
                                    ? f.getAnnotation(CommandLine.Parameters.class).description() : new String[0];
                    for (String line : lines) {
                        checked++;
                        try {
                            String.format(line.replaceAll("\\$\\{[^}]*}", "x"));
                        } catch (java.util.IllegalFormatException e) {
                            throw new AssertionError(sub.getCommandName() + " " + f.getName() + ": '" + line
                                    + "' does not format (" + e.getMessage() + "); write a literal % as %%", e);
                        }
                    }
                }
            }
        }
        assertTrue(checked > 50, "option descriptions found: " + checked);
    }

    private static CliRun expect(int code, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(code, r.exitCode(), r.out() + "\n" + r.err());
        if (code >= 3) {
            List<String> lines = r.err().lines().toList();
            assertTrue(lines.get(0).startsWith("error: "), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
        }
        return r;
    }

    @Test
    void noArgumentsPrintsTheUsageWithExitCode2() {
        CliRun r = expect(ExitCodes.USAGE);
        assertTrue(r.err().contains("Usage: segearth"), r.err());
    }

    @Test
    void everyCommandHasHelpAndACompleteSummary() {
        for (String c : COMMANDS) {
            CliRun r = expect(ExitCodes.OK, c, "--help");
            assertTrue(r.out().contains("Usage: segearth " + c), c + ": " + r.out());
        }
        CliRun top = expect(ExitCodes.OK, "--help");
        for (String c : COMMANDS) {
            String line = top.out().lines().filter(l -> l.strip().startsWith(c + " ")).findFirst().orElseThrow().strip();
            assertTrue(line.endsWith("."), "summary of " + c + " is cut: " + line);
        }
    }

    @Test
    void unusableImagesAndInstructionsAreExit4() throws IOException {
        Path pkg = TinyModel.create(dir);
        Path notAnImage = Files.writeString(dir.resolve("text.png"), "not a png");
        CliRun r = expect(ExitCodes.BAD_INPUT, "segment", "--model", pkg.toString(), "--image", notAnImage.toString(),
                "--instruction", "segment the ships", "--out", dir.resolve("o").toString());
        assertTrue(r.err().contains("--image"), r.err());
        Path image = dir.resolve("image.png");
        ImageIO.write(TinyModel.image(), "png", image.toFile());
        for (String bad : List.of("segment the <image> ships", "segment <refer>")) {
            r = expect(ExitCodes.BAD_INPUT, "segment", "--model", pkg.toString(), "--image", image.toString(),
                    "--instruction", bad, "--out", dir.resolve("o").toString());
            assertTrue(r.err().contains("reserves"), r.err());
        }
        r = expect(ExitCodes.BAD_INPUT, "segment", "--model", pkg.toString(), "--image", image.toString(),
                "--instruction", "segment the ships", "--device", "gpu", "--out", dir.resolve("o").toString());
        assertTrue(r.err().contains("CUDA"), r.err());
        assertEquals(2, r.err().lines().count(), r.err());
    }

    @Test
    void damagedPackageFilesAreExit5NamingTheFile() throws IOException {
        Path image = dir.resolve("image.png");
        ImageIO.write(TinyModel.image(), "png", image.toFile());
        assertBadPackage(image, "segearth.json", "segearth.json", text -> "{ not json");
        assertBadPackage(image, "mllm/tokenizer.json", "tokenizer.json", text -> {
            JsonObject o = JsonParser.parseString(text).getAsJsonObject();
            o.getAsJsonArray("added_tokens").get(0).getAsJsonObject().addProperty("id", "x1");
            return o.toString();
        });
        assertBadPackage(image, "mllm/config.json", "config.json", text -> {
            JsonObject o = JsonParser.parseString(text).getAsJsonObject();
            o.getAsJsonObject("vision_config").getAsJsonObject("vision_tower").addProperty("patch_size", 0);
            return o.toString();
        });
        assertBadPackage(image, "adapter/adapter_config.json", "adapter", text -> {
            JsonObject o = JsonParser.parseString(text).getAsJsonObject();
            o.addProperty("r", -4);
            return o.toString();
        });
    }

    private void assertBadPackage(Path image, String file, String named, UnaryOperator<String> damage)
            throws IOException {
        Path pkg = TinyModel.create(dir.resolve(file.replace('/', '_')));
        Files.writeString(pkg.resolve(file), damage.apply(Files.readString(pkg.resolve(file))));
        CliRun r = expect(ExitCodes.BAD_MODEL, "segment", "--model", pkg.toString(), "--image", image.toString(),
                "--instruction", "segment the ships", "--answer", "the ships [SEG]", "--out",
                dir.resolve("out-" + file.replace('/', '_')).toString());
        assertTrue(r.err().lines().findFirst().orElseThrow().contains(named), file + ": " + r.err());
    }

    @Test
    void negativeLoraRankIsExit4() throws IOException {
        Path pkg = TinyModel.create(dir);
        CliRun r = expect(ExitCodes.BAD_INPUT, "train", "--model", pkg.toString(), "--data", dir.toString(), "--out",
                dir.resolve("r").toString(), "--lora-r", "-1");
        assertTrue(r.err().contains("--lora-r"), r.err());
    }

    /** Throws the error it is given. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer>, ErrorHandler.Described {
        private final Error error;

        Boom(Error error) {
            this.error = error;
        }

        @Override
        public Integer call() {
            throw error;
        }

        @Override
        public String work() {
            return "segmenting huge.tif with the model package big";
        }
    }

    private static CliRun boom(Error e, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(new Boom(e), new PrintWriter(out), new PrintWriter(err));
        int code = cmd.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Test
    void errorsAreOneLineWithTheSettingToChange() {
        CliRun heap = boom(new OutOfMemoryError("Java heap space"));
        assertEquals(ExitCodes.ERROR, heap.exitCode(), heap.err());
        assertTrue(heap.err().contains("huge.tif") && heap.err().contains("SEGEARTH_JAVA_OPTS=-Xmx"), heap.err());
        assertFalse(heap.err().contains("\tat "), heap.err());
        CliRun direct = boom(new OutOfMemoryError("Cannot reserve 1048576 bytes of direct buffer memory"));
        assertTrue(direct.err().contains("MaxDirectMemorySize"), direct.err());
        CliRun deep = boom(new StackOverflowError());
        assertEquals(ExitCodes.ERROR, deep.exitCode(), deep.err());
        assertTrue(deep.err().startsWith("error: stack overflow while segmenting huge.tif"), deep.err());
        assertFalse(deep.err().contains("\tat "), deep.err());
    }

    @Test
    void unwritableOutputIsFoundBeforeTheModelRuns() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Path image = dir.resolve("image.png");
        ImageIO.write(TinyModel.image(), "png", image.toFile());
        // no model package at all: the output is checked first
        CliRun r = expect(ExitCodes.BAD_INPUT, "segment", "--model", dir.resolve("none").toString(), "--image",
                image.toString(), "--instruction", "segment the ships", "--out", file.resolve("sub").toString());
        assertTrue(r.err().contains("cannot be written") || r.err().contains("model package"), r.err());
        r = expect(ExitCodes.BAD_INPUT, "eval", "--dataset", "lasers", "--root", dir.toString(), "--split", "x",
                "--out", file.toString());
        r = expect(ExitCodes.BAD_INPUT, "init", "--mllm", dir.toString(), "--mask-head", dir.toString(), "--out",
                file.toString());
        assertTrue(r.err().contains("is a file"), r.err());
    }
}
