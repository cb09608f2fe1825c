package org.segearth.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Box;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;

class DatasetReadersTest {

    @Test
    void lasers(@TempDir Path dir) throws Exception {
        Path root = Fixtures.lasers(dir);
        BenchmarkDataset ds = Datasets.open("lasers", root, "test");
        assertEquals(3, ds.size());
        // files in name order: implicit.json, then part.json
        Sample implicit = ds.get(0);
        assertEquals(Optional.of("implicit-q"), implicit.group());
        Sample p1 = ds.get(1);
        assertEquals("p1", p1.id());
        assertEquals(Optional.of("part"), p1.group());
        assertEquals("segment the two roofs", p1.instruction());
        assertEquals(Optional.of("the roofs [SEG] and [SEG]"), p1.answer());
        assertEquals(List.of(Fixtures.lasersA(), Fixtures.lasersB()), p1.targets());
        assertEquals("x", p1.extra().get("source"));
        assertEquals(8, p1.image().getWidth());
        assertEquals("2", ds.get(2).id());
        assertEquals(List.of(Fixtures.lasersB()), ds.get(2).targets());

        BenchmarkDataset one = Datasets.open("lasers", root, "part.json");
        assertEquals(2, one.size());
    }

    @Test
    void lasersMalformedRecordsNameFileAndRecord(@TempDir Path dir) throws Exception {
        Fixtures.text(dir.resolve("test/annotations/bad.json"),
                "[{\"id\": \"ok\", \"image_name\": \"a.png\", \"description\": \"d\", \"answer\": \"[SEG]\", \"mask\": []}]");
        SegEarthException e = assertThrows(SegEarthException.class, () -> new LaSeRSDataset(dir, "test"));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("id ok"), e.getMessage());

