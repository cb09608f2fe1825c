package org.segearth.cli;

import java.util.Locale;
import java.util.Map;
import org.segearth.api.InvalidInputException;
import org.segearth.api.ModelPackageException;
import org.segearth.api.ProviderNotFoundException;
import org.segearth.api.SegEarthException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Maps every failure of a command to its documented exit code and prints it as one line (the
 * stack trace only with {@code --verbose}): unusable input 4, a bad model package 5, anything
 * else that stopped the work 3. A raw exception (a {@link NumberFormatException} from a
 * tokenizer id, an {@link ArithmeticException} from a zero patch size, invalid JSON) raised while
 * a model package is read is a bad package: the message names the package and, where the failing
 * reader tells it, the file. {@link Error}s arrive here wrapped in {@link Fatal}: running out of
 * memory says which work and which setting to raise.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    /** The longest message printed. */
    private static final int MAX_MESSAGE = 600;

    /** Readers of package files (class simple name prefix -> the file, relative to the package). */
    private static final Map<String, String> READERS = Map.ofEntries(
            Map.entry("Manifest", "segearth.json"),
            Map.entry("TextTokenizer", "mllm/tokenizer.json"),
            Map.entry("Tokenizer", "mllm/tokenizer.json"),
            Map.entry("LoraConfig", "adapter/adapter_config.json"),
            Map.entry("MiphaConfig", "mllm/config.json"),
            Map.entry("PhiConfig", "mllm/config.json"),
            Map.entry("SiglipVisionConfig", "mllm/config.json (vision_config)"),
            Map.entry("Siglip", "mllm/config.json (vision_config)"),
            Map.entry("Phi", "mllm/config.json"),
            Map.entry("Mask2FormerConfig", "mask_head/config.json"),
            Map.entry("SwinConfig", "mask_head/config.json (backbone_config)"),
            Map.entry("Swin", "mask_head/config.json (backbone_config)"),
            Map.entry("Mask2Former", "mask_head/config.json"),
            Map.entry("SamConfig", "mask_head/config.json"),
            Map.entry("Sam", "mask_head/config.json"));

    /** Frames ("class" or "class#method") that mean "a model package is being read". */
    private static final String[] LOADING = {
        "org.segearth.runtime.pipeline.ModelPackage",
        "org.segearth.runtime.pipeline.internal.ComponentLoader",
        "org.segearth.runtime.pipeline.DefaultSegmenterFactory",
        "org.segearth.runtime.pipeline.SegEarthModel#load",
        "org.segearth.runtime.pipeline.Manifest#read",
        "org.segearth.runtime.text.TextTokenizer#open",
        "org.segearth.runtime.text.TextTokenizer#fromJson",
    };

    /** An {@link Error} thrown by a command, wrapped so that picocli hands it to this handler. */
    static final class Fatal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fatal(Error cause) {
            super(cause.toString(), cause);
        }
    }

    /** A command that can say what it was working on (for out-of-memory messages). */
    interface Described {
        /** E.g. "segmenting photo.png with the model package m". */
        String work();
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        boolean verbose = hasVerbose(parsed);
        Throwable shown = e instanceof Fatal ? e.getCause() : e;
        String work = work(parsed);
        cmd.getErr().println("error: " + message(shown, work));
        if (verbose) {
            shown.printStackTrace(cmd.getErr());
        } else {
            cmd.getErr().println("(run with --verbose for details)");
        }
        cmd.getErr().flush();
        return exitCode(shown);
    }

    private static boolean hasVerbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static String work(ParseResult parsed) {
        ParseResult last = parsed;
        while (last.subcommand() != null) {
            last = last.subcommand();
        }
        Object command = last.commandSpec().userObject();
        try {
            return command instanceof Described d ? d.work() : last.commandSpec().name();
        } catch (RuntimeException ignored) {
            return last.commandSpec().name();
        }
    }

    /** The exit code of {@code t}. */
    static int exitCode(Throwable t) {
        if (t instanceof Fatal f) {
            t = f.getCause();
        }
        if (t instanceof InvalidInputException) {
            return ExitCodes.BAD_INPUT;
        }
        if (t instanceof ModelPackageException || t instanceof ProviderNotFoundException) {
            return ExitCodes.BAD_MODEL;
        }
        if (!(t instanceof Error) && !isEngineFailure(t) && whileLoading(t)) {
            return ExitCodes.BAD_MODEL;
        }
        return ExitCodes.ERROR;
    }

    /** The one-line message for {@code t}. */
    static String message(Throwable t, String work) {
        String text;
        if (t instanceof OutOfMemoryError oom) {
            text = outOfMemory(oom, work);
        } else if (t instanceof StackOverflowError) {
            text = "stack overflow while " + work + " (a deeply nested input file?); if the input is legitimate,"
                    + " raise the thread stack size, e.g. SEGEARTH_JAVA_OPTS=-Xss16m";
        } else if (t instanceof Error) {
            text = "internal failure while " + work + ": " + firstLine(t.toString());
        } else if (nativeOutOfMemory(t) != null) {
            text = "out of native memory while " + work + " (" + nativeOutOfMemory(t) + "): the model's weights and"
                    + " working set need more memory than is free; use --precision auto (16-bit weights stay 16-bit),"
                    + " a smaller image, or close other programs";
        } else if (isCudaMissing(t)) {
            text = "the PyTorch engine of this build has no CUDA support (CPU natives only); run with --device cpu,"
                    + " or use a CUDA build of libtorch as README.md's 'Using a GPU' describes";
        } else if (t instanceof SegEarthException) {
            text = firstLine(t.getMessage() == null ? t.toString() : t.getMessage());
            if (!(t instanceof InvalidInputException) && whileLoading(t) && !isEngineFailure(t)) {
                // a reader that did not say which file: say it, and which package
                String said = text;
                text = file(t).filter(f -> !said.contains(f.replaceAll(" .*", "").replaceAll(".*/", "")))
                        .map(f -> "the model package cannot be read: " + f + ": " + said + " (while " + work + ")")
                        .orElse(said);
            }
        } else if (whileLoading(t) && !isEngineFailure(t)) {
            text = "the model package cannot be read: " + file(t).map(f -> f + ": ").orElse("")
                    + t.getClass().getSimpleName() + " " + firstLine(String.valueOf(t.getMessage()))
                    + " (while " + work + ")";
        } else {
            text = firstLine(t.getMessage() == null ? t.toString() : t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE - 3) + "..." : text;
    }

    private static String outOfMemory(OutOfMemoryError oom, String work) {
        String what = String.valueOf(oom.getMessage());
        String lower = what.toLowerCase(Locale.ROOT);
        String setting;
        if (lower.contains("direct buffer")) {
            setting = "native (direct) memory ran out; raise it with SEGEARTH_JAVA_OPTS=-XX:MaxDirectMemorySize=8g";
        } else if (lower.contains("metaspace")) {
            setting = "class metadata ran out; raise it with SEGEARTH_JAVA_OPTS=-XX:MaxMetaspaceSize=1g";
        } else {
            setting = "the Java heap (" + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB) ran out; raise it with"
                    + " SEGEARTH_JAVA_OPTS=-Xmx8g (java -Xmx8g from Java)";
        }
        return "out of memory while " + work + " (" + what + "): the input or the model is too large for this"
                + " process: " + setting + ", or use a smaller image, batch or model";
    }

    /** The allocator's words when the engine ran out of memory (PyTorch's CPU allocator), else null. */
    static String nativeOutOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && (m.contains("not enough memory") || m.contains("can't allocate memory")
                    || m.contains("CUDA out of memory"))) {
                return firstLine(m);
            }
        }
        return null;
    }

    private static boolean isCudaMissing(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && (m.contains("from the 'CUDA' backend") || m.contains("Torch not compiled with CUDA")
                    || m.contains("no CUDA GPUs are available"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEngineFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getClass().getName().startsWith("ai.djl.engine.EngineException") || c instanceof UnsatisfiedLinkError) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code t} was raised while a model package was read. */
    static boolean whileLoading(Throwable t) {
        for (StackTraceElement f : t.getStackTrace()) {
            for (String frame : LOADING) {
                int hash = frame.indexOf('#');
                boolean match = hash < 0 ? f.getClassName().equals(frame) || f.getClassName().startsWith(frame + "$")
                        : f.getClassName().equals(frame.substring(0, hash))
                                && f.getMethodName().equals(frame.substring(hash + 1));
                if (match) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The package file the failing reader reads, from the innermost SDK frame that tells it. */
    static java.util.Optional<String> file(Throwable t) {
        for (StackTraceElement f : t.getStackTrace()) {
            String name = f.getClassName();
            if (!name.startsWith("org.segearth.")) {
                continue;
            }
            String simple = name.substring(name.lastIndexOf('.') + 1);
            int inner = simple.indexOf('$');
            if (inner >= 0) {
                simple = simple.substring(0, inner);
            }
            String exact = READERS.get(simple);
            if (exact != null) {
                return java.util.Optional.of(exact);
            }
            for (Map.Entry<String, String> e : READERS.entrySet()) {
                if (simple.startsWith(e.getKey())) {
                    return java.util.Optional.of(e.getValue());
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** The first line of {@code s}, without control characters. */
    static String firstLine(String s) {
        String line = s.strip();
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl).strip();
        }
        return line.replaceAll("\\p{Cntrl}", "?");
    }
}
