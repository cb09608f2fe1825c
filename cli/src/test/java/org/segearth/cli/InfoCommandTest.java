package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class InfoCommandTest {

    @Test
    void jsonListsVersionsEnginesNativeLibraryAndProviders() {
        CliRun run = CliRun.of("info", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonObject info = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals("0.36.0", info.get("djl").getAsString());
        assertEquals("true", info.get("ai.djl.offline").getAsString());
        assertTrue(info.getAsJsonObject("engines").get("PyTorch").getAsString().startsWith("2.7.1"), run.out());
        assertTrue(info.get("native_library").getAsString().contains("libtorch"), run.out());
        assertTrue(info.getAsJsonObject("providers").has("segmentation head"), run.out());
        // the natives package of this platform, by flavor, classifier and jar
        String natives = info.getAsJsonArray("pytorch_natives").get(0).getAsString();
        assertTrue(natives.startsWith("cpu " + org.segearth.runtime.SdkInfo.platform() + " 2.7.1"), natives);
        assertTrue(natives.contains("pytorch-native-cpu-2.7.1-"), natives);
    }

    @Test
    void textOutput() {
        CliRun run = CliRun.of("info");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("engines:") && run.out().contains("native_library: /"), run.out());
    }
}