        Fixtures.text(dir.resolve("test/annotations/bad.json"), "[{\"id\": \"n\", \"description\": \"d\"}]");
        e = assertThrows(SegEarthException.class, () -> new LaSeRSDataset(dir, "test"));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("image_name"), e.getMessage());

        Fixtures.text(dir.resolve("test/annotations/bad.json"), "[{\"id\": \"r\", \"image_name\": \"a.png\","
                + " \"description\": \"d\", \"answer\": \"[SEG]\", \"mask\": [{\"size\": [2, 2], \"counts\": \"9\"}]}]");
        Sample s = new LaSeRSDataset(dir, "test").get(0);
        e = assertThrows(SegEarthException.class, s::targets);
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("id r"), e.getMessage());

        // test splits without masks have no ground truth
        Fixtures.text(dir.resolve("test/annotations/bad.json"),
                "[{\"id\": \"t\", \"image_name\": \"a.png\", \"description\": \"d\", \"answer\": \"[SEG]\"}]");
        assertFalse(new LaSeRSDataset(dir, "test").get(0).hasGroundTruth());
    }

    @Test
    void refSegRS(@TempDir Path root) throws Exception {
        Mask target = Mask.builder(7, 5).fill(new Box(2, 1, 3, 3)).build();
        Fixtures.image(root.resolve("images/17.tif"), 7, 5, "tiff");
        Fixtures.label(root.resolve("masks/17.tif"), target, 255, "tiff");
        Fixtures.text(root.resolve("output_phrase_test.txt"), "17 the road along the river\n\n17 road\n");
        BenchmarkDataset ds = Datasets.open("refsegrs", root, "test");
        assertEquals(2, ds.size());
        Sample s = ds.get(0);
        assertEquals("the road along the river", s.instruction());
        assertEquals(List.of(target), s.targets());
        assertEquals(7, s.image().getWidth());
        assertEquals("17_3", ds.get(1).id());

        Fixtures.text(root.resolve("output_phrase_val.txt"), "17 fine\nlonely\n");
        SegEarthException e = assertThrows(SegEarthException.class, () -> new RefSegRSDataset(root, "val"));
        assertTrue(e.getMessage().contains("output_phrase_val.txt, line 2"), e.getMessage());

        Files.delete(root.resolve("masks/17.tif"));
        e = assertThrows(SegEarthException.class, () -> ds.get(0).targets());
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("17.tif"), e.getMessage());
    }

    @Test
    void earthReason(@TempDir Path root) throws Exception {
        Mask target = Mask.builder(6, 4).fill(new Box(0, 0, 2, 2)).build();
        Fixtures.image(root.resolve("val/images/x1.jpg"), 6, 4, "jpg");
        Fixtures.image(root.resolve("val/images/x2.png"), 6, 4, "png");
        Fixtures.label(root.resolve("val/labels/x1.png"), target, 3, "png");
        Fixtures.label(root.resolve("val/labels/x2.png"), Mask.empty(6, 4), 0, "png");
        Fixtures.text(root.resolve("val/QAs/x1.json"),
                "{\"questions\": [\"Where could people gather?\", \"other\"], \"answer\": [\"The square [SEG].\"], \"level\": 2}");
        Fixtures.text(root.resolve("val/QAs/x2.json"), "{\"questions\": [\"Any harbour?\"], \"answer\": []}");
        BenchmarkDataset ds = Datasets.open("earthreason", root, "val");
        assertEquals(2, ds.size());
        Sample s1 = ds.get(0);
        assertEquals("x1", s1.id());
        assertEquals("Where could people gather?", s1.instruction());
        assertEquals(List.of(target), s1.targets());
        assertEquals(2L, s1.extra().get("level"));
        Sample s2 = ds.get(1);
        assertEquals(List.of(), s2.targets());
        assertEquals(Optional.empty(), s2.answer());

        Fixtures.text(root.resolve("val/QAs/x2.json"), "{\"answer\": []}");
        SegEarthException e = assertThrows(SegEarthException.class, () -> new EarthReasonDataset(root, "val"));
        assertTrue(e.getMessage().contains("x2.json") && e.getMessage().contains("questions"), e.getMessage());
    }

    /** RRSIS-D with a protocol-2 refs(unc).p written byte by byte and a polygon annotation. */
    @Test
    void rrsisd(@TempDir Path root) throws Exception {
        Fixtures.image(root.resolve("images/rrsisd/JPEGImages/00001.png"), 5, 5, "png");
        Fixtures.text(root.resolve("rrsisd/instances.json"), "{\"images\": [{\"id\": 3, \"file_name\": \"00001.png\","
                + " \"height\": 5, \"width\": 5}], \"annotations\": [{\"id\": 70, \"image_id\": 3, \"category_id\": 1,"
                + " \"segmentation\": [[1, 1, 3, 1, 3, 3, 1, 3]]}, {\"id\": 71, \"image_id\": 3, \"category_id\": 1,"
                + " \"segmentation\": {\"size\": [5, 5], \"counts\": [0, 25]}}],"
                + " \"categories\": [{\"id\": 1, \"name\": \"vehicle\"}]}");
        Files.write(root.resolve("rrsisd/refs(unc).p"), refs());
        BenchmarkDataset ds = Datasets.open("rrsisd", root, "test");
        assertEquals(1, ds.size());
        Sample s = ds.get(0);
        assertEquals("5", s.id());
        assertEquals("the red car", s.instruction());
        assertEquals(Optional.of("vehicle"), s.group());
        assertEquals(List.of(Mask.builder(5, 5).fill(new Box(1, 1, 2, 2)).build()), s.targets());
        assertEquals(5, s.image().getHeight());
        BenchmarkDataset val = new RrsisdDataset(root, "val", true);
        assertEquals(2, val.size());
        assertEquals(25, val.get(1).targets().get(0).area());
        assertEquals("a bus", val.get(1).instruction());

        Files.write(root.resolve("rrsisd/refs(unc).p"), new PickleBytes().proto(2).op('c').text("os\nsystem\n")
                .op(']').op('R').stop().bytes());
        SegEarthException e = assertThrows(SegEarthException.class, () -> new RrsisdDataset(root, "test"));
        assertTrue(e.getMessage().contains("refs(unc).p") && e.getMessage().contains("GLOBAL"), e.getMessage());
    }

    @Test
    void lasersFilesOutsideTheRootAreRefused(@TempDir Path dir) throws Exception {
        Path root = Fixtures.lasers(dir.resolve("root"));
        Fixtures.image(dir.resolve("secret.png"), 8, 6, "png");
        for (String name : new String[] {"../../secret.png", "../annotations/part.json",
                dir.resolve("secret.png").toString()}) {
            Fixtures.text(root.resolve("test/annotations/part.json"), "[{\"id\": \"x\", \"image_name\": "
                    + new com.google.gson.JsonPrimitive(name) + ", \"description\": \"d\"}]");
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> new LaSeRSDataset(root, "test"));
            assertTrue(e.getMessage().contains("part.json, record #0 (id x)") && e.getMessage().contains("image_name"),
                    e.getMessage());
        }
        // a symbolic link in the images folder that points out of it
        Files.createSymbolicLink(root.resolve("test/images/link.png"), dir.resolve("secret.png"));
        Fixtures.text(root.resolve("test/annotations/part.json"),
                "[{\"id\": \"y\", \"image_name\": \"link.png\", \"description\": \"d\"}]");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new LaSeRSDataset(root, "test"));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> new LaSeRSDataset(root, "../../x.json"));
        // the images folder itself may be a link (images kept elsewhere)
        Path elsewhere = dir.resolve("elsewhere");
        Files.createDirectories(elsewhere);
        Fixtures.image(elsewhere.resolve("c.png"), 8, 6, "png");
        Files.createDirectories(root.resolve("train/annotations"));
        Files.createSymbolicLink(root.resolve("train/images"), elsewhere);
        Fixtures.text(root.resolve("train/annotations/t.json"),
                "[{\"id\": \"z\", \"image_name\": \"c.png\", \"description\": \"d\"}]");
        assertEquals(8, new LaSeRSDataset(root, "train").get(0).image().getWidth());
    }

    @Test
    void refSegRSIdsLeavingTheRootAreRefused(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        Fixtures.image(dir.resolve("x.tif"), 7, 5, "tiff");
        Fixtures.text(root.resolve("output_phrase_test.txt"), "17 fine\n../../x the road\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new RefSegRSDataset(root, "test"));
        assertTrue(e.getMessage().contains("output_phrase_test.txt, line 2") && e.getMessage().contains("../../x.tif"),
                e.getMessage());
        Fixtures.text(root.resolve("output_phrase_test.txt"), dir.resolve("x") + " the road\n");
        assertThrows(InvalidInputException.class, () -> new RefSegRSDataset(root, "test"));
        assertThrows(InvalidInputException.class, () -> new RefSegRSDataset(root, "a/../../../x"));
    }

    @Test
    void earthReasonLinksOutOfTheFolderAreRefused(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        Fixtures.image(dir.resolve("outside.png"), 6, 4, "png");
        Fixtures.text(root.resolve("val/QAs/x1.json"), "{\"questions\": [\"q\"], \"answer\": []}");
        Files.createDirectories(root.resolve("val/images"));
        Files.createDirectories(root.resolve("val/labels"));
        Files.createSymbolicLink(root.resolve("val/images/x1.png"), dir.resolve("outside.png"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new EarthReasonDataset(root, "val"));
        assertTrue(e.getMessage().contains("x1.png") && e.getMessage().contains("symbolic link"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> new EarthReasonDataset(root, "../root/val/../../x"));
    }

    /** RRSIS-D: an image file_name out of the image folder, polygons at 4e8 and 1e300, a malformed size. */
    @Test
    void rrsisdHostileAnnotations(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        Fixtures.image(root.resolve("images/rrsisd/JPEGImages/00001.png"), 5, 5, "png");
        Files.createDirectories(root.resolve("rrsisd"));
        Files.write(root.resolve("rrsisd/refs(unc).p"), refs());
        String instances = "{\"images\": [{\"id\": 3, \"file_name\": \"FILE\", \"height\": 5, \"width\": 5}],"
                + " \"annotations\": [{\"id\": 70, \"image_id\": 3, \"segmentation\": [[0, 0, X, 0, X, X, 0, X]]},"
                + " {\"id\": 71, \"image_id\": 3, \"segmentation\": [[0, 0, 1, 0, 1, 1]]}]}";
        Fixtures.text(root.resolve("rrsisd/instances.json"), instances.replace("FILE", "../../../../x.png")
                .replace("X", "4"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new RrsisdDataset(root, "test"));
        assertTrue(e.getMessage().contains("ref_id 5") && e.getMessage().contains("file_name"), e.getMessage());

        Fixtures.text(root.resolve("rrsisd/instances.json"), instances.replace("FILE", "00001.png").replace("X", "4e8"));
        assertEquals(25, new RrsisdDataset(root, "test").get(0).targets().get(0).area());

        Fixtures.text(root.resolve("rrsisd/instances.json"), instances.replace("FILE", "00001.png").replace("X", "1e300"));
        Sample s = new RrsisdDataset(root, "test").get(0);
        e = assertThrows(InvalidInputException.class, s::targets);
        assertTrue(e.getMessage().contains("ann_id 70") && e.getMessage().contains("instances.json")
                && e.getMessage().contains("coordinate 2") && !e.getMessage().contains("-2147483648"), e.getMessage());

        Fixtures.text(root.resolve("rrsisd/instances.json"), instances.replace("FILE", "00001.png").replace("X", "4")
                .replace("\"height\": 5", "\"height\": 1e12"));
        e = assertThrows(InvalidInputException.class, () -> new RrsisdDataset(root, "test"));
        assertTrue(e.getMessage().contains("\"height\""), e.getMessage());
    }

    /** [{ref_id 5, ann_id 70, image_id 3, split test, category_id 1}, {ref_id 6, ann_id 71, split val, 2 sentences}]. */
    private static byte[] refs() {
        PickleBytes p = new PickleBytes().proto(2).op(']').binput(0).mark();
        p.op('}').binput(1).mark();
        p.binunicode("ref_id").binput(2).binint1(5).binunicode("ann_id").binput(3).binint1(70);
        p.binunicode("image_id").binput(4).binint1(3).binunicode("split").binput(5).binunicode("test").binput(6);
        p.binunicode("category_id").binput(7).binint1(1);
        p.binunicode("sentences").binput(8).op(']').binput(9).op('}').binput(10).mark()
                .binunicode("raw").binput(11).binunicode("the red car").binput(12)
                .binunicode("sent_id").binput(13).binint1(0).op('u').op('a');
        p.op('u');
        p.op('}').binput(14).mark();
        p.binget(2).binint1(6).binget(3).binint1(71).binget(4).binint1(3).binget(5).binunicode("val").binput(15)
                .binget(7).binint1(1);
        p.binget(8).op(']').binput(16).mark()
                .op('}').mark().binget(11).binunicode("a large bus").binget(13).binint1(1).op('u')
                .op('}').mark().binget(11).binunicode(" a bus ").binget(13).binint1(2).op('u')
                .op('e');
        p.op('u');
        p.op('e');
        return p.stop().bytes();
    }
}
