package org.segearth.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Segmenter;
import org.segearth.spark.sample.SegmentImagesOnSpark;

/** The segmentation sample, run in local mode on the Dubai tiles (the evaluation sample: SparkEvaluationTest). */
class SamplesTest {

    @TempDir
    Path tmp;

    @Test
    void segmentImagesOnSparkWritesOneRowPerTarget() throws Exception {
        Path images = LocalSpark.testdata().resolve("dubai/images");
        String out = tmp.resolve("water").toString();
        SegmentImagesOnSpark.Summary s = SegmentImagesOnSpark.run(LocalSpark.session(), images.toString(),
                "segment the water", out, null);
        assertEquals(2, s.images());
        assertEquals(0, s.failed());
        long expected = 0;
        try (Segmenter segmenter = Segmenter.builder().threads(1).build()) {
            for (String name : List.of("Tile1_image_part_001.jpg", "Tile1_image_part_002.jpg")) {
                expected += segmenter.segment(images.resolve(name), "segment the water").targets().size();
            }
        }
        assertEquals(expected, s.targets());
        List<Row> rows = LocalSpark.session().read().parquet(out).collectAsList();
        assertTrue(rows.stream().allMatch(r -> r.getString(r.fieldIndex("path")).startsWith("file:")), rows.toString());
        // a second run into the same folder is refused, the first one's output stays
        assertThrows(Exception.class, () -> SegmentImagesOnSpark.run(LocalSpark.session(), images.toString(),
                "segment the water", out, null));
        assertEquals(rows.size(), LocalSpark.session().read().parquet(out).count());
    }
}
