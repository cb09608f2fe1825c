package org.segearth.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.segearth.api.Box;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Rle;
import org.segearth.api.SegEarthException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.Messages;

/** The work of one partition of a {@link SparkSegmenter} job: rows in, target rows out, lazily. */
final class SegmentPartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;
    /** The longest error message kept in a row. */
    private static final int MAX_ERROR = 1000;

    private final ModelSpec model;
    private final ImageInput input;
    /** Positions of the input's columns, then of the instruction column. */
    private final int[] positions;

    SegmentPartition(ModelSpec model, ImageInput input, int[] positions) {
        this.model = model;
        this.input = input;
        this.positions = positions.clone();
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return ScenePartitions.flatMap(rows, this::segment);
    }

    /** The output rows of one input row. */
    List<Row> segment(Row row) {
        Segmenter segmenter = ExecutorModels.get(model); // outside the try: a model that cannot load fails the task
        int[] imageColumns = java.util.Arrays.copyOf(positions, positions.length - 1);
        SegmentationResult r;
        try {
            int ic = positions[positions.length - 1];
            if (row.isNullAt(ic)) {
                throw new InvalidInputException("the instruction is null");
            }
            r = segmenter.segment(input.read(row, imageColumns), row.getString(ic));
        } catch (RuntimeException e) {
            return List.of(out(row, null, null, errorMessage(row, imageColumns, e)));
        }
        if (r.targets().isEmpty()) {
            return List.of(out(row, r.answer(), null, null));
        }
        List<Row> out = new ArrayList<>(r.targets().size());
        for (Target t : r.targets()) {
            out.add(out(row, r.answer(), t, null));
        }
        return out;
    }

    private String errorMessage(Row row, int[] imageColumns, RuntimeException e) {
        String what;
        try {
            what = input.describe(row, imageColumns);
        } catch (RuntimeException unnamed) {
            what = null;
        }
        return errorMessage(what, e);
    }

    /** A row's error: the first line of {@code e}'s message, prefixed with {@code what} failed unless it names it. */
    static String errorMessage(String what, RuntimeException e) {
        String text = e.getMessage() == null ? e.toString()
                : e instanceof SegEarthException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        text = text.lines().findFirst().orElse(text);
        if (what != null && !text.contains(what)) {
            text = what + ": " + text;
        }
        return Messages.abbreviate(text, MAX_ERROR);
    }

    private static Row out(Row in, String answer, Target t, String error) {
        Object[] v = new Object[in.length() + SparkSegmenter.OUTPUT_COLUMNS.size()];
        for (int i = 0; i < in.length(); i++) {
            v[i] = in.get(i);
        }
        int k = in.length();
        v[k++] = t == null ? null : t.index();
        v[k++] = answer;
        v[k++] = t == null ? null : t.phrase();
        v[k++] = t == null ? null : t.score();
        v[k++] = t == null ? null : t.area();
        Box box = t == null ? null : t.box().orElse(null);
        v[k++] = box == null ? null : RowFactory.create(box.x(), box.y(), box.width(), box.height());
        Rle rle = t == null ? null : t.mask().toRle();
        v[k++] = rle == null ? null : RowFactory.create(rle.height(), rle.width(), rle.toCompressedString());
        v[k] = error;
        return RowFactory.create(v);
    }
}
