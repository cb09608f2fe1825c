package org.segearth.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.segearth.api.Segmenter;

/**
 * The web page in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) on
 * the embedded demo model: load, pick an example, segment, see every target listed and drawn,
 * toggle one off and on, show heatmaps, download the result and a mask. Without Chromium the test
 * is skipped with a message, unless the environment variable {@code CI} is set: then it fails.
 * The screenshot goes to {@code target/serve-page.png} (and to {@code -Dsegearth.screenshot=FILE}).
 */
class PageBrowserTest {

    private static final String CHROMIUM = System.getProperty("segearth.chromium", "/usr/bin/chromium");
    private static final String DRIVER = System.getProperty("segearth.chromedriver", "/usr/bin/chromedriver");
    /** How long the page may take for anything (a generous bound for a shared machine, not a speed check). */
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    private static SegEarthServer server;
    private static ChromeDriver driver;
    @TempDir
    static Path temp;

    @BeforeAll
    static void start() throws Exception {
        boolean present = new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
        if (!present) {
            String why = "Chromium or its driver is missing (" + CHROMIUM + ", " + DRIVER + "); install Debian's"
                    + " chromium and chromium-driver packages to run the page test";
            if (System.getenv("CI") != null) {
                throw new AssertionError(why + " (CI is set: the page test must run)");
            }
            System.out.println("SKIPPED PageBrowserTest: " + why);
            Assumptions.abort(why);
        }
        server = SegEarthServer.start(ServeConfig.defaults().withPort(0),
                Segmenter.builder().attentionHeatmaps(true), "the embedded demo model");
        server.awaitReady(Duration.ofMinutes(5));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,960",
                "--user-data-dir=" + Files.createDirectories(temp.resolve("profile")));
        options.setExperimentalOption("prefs", Map.of(
                "download.default_directory", Files.createDirectories(temp.resolve("downloads")).toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** A checksum of the canvas pixels. */
    private static long canvasSum() {
        return ((Number) js("const c = document.getElementById('view');"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "let s = 0; for (let i = 0; i < d.length; i++) { s = (s * 31 + d[i]) % 2147483647; } return s;"))
                .longValue();
    }

    /** The text of a blob: link, read by the page itself. */
    private static String fetchText(String selector) {
        return (String) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(document.querySelector(arguments[0]).href).then(r => r.text()).then(done,"
                        + " e => done('failed: ' + e));", selector);
    }

    @Test
    void pickAnExampleSegmentToggleAndDownload() throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, PATIENCE);
        driver.get("http://127.0.0.1:" + server.port() + "/");
        wait.until(d -> d.findElements(By.cssSelector("#examples button.example")).size() == 3);
        wait.until(d -> d.findElement(By.id("model-name")).getText().contains("embedded demo model"));

        driver.findElement(By.cssSelector("#examples button.example")).click();
        wait.until(d -> d.findElement(By.id("submit")).isEnabled());
        assertEquals("segment the water and the roads", driver.findElement(By.id("instruction")).getAttribute("value"));
        wait.until(d -> ((Number) js("return document.getElementById('view').width")).intValue() == 320);
        long plain = canvasSum();

        driver.findElement(By.id("submit")).click();
        wait.until(d -> !d.findElements(By.cssSelector("#targets li.target")).isEmpty()
                || d.findElement(By.id("status")).getAttribute("class").contains("error"));
        String status = driver.findElement(By.id("status")).getText();
        List<WebElement> targets = driver.findElements(By.cssSelector("#targets li.target"));
        String answer = driver.findElement(By.id("answer-line")).getText();
        int segs = driver.findElements(By.cssSelector("#answer-line .seg")).size();
        // a multi-target answer: every [SEG] is a target, listed with its phrase and drawn
        assertTrue(targets.size() >= 2, status + " / " + answer);
        assertEquals(targets.size(), segs, answer);
        assertEquals(targets.size() + " targets", status.replaceAll(" in \\d+ ms$", ""));
        assertEquals(targets.size(), driver.findElements(By.cssSelector("#answer-line .phrase")).size(), answer);
        long drawn = canvasSum();
        assertNotEquals(plain, drawn, "the masks are drawn over the image");

        saveScreenshot("serve-page.png", System.getProperty("segearth.screenshot"));

        WebElement first = targets.get(0).findElement(By.cssSelector("input.toggle"));
        first.click();
        long without = canvasSum();
        assertNotEquals(drawn, without, "hiding target 0 changes the canvas");
        first.click();
        assertEquals(drawn, canvasSum(), "showing it again restores the canvas");

        driver.findElement(By.id("heatmaps")).click();
        assertNotEquals(drawn, canvasSum(), "the heatmaps change the canvas");
        saveScreenshot("serve-page-heatmaps.png", null);
        driver.findElement(By.id("heatmaps")).click();

        assertTrue(!driver.findElement(By.id("download-geojson")).isDisplayed(), "no GeoJSON for a JPEG");
        // downloads: the result JSON (COCO RLE) and one PNG per target
        JsonObject json = JsonParser.parseString(fetchText("#download-json")).getAsJsonObject();
        assertEquals(targets.size(), json.getAsJsonArray("targets").size());
        assertTrue(json.getAsJsonArray("targets").get(0).getAsJsonObject().getAsJsonObject("mask").has("counts"));
        wait.until(d -> d.findElements(By.cssSelector("a.mask-png[data-ready=true]")).size() == targets.size());
        driver.findElement(By.id("download-json")).click();
        driver.findElement(By.cssSelector("a.mask-png")).click();
        Path downloads = temp.resolve("downloads");
        wait.until(d -> Files.isRegularFile(downloads.resolve("result.json")) && Files.isRegularFile(downloads.resolve("mask-0.png")));
        assertEquals(json, JsonParser.parseString(Files.readString(downloads.resolve("result.json"))));
        var png = javax.imageio.ImageIO.read(downloads.resolve("mask-0.png").toFile());
        assertEquals(320, png.getWidth());
        long white = 0;
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                white += (png.getRGB(x, y) & 0xFF) > 127 ? 1 : 0;
            }
        }
        assertEquals(json.getAsJsonArray("targets").get(0).getAsJsonObject().get("area").getAsLong(), white);
    }

    @Test
    void uploadATiffTheBrowserCannotShowAndSeeItAsTheServiceReadIt() throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, PATIENCE);
        driver.get("http://127.0.0.1:" + server.port() + "/");
        var tile = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(Http.example("dubai-tile1-part002.jpg")));
        Path tiff = temp.resolve("upload.tif");
        assertTrue(javax.imageio.ImageIO.write(tile, "tiff", tiff.toFile()));
        driver.findElement(By.id("file")).sendKeys(tiff.toString());
        wait.until(d -> d.findElement(By.id("image-name")).getText().equals("upload.tif"));
        wait.until(d -> d.findElement(By.id("status")).getText().contains("cannot show"));
        driver.findElement(By.id("instruction")).sendKeys("segment the buildings and the roads");
        driver.findElement(By.cssSelector("details summary")).click();
        driver.findElement(By.id("answer")).sendKeys("sure, [SEG] buildings and [SEG] roads.");
        wait.until(d -> d.findElement(By.id("submit")).isEnabled());
        driver.findElement(By.id("submit")).click();
        wait.until(d -> !d.findElements(By.cssSelector("#targets li.target")).isEmpty()
                || d.findElement(By.id("status")).getAttribute("class").contains("error"));
        assertEquals(2, driver.findElements(By.cssSelector("#targets li.target")).size(),
                driver.findElement(By.id("status")).getText());
        // the service sends the TIFF back as a PNG: with the masks at opacity 0 the canvas is the tile, pixel for pixel
        wait.until(d -> "preview".equals(js("return document.getElementById('view').dataset.background")));
        js("const o = document.getElementById('opacity'); o.value = 0; o.dispatchEvent(new Event('input'));");
        assertEquals(128, ((Number) js("return document.getElementById('view').width")).intValue());
        @SuppressWarnings("unchecked")
        List<Number> pixels = (List<Number>) js("const c = document.getElementById('view');"
                + "return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);");
        assertEquals(128 * 103 * 4, pixels.size());
        int same = 0;
        for (int y = 0; y < 103; y++) {
            for (int x = 0; x < 128; x++) {
                int rgb = tile.getRGB(x, y);
                int p = 4 * (y * 128 + x);
                same += pixels.get(p).intValue() == (rgb >> 16 & 0xFF) && pixels.get(p + 1).intValue() == (rgb >> 8 & 0xFF)
                        && pixels.get(p + 2).intValue() == (rgb & 0xFF) ? 1 : 0;
            }
        }
        assertEquals(128 * 103, same, "canvas pixels equal to the tile's");
        js("const o = document.getElementById('opacity'); o.value = 50; o.dispatchEvent(new Event('input'));");
        assertTrue(fetchText("#download-json").indexOf("preview") < 0, "the result download leaves the preview out");
    }

    @Test
    void uploadAGeoTiffAndDownloadItsTargetsAsGeoJson() throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, PATIENCE);
        driver.get("http://127.0.0.1:" + server.port() + "/");
        Path tiff = temp.resolve(ServeGeoTiffTest.NAIP);
        Files.write(tiff, ServeGeoTiffTest.fixture(ServeGeoTiffTest.NAIP));
        driver.findElement(By.id("file")).sendKeys(tiff.toString());
        wait.until(d -> d.findElement(By.id("image-name")).getText().equals(ServeGeoTiffTest.NAIP));
        driver.findElement(By.id("instruction")).sendKeys("segment the water and the roads");
        driver.findElement(By.cssSelector("details summary")).click();
        driver.findElement(By.id("answer")).sendKeys("sure, [SEG] water and [SEG] roads.");
        wait.until(d -> d.findElement(By.id("submit")).isEnabled());
        assertTrue(!driver.findElement(By.id("download-geojson")).isDisplayed(), "no GeoJSON before a result");
        driver.findElement(By.id("submit")).click();
        wait.until(d -> !d.findElements(By.cssSelector("#targets li.target")).isEmpty()
                || d.findElement(By.id("status")).getAttribute("class").contains("error"));
        assertEquals(2, driver.findElements(By.cssSelector("#targets li.target")).size(),
                driver.findElement(By.id("status")).getText());
        WebElement link = driver.findElement(By.id("download-geojson"));
        assertTrue(link.isDisplayed(), "the GeoJSON download appears for a GeoTIFF");
        wait.until(d -> "preview".equals(js("return document.getElementById('view').dataset.background")));
        saveScreenshot("serve-page-geotiff.png", null);

        JsonObject geojson = JsonParser.parseString(fetchText("#download-geojson")).getAsJsonObject();
        assertEquals("FeatureCollection", geojson.get("type").getAsString());
        assertTrue(geojson.getAsJsonArray("features").size() > 0, geojson.toString());
        JsonObject first = geojson.getAsJsonArray("features").get(0).getAsJsonObject();
        double lon = first.getAsJsonObject("geometry").getAsJsonArray("coordinates").get(0).getAsJsonArray().get(0)
                .getAsJsonArray().get(0).getAsDouble();
        assertTrue(lon > -118.2554 && lon < -118.2536, "a longitude of the LAX tile: " + lon);
        link.click();
        Path downloaded = temp.resolve("downloads").resolve("targets.geojson");
        wait.until(d -> Files.isRegularFile(downloaded));
        assertEquals(geojson, JsonParser.parseString(Files.readString(downloaded)));

        // a plain image afterwards: the GeoJSON download goes away
        driver.findElement(By.cssSelector("#examples button.example")).click();
        wait.until(d -> !d.findElement(By.id("download-geojson")).isDisplayed());
    }

    /** Saves a screenshot as {@code target/NAME}, and as {@code extra} when given. */
    private static void saveScreenshot(String name, String extra) throws Exception {
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        if (extra != null && !extra.isBlank()) {
            Files.copy(shot, Path.of(extra), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
