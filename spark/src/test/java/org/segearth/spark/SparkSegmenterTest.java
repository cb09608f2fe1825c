package org.segearth.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.segearth.api.Box;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Rle;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;

/** A job over a folder of images gives, per image, the targets of the Java segmenter. */
class SparkSegmenterTest {

    private static final String[] INSTRUCTIONS = {"segment the water and the buildings", "where do cars drive?"};

    @Test
    void jobOverAFolderEqualsTheSegmenterOnEachImage() throws Exception {
        List<Path> images;
        try (Stream<Path> s = Files.list(LocalSpark.testdata().resolve("dubai/images"))) {
            images = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        assertEquals(2, images.size());
        List<Row> in = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            in.add(RowFactory.create(i, images.get(i).toString(), INSTRUCTIONS[i]));
        }
        in.add(RowFactory.create(2, images.get(0).resolveSibling("missing.jpg").toString(), INSTRUCTIONS[0]));
        in.add(RowFactory.create(3, images.get(0).toString(), null));
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("image", DataTypes.StringType)
                .add("text", DataTypes.StringType);
        Dataset<Row> input = LocalSpark.session().createDataFrame(in, schema).repartition(2);

        Dataset<Row> out = SparkSegmenter.builder().imageColumn("image").instructionColumn("text").build()
                .transform(input);
        assertEquals(List.of("id", "image", "text", "target", "answer", "phrase", "score", "area", "box", "rle",
                "error"), List.of(out.schema().fieldNames()));
        List<Row> rows = new ArrayList<>(out.collectAsList());
        rows.sort(Comparator.<Row>comparingInt(r -> r.getInt(0))
                .thenComparingInt(r -> r.isNullAt(3) ? -1 : r.getInt(3)));

        try (Segmenter segmenter = Segmenter.builder().threads(1).build()) {
            int k = 0;
            for (int i = 0; i < images.size(); i++) {
                SegmentationResult expected = segmenter.segment(images.get(i), INSTRUCTIONS[i]);
                assertFalse(expected.targets().isEmpty(), expected.answer());
                for (Target t : expected.targets()) {
                    Row r = rows.get(k++);
                    assertEquals(i, r.getInt(0));
                    assertNull(r.get(10), () -> String.valueOf(r.get(10)));
                    assertEquals(t.index(), r.getInt(3));
                    assertEquals(expected.answer(), r.getString(4));
                    assertEquals(t.phrase(), r.getString(5));
                    assertEquals(t.score(), r.getDouble(6));
                    assertEquals(t.area(), r.getLong(7));
                    Box box = t.box().orElseThrow();
                    Row b = r.getStruct(8);
                    assertEquals(box, new Box(b.getInt(0), b.getInt(1), b.getInt(2), b.getInt(3)));
                    Row rle = r.getStruct(9);
                    assertEquals(t.mask(), Rle.fromCompressedString(rle.getString(2), rle.getInt(0), rle.getInt(1))
                            .toMask());
                }
            }
            assertEquals(k + 2, rows.size());
        }
        Row missing = rows.get(rows.size() - 2);
        assertEquals(2, missing.getInt(0));
        assertTrue(missing.getString(10).contains("missing.jpg"), missing.getString(10));
        assertFalse(missing.getString(10).contains("\n"));
        assertNull(missing.get(3));
        Row noInstruction = rows.get(rows.size() - 1);
        assertEquals(3, noInstruction.getInt(0));
        assertTrue(noInstruction.getString(10).contains("instruction is null"), noInstruction.getString(10));
    }

    @Test
    void modelShippedWithTheJobIsFoundByName() throws Exception {
        Path demo = org.segearth.runtime.pipeline.internal.DemoModel.open().root();
        LocalSpark.session().sparkContext().addFile(demo.toString(), true);
        Path image = LocalSpark.testdata().resolve("dubai/images/Tile1_image_part_001.jpg");
        Dataset<Row> input = LocalSpark.session().createDataFrame(
                List.of(RowFactory.create(image.toString(), INSTRUCTIONS[0])),
                new StructType().add("path", DataTypes.StringType).add("instruction", DataTypes.StringType));
        // the folder's name only: not a path on the executor, the file shipped under that name
        List<Row> rows = SparkSegmenter.builder().model(demo.getFileName().toString()).build().transform(input)
                .collectAsList();
        try (Segmenter segmenter = Segmenter.builder().threads(1).build()) {
            SegmentationResult expected = segmenter.segment(image, INSTRUCTIONS[0]);
            assertEquals(expected.targets().size(), rows.size());
            assertEquals(expected.answer(), rows.get(0).getString(3));
            assertNull(rows.get(0).get(9));
        }
    }

    @Test
    void inputsThatCannotWorkAreRefusedWhenTheJobIsBuilt() {
        Dataset<Row> input = LocalSpark.session().createDataFrame(List.of(RowFactory.create("a.jpg", "x")),
                new StructType().add("path", DataTypes.StringType).add("error", DataTypes.StringType));
        InvalidInputException clash = assertThrows(InvalidInputException.class,
                () -> SparkSegmenter.builder().instructionColumn("error").build().transform(input));
        assertTrue(clash.getMessage().contains("'error'"), clash.getMessage());
        InvalidInputException missing = assertThrows(InvalidInputException.class,
                () -> SparkSegmenter.builder().build().transform(input));
        assertTrue(missing.getMessage().contains("no column 'instruction'"), missing.getMessage());
    }
}
