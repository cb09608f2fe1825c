package org.segearth.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.locationtech.jts.io.WKBWriter;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.geo.GeoScene;
import org.segearth.geo.SceneMerger;
import org.segearth.geo.SceneOptions;
import org.segearth.geo.ScenePlan;
import org.segearth.geo.SceneResult;
import org.segearth.geo.SceneSegmenter;
import org.segearth.geo.TileTargets;
import org.segearth.runtime.FileTrees;

/** The three stages of a {@link SparkScenes} job, each the work of one partition. */
final class ScenePartitions {

    private ScenePartitions() {}

    /** Rows in, rows out, lazily: {@code work} turns one input row into its output rows. */
    static Iterator<Row> flatMap(Iterator<Row> rows, Function<Row, List<Row>> work) {
        return runs(rows, first -> single(() -> work.apply(first)));
    }

    /** A run of its first row alone, whose output rows {@code out} gives. */
    static Run single(java.util.function.Supplier<List<Row>> out) {
        return new Run() {
            private boolean taken;

            @Override
            public boolean add(Row row) {
                boolean first = !taken;
                taken = true;
                return first;
            }

            @Override
            public List<Row> finish() {
                return out.get();
            }
        };
    }

    /**
     * A run of consecutive rows that become output rows together: it is started at its first row,
     * given that row and then each next one until {@link #add} refuses one (which starts the next
     * run), finished, and closed whether or not it finished.
     */
    interface Run extends AutoCloseable {
        /** Takes {@code row} into the run; false: the row belongs to the next run (never for the first). */
        boolean add(Row row);

        /** The run's output rows. */
        List<Row> finish();

        @Override
        default void close() {}
    }

