package org.segearth.cli;

import ai.djl.engine.Engine;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.segearth.runtime.Engines;
import org.segearth.runtime.SdkInfo;
import org.segearth.runtime.parity.ParityRunner;
import org.segearth.runtime.registry.ProviderRegistry;
import org.segearth.spi.OnnxRuntimeEngine;
import org.segearth.spi.Provider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segearth info}: versions, engines, providers and where the native libraries live. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shows versions, engines, providers and the native library location.")
final class InfoCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Object> info = collect();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(info));
        } else {
            print(out, info, "");
        }
        return ExitCodes.OK;
    }

    static Map<String, Object> collect() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("segearth", SdkInfo.version());
        info.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        info.put("cores", Runtime.getRuntime().availableProcessors());
        info.put("djl", Engine.getDjlVersion());
        info.put("ai.djl.offline", System.getProperty("ai.djl.offline"));
        Map<String, Object> engines = new LinkedHashMap<>();
        for (String name : Engine.getAllEngines()) {
            engines.put(name, engine(name));
        }
        info.put("engines", engines);
        Path libtorch = SdkInfo.loadedLibrary("libtorch_cpu").or(() -> SdkInfo.loadedLibrary("libtorch")).orElse(null);
        info.put("native_library", libtorch == null ? "not loaded" : libtorch.toString());
        List<String> natives = new ArrayList<>();
        SdkInfo.pytorchNatives().forEach(n -> natives.add(n.toString()));
        String override = System.getenv("PYTORCH_LIBRARY_PATH");
        if (override != null && !override.isBlank()) {
            natives.add(0, "PYTORCH_LIBRARY_PATH=" + override + " (used in place of the class path's natives), flavor "
                    + java.util.Objects.requireNonNullElse(System.getenv("PYTORCH_FLAVOR"), "not set"));
        }
        info.put("pytorch_natives", natives);
        Map<String, Object> providers = new LinkedHashMap<>();
        ProviderRegistry registry = new ProviderRegistry();
        ProviderRegistry.KINDS.entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .forEach(e -> providers.put(e.getValue(), describe(registry.all(e.getKey()))));
        info.put("providers", providers);
        info.put("parity_checks", new ParityRunner().available());
        return info;
    }

    private static String engine(String name) {
        try {
            Engine engine = Engines.PYTORCH.equals(name) ? Engines.pytorch()
                    : OnnxRuntimeEngine.NAME.equals(name) ? OnnxRuntimeEngine.start() : Engine.getEngine(name);
            return engine.getVersion() + " on " + engine.defaultDevice();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "unavailable: " + e.getMessage();
        }
    }

    private static List<String> describe(List<? extends Provider> providers) {
        List<String> out = new ArrayList<>();
        for (Provider p : providers) {
            out.add(p.name() + " (priority " + p.priority() + ", " + p.getClass().getName() + ")");
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void print(PrintWriter out, Map<String, Object> map, String indent) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                out.println(indent + e.getKey() + ":");
                print(out, (Map<String, Object>) m, indent + "  ");
            } else if (v instanceof List<?> l) {
                out.println(indent + e.getKey() + ":" + (l.isEmpty() ? " none" : ""));
                l.forEach(x -> out.println(indent + "  - " + x));
            } else {
                out.println(indent + e.getKey() + ": " + v);
            }
        }
    }
}
