package org.segearth.geo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.apache.sis.referencing.CRS;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.segearth.geo.internal.Areas;
import org.segearth.geo.internal.GeoJsonWriter;
import org.segearth.geo.internal.QuickLook;
import org.segearth.geo.internal.TileBlender;
import org.segearth.geo.internal.TileLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the tiles of one scene into scene targets and writes the scene's outputs: the one
 * implementation behind {@link SceneSegmenter}, Spark's scene stage and anything else that
 * segments tiles somewhere and merges them here. Tiles come row of tiles by row of tiles, in the
 * order of {@link ScenePlan#window}: for each tile its {@link #pixels} (nodata and quick-look) and,
 * unless it was skipped, its {@link #add targets}; after each row of tiles {@link #finishRows};
 * at the end {@link #finish}. Targets with equal normalised phrases are one scene target; their
 * logits are blended with linear ramps over the overlaps (see {@code internal.TileBlender}).
 *
 * <pre>{@code
 * try (SceneMerger merger = new SceneMerger(scene, plan, options, staging)) {
 *     for (int k = 0; k < plan.ys().length; k++) {
 *         for (int x0 : plan.xs()) {
 *             ScenePlan.Pixels px = plan.read(scene, x0, plan.ys()[k]);
 *             merger.pixels(x0, plan.ys()[k], px);
 *             merger.add(TileTargets.of(segmenter.segment(px.image(), instruction), x0, plan.ys()[k],
 *                     px.width(), px.height()));
 *         }
 *         merger.finishRows(k + 1 < plan.ys().length ? plan.ys()[k + 1] : plan.height());
 *     }
 *     SceneResult result = merger.finish(0);
 * }
 * }</pre>
 */
public final class SceneMerger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SceneMerger.class);

    private final GeoScene scene;
    private final ScenePlan plan;
    private final SceneOptions options;
    private final Path staging;
    private final QuickLook quickLook;
    private final TileBlender blender;
    private final List<Geometry> geometries = new ArrayList<>();
    private final List<int[]> boxes = new ArrayList<>();
    private String crsIdentifier;
    private boolean warned;

    /**
     * @param scene the open scene (its grid, CRS and file name go into the outputs)
     * @param plan the scene's plan, as the tiles were read
     * @param options the vector options (simplification, CRS of the polygons)
     * @param staging an empty folder where the outputs are written
     */
    public SceneMerger(GeoScene scene, ScenePlan plan, SceneOptions options, Path staging) {
        this.scene = Objects.requireNonNull(scene, "scene");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.options = Objects.requireNonNull(options, "options");
        this.staging = Objects.requireNonNull(staging, "staging");
        if (plan.width() != scene.width() || plan.height() != scene.height()) {
            throw new IllegalArgumentException("a plan of " + plan.width() + "x" + plan.height() + " for a scene of "
                    + scene.width() + "x" + scene.height());
        }
        this.quickLook = new QuickLook(scene.width(), scene.height());
        this.blender = new TileBlender(scene.width(), scene.height(), plan.tileHeight(), staging, scene.directory(),
                quickLook);
    }

    /** The pixels of the tile at {@code (x0, y0)}: its nodata pixels are never foreground; the quick-look shows it. */
    public void pixels(int x0, int y0, ScenePlan.Pixels px) {
        blender.nodata(x0, y0, px.width(), px.height(), px.invalid());
        quickLook.addPixels(x0, y0, px.width(), px.height(), px.rgb());
    }

    /** Adds one tile's targets, blended into the scene's by phrase. */
    public void add(TileTargets t) throws IOException {
        if (t.fromMasks() && !warned) {
            warned = true;
            LOG.warn("the segmenter gives no mask logits (build it with maskLogits(true)); tiles blend on their masks");
        }
        float[] rampX = TileLayout.ramp(t.x0(), t.width(), scene.width(), plan.overlap());
        float[] rampY = TileLayout.ramp(t.y0(), t.height(), scene.height(), plan.overlap());
        for (TileTargets.Phrase p : t.phrases()) {
            blender.add(p.phrase(), t.x0(), t.y0(), t.width(), t.height(), p.logits(), rampX, rampY, p.score(),
                    p.area());
        }
    }

    /** Rows above {@code end} are final (no later tile touches them): writes them. */
    public void finishRows(int end) throws IOException {
        blender.finishRows(end);
    }

    /**
     * Finishes the masks and writes {@code mask-<i>.tif}, {@code targets.geojson},
     * {@code quicklook.png} and {@code scene.json} into the staging folder.
     *
     * @param skipped tiles skipped because every pixel was nodata
     * @throws InvalidInputException when every tile was skipped
     */
    public SceneResult finish(int skipped) throws IOException {
        if (skipped == plan.tileCount()) {
            throw new InvalidInputException(scene.file() + " holds only nodata"
                    + scene.nodata().map(v -> " (" + v + ")").orElse("") + ": no tile has a valid pixel");
        }
        return write(blender.finish(), skipped);
    }

    /**
     * After {@link #finish}: each scene target's polygons as one multipolygon, as the GeoJSON with
     * the scene's CRS holds them ({@link SceneOptions#withNativeVectorCrs}): in the scene's CRS when
     * it is projected, in longitude/latitude degrees when it is geographic.
     */
    public List<Geometry> geometries() {
        return List.copyOf(geometries);
    }

    /** After {@link #finish}: the CRS of {@link #geometries} as a URN ({@code urn:ogc:def:crs:EPSG::32616}), or its WKT where it has no EPSG code. */
    public String crsIdentifier() {
        return crsIdentifier;
    }

    /** After {@link #finish}: each scene target's bounding box in scene pixels: x, y, width, height. */
    public List<int[]> boxes() {
        return boxes.stream().map(int[]::clone).toList();
    }

    @Override
    public void close() throws IOException {
        blender.close();
    }

    private SceneResult write(List<TileBlender.Blend> blends, int skipped) throws IOException {
        SceneGrid grid = SceneGrid.of(scene);
        CoordinateReferenceSystem crs = grid.crs();
        boolean geographic = grid.geographic();
        double unitToMetre = grid.unitToMetre();
        boolean nativeOut = options.nativeVectorCrs();
        String urn = grid.urn();
        crsIdentifier = urn != null ? urn : crs.toWKT();
        String crsName = nativeOut ? urn : null;
        GeometryFactory factory = new GeometryFactory();
        List<String> files = new ArrayList<>();
        List<SceneResult.SceneTarget> targets = new ArrayList<>();
        List<String> phrases = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<byte[]> quickMasks = new ArrayList<>();
        try (GeoJsonWriter json = new GeoJsonWriter(staging.resolve("targets.geojson"), crsName,
                nativeOut && !geographic ? 3 : 8)) {
            for (TileBlender.Blend b : blends) {
                if (b.pixels() == 0) {
                    continue; // named by some tile, but nothing left after blending: no target, not a blank mask
                }
                int index = targets.size();
                String name = "mask-" + index + ".tif";
                Files.move(b.file(), staging.resolve(name));
                files.add(name);
                double area = 0;
                int count = 0;
                List<Polygon> nativeParts = new ArrayList<>();
                Envelope box = new Envelope();
                for (Polygon p : b.polygons().polygons()) {
                    box.expandToInclude(p.getEnvelopeInternal());
                    Geometry px = SceneGrid.simplify(p, options.simplify());
                    Geometry native_ = SceneGrid.valid(grid.pixelToCrs().transform(px));
                    Geometry lonLat = SceneGrid.valid(grid.toLonLat(native_));
                    for (int i = 0; i < native_.getNumGeometries(); i++) {
                        Polygon part = (Polygon) native_.getGeometryN(i);
                        Polygon partLonLat = (Polygon) (native_.getNumGeometries() == lonLat.getNumGeometries()
                                ? lonLat.getGeometryN(i) : grid.toLonLat(part));
                        double m2 = geographic ? Areas.geodesic(partLonLat) : part.getArea() * unitToMetre * unitToMetre;
                        Polygon written = nativeOut ? (geographic ? partLonLat : part) : partLonLat;
                        json.polygon(written, b.phrase(), b.score(), index, m2);
                        nativeParts.add(geographic ? partLonLat : part);
                        area += m2;
                        count++;
                    }
                }
                MultiPolygon geometry = factory.createMultiPolygon(nativeParts.toArray(Polygon[]::new));
                geometries.add(geometry);
                boxes.add(box.isNull() ? new int[4] : new int[] {(int) box.getMinX(), (int) box.getMinY(),
                    (int) (box.getMaxX() - box.getMinX()), (int) (box.getMaxY() - box.getMinY())});
                targets.add(new SceneResult.SceneTarget(index, b.phrase(), b.score(), b.pixels(), area, count, b.tiles()));
                phrases.add(b.phrase());
                scores.add(b.score());
                quickMasks.add(b.quickMask());
            }
        }
        files.add("targets.geojson");
        if (!ImageIO.write(quickLook.render(phrases, scores, quickMasks), "png", staging.resolve("quicklook.png").toFile())) {
            throw new SegEarthException("no PNG writer available for the quick-look");
        }
        files.add("quicklook.png");
        files.add("scene.json");
        SceneResult result = new SceneResult(scene.width(), scene.height(), crs.getName().getCode(), plan.tileCount(),
                skipped, plan.stretch().toString(), targets, files);
        Files.writeString(staging.resolve("scene.json"), SceneJson.toJson(scene.file(), result), StandardCharsets.UTF_8);
        return result;
    }
}