    /** The output rows of the runs of {@code rows}, lazily: {@code start} makes the run that a row begins. */
    static Iterator<Row> runs(Iterator<Row> rows, Function<Row, Run> start) {
        return new Iterator<>() {
            private Row ahead;
            private Iterator<Row> pending = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!pending.hasNext() && (ahead != null || rows.hasNext())) {
                    Row first = ahead != null ? ahead : rows.next();
                    ahead = null;
                    try (Run run = start.apply(first)) {
                        run.add(first);
                        while (rows.hasNext()) {
                            Row r = rows.next();
                            if (!run.add(r)) {
                                ahead = r;
                                break;
                            }
                        }
                        pending = run.finish().iterator();
                    }
                }
                return pending.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.next();
            }
        };
    }

    /** The scene of a row, opened once for consecutive rows of the same scene and closed with the task. */
    private static final class OpenScene {
        private String path;
        private GeoScene scene;

        OpenScene() {
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) t -> close());
            }
        }

        GeoScene get(String path) {
            if (!path.equals(this.path)) {
                close();
                scene = GeoScene.open(SceneRows.scenePath(path));
                this.path = path;
            }
            return scene;
        }

        void close() {
            if (scene != null) {
                GeoScene s = scene;
                scene = null;
                path = null;
                s.close();
            }
        }
    }

    /** Stage 1: each scene row becomes one row per tile of its plan (or one error row). */
    static final class Plan implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final SceneSpec spec;
        private final ModelSpec model;
        private final int sceneColumn;
        private final int instructionColumn;

        Plan(SceneSpec spec, ModelSpec model, int sceneColumn, int instructionColumn) {
            this.spec = spec;
            this.model = model;
            this.sceneColumn = sceneColumn;
            this.instructionColumn = instructionColumn;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TaskContext task = TaskContext.get();
            long base = (task == null ? 0L : task.partitionId()) << 33;
            long[] next = {0};
            SceneOptions options = spec.toOptions();
            // the tile side follows the model's input side, as on one machine; the model is loaded here once per JVM
            int inputSide = SceneOptions.modelInputSide(ExecutorModels.get(model));
            return flatMap(rows, row -> plan(row, base + next[0]++, options, inputSide));
        }

        private List<Row> plan(Row row, long id, SceneOptions options, int inputSide) {
            int inputs = row.length();
            String scene = row.isNullAt(sceneColumn) ? null : row.getString(sceneColumn);
            try {
                if (scene == null) {
                    throw new InvalidInputException("the scene is null");
                }
                if (row.isNullAt(instructionColumn)) {
                    throw new InvalidInputException("the instruction is null");
                }
                ScenePlan plan;
                try (GeoScene s = GeoScene.open(SceneRows.scenePath(scene))) {
                    if (!s.isGeoreferenced()) {
                        throw new InvalidInputException(scene + " is a TIFF without georeferencing; segment it as a"
                                + " plain image (SparkSegmenter)");
                    }
                    plan = ScenePlan.of(s, options, inputSide);
                }
                Row p = SceneRows.plan(plan);
                List<Row> tiles = new ArrayList<>(plan.tileCount());
                for (int i = 0; i < plan.tileCount(); i++) {
                    tiles.add(SceneRows.tile(row, inputs, id, i, p, null, null, null, null));
                }
                return tiles;
            } catch (RuntimeException e) {
                return List.of(SceneRows.tile(row, inputs, id, -1, null, null, null, null,
                        SegmentPartition.errorMessage(scene, e)));
            }
        }
    }

    /** Stage 2: each tile row is read, segmented and grouped by phrase ({@link TileTargets}). */
    static final class Segment implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final ModelSpec model;
        private final SceneSpec spec;
        private final int inputs;
        private final int sceneColumn;
        private final int instructionColumn;

        Segment(ModelSpec model, SceneSpec spec, int inputs, int sceneColumn, int instructionColumn) {
            this.model = model;
            this.spec = spec;
            this.inputs = inputs;
            this.sceneColumn = sceneColumn;
            this.instructionColumn = instructionColumn;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            OpenScene open = new OpenScene();
            Plans plans = new Plans();
            SceneOptions options = spec.toOptions();
            return runs(rows, first -> {
                if (!first.isNullAt(inputs + SceneRows.ERROR)) {
                    return single(() -> List.of(first)); // an error row passes through
                }
                // the tiles of one batch, as the single-machine tiler forms it, are encoded together
                Segmenter segmenter = ExecutorModels.get(model); // a model that cannot load fails the task
                int batch = SceneSegmenter.tileBatch(segmenter, options);
                Object key = batchKey(first, batch, plans);
                List<Row> group = new ArrayList<>();
                return new Run() {
                    @Override
                    public boolean add(Row row) {
                        if (!group.isEmpty() && (key == null || !key.equals(batchKey(row, batch, plans)))) {
                            return false;
                        }
                        group.add(row);
                        return true;
                    }

                    @Override
                    public List<Row> finish() {
                        return segment(group, segmenter, open, plans);
                    }
                };
            });
        }

        /** Scene and batch of a tile row; null for an error row or a plan that cannot be read. */
        private Object batchKey(Row row, int batch, Plans plans) {
            if (!row.isNullAt(inputs + SceneRows.ERROR)) {
                return null;
            }
            try {
                ScenePlan plan = plans.of(row.getStruct(inputs + SceneRows.PLAN));
                return List.of(row.getLong(inputs + SceneRows.SCENE),
                        plan.batchOf(row.getInt(inputs + SceneRows.TILE), batch));
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** One batch of tile rows: read, encoded together, then segmented one by one. */
        private List<Row> segment(List<Row> group, Segmenter segmenter, OpenScene open, Plans plans) {
            Row[] out = new Row[group.size()];
            ScenePlan.Pixels[] pixels = new ScenePlan.Pixels[group.size()];
            int[][] windows = new int[group.size()][];
            List<ImageSource> valid = new ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                Row row = group.get(i);
                try {
                    ScenePlan plan = plans.of(row.getStruct(inputs + SceneRows.PLAN));
                    int[] w = plan.window(row.getInt(inputs + SceneRows.TILE));
                    windows[i] = w;
                    pixels[i] = plan.read(open.get(row.getString(sceneColumn)), w[0], w[1]);
                    if (pixels[i].valid() > 0) {
                        valid.add(pixels[i].image());
                    }
                } catch (RuntimeException e) {
                    out[i] = failed(row, windows[i], e);
                }
            }
            try {
                SceneSegmenter.prefetch(segmenter, valid);
            } catch (RuntimeException e) {
                // each tile is then encoded on its own, and fails on its own if it must
            }
            for (int i = 0; i < group.size(); i++) {
                if (out[i] == null) {
                    out[i] = segment(group.get(i), pixels[i], windows[i], segmenter);
                }
            }
            return List.of(out);
        }

        /** One read tile row, its window {@code w} (x, y, width, height), segmented. */
        private Row segment(Row row, ScenePlan.Pixels px, int[] w, Segmenter segmenter) {
            int tile = row.getInt(inputs + SceneRows.TILE);
            Row p = row.getStruct(inputs + SceneRows.PLAN);
            long id = row.getLong(inputs + SceneRows.SCENE);
            try {
                if (px.valid() == 0) {
                    return SceneRows.tile(row, inputs, id, tile, p, 0, List.of(), false, null);
                }
                SegmentationResult r = segmenter.segment(px.image(), row.getString(instructionColumn));
                TileTargets t = TileTargets.of(r, w[0], w[1], w[2], w[3]);
                return SceneRows.tile(row, inputs, id, tile, p, px.valid(), SceneRows.phrases(t), t.fromMasks(), null);
            } catch (RuntimeException e) {
                return failed(row, w, e);
            }
        }

        /** The error row of a tile; {@code w} its window, null when the plan itself is what failed. */
        private Row failed(Row row, int[] w, RuntimeException e) {
            int tile = row.getInt(inputs + SceneRows.TILE);
            Row p = row.getStruct(inputs + SceneRows.PLAN);
            String what = row.getString(sceneColumn) + " tile " + tile + (w == null ? "" : " at " + w[0] + "," + w[1]);
            return SceneRows.tile(row, inputs, row.getLong(inputs + SceneRows.SCENE), tile, p, null, null, null,
                    SegmentPartition.errorMessage(what, e));
        }
    }

    /**
     * The plan of the last plan struct seen: the tile rows of one scene come together and share one
     * struct, so each scene's plan is rebuilt once per run of its rows rather than per use.
     */
    static final class Plans {
        private Row struct;
        private ScenePlan plan;

        ScenePlan of(Row planStruct) {
            if (plan == null || (planStruct != struct && !planStruct.equals(struct))) {
                plan = SceneRows.plan(planStruct);
                struct = planStruct;
            }
            return plan;
        }
    }

    /**
     * Stage 3: the tile rows of a partition, sorted by scene and tile, are merged scene by scene
     * with a {@link SceneMerger}; one row per scene target (or one row without target, or one
     * error row). The tiles' pixels are read again for the nodata mask and the quick-look.
     */
    static final class Merge implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final SceneSpec spec;
        private final int inputs;
        private final int sceneColumn;
        private final int outputColumn;

        /** @param outputColumn the position of the output folder column, -1 for none */
        Merge(SceneSpec spec, int inputs, int sceneColumn, int outputColumn) {
            this.spec = spec;
            this.inputs = inputs;
            this.sceneColumn = sceneColumn;
            this.outputColumn = outputColumn;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            SceneOptions options = spec.toOptions();
            return runs(rows, first -> new SceneRun(first, options));
        }

        /** The merge of one scene, fed its tile rows in order; the first failure ends it. */
        private final class SceneRun implements Run {
            private final Row first;
            private final SceneOptions options;
            private final String scene;
            private String error;
            private GeoScene open;
            private ScenePlan plan;
            private SceneMerger merger;
            private Path out;
            private Path staging;
            private int expected;
            private int skipped;

            SceneRun(Row first, SceneOptions options) {
                this.first = first;
                this.options = options;
                this.scene = first.isNullAt(sceneColumn) ? null : first.getString(sceneColumn);
            }

            /** Takes a tile row of this scene (the first row's scene id); a row of another scene starts the next run. */
            @Override
            public boolean add(Row row) {
                if (row.getLong(inputs + SceneRows.SCENE) != first.getLong(inputs + SceneRows.SCENE)) {
                    return false;
                }
                accept(row);
                return true;
            }

            private void accept(Row row) {
                if (error != null) {
                    return;
                }
                if (!row.isNullAt(inputs + SceneRows.ERROR)) {
                    error = row.getString(inputs + SceneRows.ERROR);
                    return;
                }
                int tile = row.getInt(inputs + SceneRows.TILE);
                try {
                    if (merger == null) {
                        start(row);
                    }
                    if (tile != expected) {
                        throw new IllegalStateException("tile " + expected + " of " + plan.tileCount()
                                + " never came back from the tile stage");
                    }
                    int[] w = plan.window(tile);
                    ScenePlan.Pixels px = plan.read(open, w[0], w[1]);
                    if (px.valid() != row.getInt(inputs + SceneRows.VALID)) {
                        throw new IllegalStateException("tile " + tile + " has " + px.valid() + " valid pixels here but "
                                + row.getInt(inputs + SceneRows.VALID) + " when it was segmented: the scene must be the"
                                + " same file on every executor");
                    }
                    merger.pixels(w[0], w[1], px);
                    if (px.valid() == 0) {
                        skipped++;
                    } else {
                        merger.add(SceneRows.targets(w, row.getList(inputs + SceneRows.PHRASES),
                                row.getBoolean(inputs + SceneRows.FROM_MASKS)));
                    }
                    int[] ys = plan.ys();
                    int columns = plan.xs().length;
                    if (tile % columns == columns - 1) {
                        int k = tile / columns;
                        merger.finishRows(k + 1 < ys.length ? ys[k + 1] : plan.height());
                    }
                    expected++;
                } catch (IOException e) {
                    error = SegmentPartition.errorMessage(scene, new UncheckedIOException(e.getMessage(), e));
                } catch (RuntimeException e) {
                    error = SegmentPartition.errorMessage(scene, e);
                }
            }

            private void start(Row row) throws IOException {
                plan = SceneRows.plan(row.getStruct(inputs + SceneRows.PLAN));
                String folder = outputColumn < 0 || row.isNullAt(outputColumn) ? null : row.getString(outputColumn);
                if (folder != null) {
                    out = SceneRows.scenePath(folder);
                    if (Files.isDirectory(out)) {
                        try (var entries = Files.list(out)) {
                            if (entries.findAny().isPresent()) {
                                throw new InvalidInputException("the output folder " + out + " is not empty; give each"
                                        + " scene a new or empty folder");
                            }
                        }
                    }
                    Files.createDirectories(out);
                    staging = Files.createTempDirectory(out, ".segearth-scene-");
                } else {
                    staging = Files.createTempDirectory("segearth-scene-");
                }
                open = GeoScene.open(SceneRows.scenePath(scene));
                merger = new SceneMerger(open, plan, options, staging);
            }

            @Override
            public List<Row> finish() {
                if (error == null) {
                    try {
                        if (expected != plan.tileCount()) {
                            throw new IllegalStateException("tile " + expected + " of " + plan.tileCount()
                                    + " never came back from the tile stage");
                        }
                        SceneResult result = merger.finish(skipped);
                        if (out != null) {
                            for (String name : result.files()) {
                                Files.move(staging.resolve(name), out.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                            }
                        }
                        return rows(result);
                    } catch (IOException e) {
                        error = SegmentPartition.errorMessage(scene, new UncheckedIOException(e.getMessage(), e));
                    } catch (RuntimeException e) {
                        error = SegmentPartition.errorMessage(scene, e);
                    }
                }
                return List.of(out(null, error));
            }

            private List<Row> rows(SceneResult result) {
                if (result.targets().isEmpty()) {
                    return List.of(out(null, null));
                }
                WKBWriter wkb = new WKBWriter();
                List<Row> rows = new ArrayList<>();
                for (int i = 0; i < result.targets().size(); i++) {
                    SceneResult.SceneTarget t = result.targets().get(i);
                    int[] b = merger.boxes().get(i);
                    rows.add(out(new Object[] {t.index(), t.phrase(), t.score(), t.areaSquareMetres(), t.pixels(),
                        t.polygons(), t.tiles(), RowFactory.create(b[0], b[1], b[2], b[3]),
                        wkb.write(merger.geometries().get(i)), merger.crsIdentifier()}, null));
                }
                return rows;
            }

            /** An output row: the input columns, then the target's columns (null: none), then the error. */
            private Row out(Object[] target, String error) {
                int added = SparkScenes.OUTPUT_COLUMNS.size();
                Object[] v = new Object[inputs + added];
                for (int i = 0; i < inputs; i++) {
                    v[i] = first.get(i);
                }
                if (target != null) {
                    System.arraycopy(target, 0, v, inputs, target.length);
                }
                v[inputs + added - 1] = error;
                return RowFactory.create(v);
            }

            @Override
            public void close() {
                try {
                    if (merger != null) {
                        merger.close();
                    }
                } catch (IOException e) {
                    error = error != null ? error : SegmentPartition.errorMessage(scene, new UncheckedIOException(e));
                } finally {
                    if (open != null) {
                        open.close();
                    }
                    if (staging != null) {
                        try {
                            FileTrees.deleteTree(staging);
                        } catch (IOException e) {
                            error = error != null ? error
                                    : SegmentPartition.errorMessage(scene, new UncheckedIOException(e));
                        }
                    }
                }
            }
        }
    }
}
