package org.segearth.geo;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sis.referencing.CRS;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.api.Target;
import org.segearth.geo.internal.Areas;
import org.segearth.geo.internal.GeoJsonWriter;
import org.segearth.geo.internal.MaskPolygons;

/**
 * The targets of one image that covers a whole georeferenced scene (one {@link
 * org.segearth.api.Segmenter#segment} call, not tiles) as an RFC 7946 GeoJSON FeatureCollection in
 * WGS 84 longitude/latitude: one Polygon feature per connected part of a mask, with the target's
 * {@code phrase}, {@code score}, {@code target} index and the part's {@code area_m2}, exactly as
 * {@link SceneSegmenter} writes {@code targets.geojson} (same polygons, simplification and areas).
 *
 * <pre>{@code
 * try (GeoScene scene = GeoScene.open(Path.of("scene.tif"))) {
 *     TargetGeoJson vectors = TargetGeoJson.on(scene);             // fails early for a CRS without WGS 84
 *     SegmentationResult r = segmenter.segment(SceneImage.read(scene), "segment the roads");
 *     String geojson = vectors.featureCollection(r.targets());
 * }
 * }</pre>
 */
public final class TargetGeoJson {

    /** Rows of a mask unioned together before the next chunk starts (bounds the union's size). */
    private static final int CHUNK_ROWS = 256;
    /** Digits after the decimal point of a longitude or latitude (about 1 mm). */
    private static final int DECIMALS = 8;

    private final int width;
    private final int height;
    private final SceneGrid grid;
    private final double simplify;

    private TargetGeoJson(int width, int height, SceneGrid grid, double simplify) {
        this.width = width;
        this.height = height;
        this.grid = grid;
        this.simplify = simplify;
    }

    /**
     * The grid of {@code scene}, polygons simplified as {@link SceneOptions#defaults()} does.
     *
     * @throws InvalidInputException for a scene without georeferencing or whose CRS cannot be
     *     converted to WGS 84
     */
    public static TargetGeoJson on(GeoScene scene) {
        return on(scene, SceneOptions.defaults().simplify());
    }

    /**
     * The grid of {@code scene}, polygons simplified with a Douglas-Peucker tolerance of
     * {@code simplify} pixels (topology kept; 0: only collinear vertices go).
     */
    public static TargetGeoJson on(GeoScene scene, double simplify) {
        if (!scene.isGeoreferenced()) {
            throw new InvalidInputException(scene.file() + " is a TIFF without georeferencing; it has no GeoJSON");
        }
        if (!(simplify >= 0)) {
            throw new InvalidInputException("simplify " + simplify + " must be >= 0 pixels");
        }
        return new TargetGeoJson(scene.width(), scene.height(), SceneGrid.of(scene), simplify);
    }

    /**
     * The FeatureCollection of {@code targets}, whose masks cover the scene pixel for pixel; a
     * target with an empty mask has no feature, and no targets give an empty collection. Targets
     * whose phrases are the same ({@link SceneSegmenter#normalisePhrase}) become one, as the scene
     * path ({@link TileTargets}, {@link SceneMerger}) makes them: the union of their masks, their
     * scores weighted by mask area (the highest when every mask is empty), named as the answer
     * first writes the phrase and numbered in that order. So a scene of one tile gives the scene
     * path's {@code targets.geojson} feature for feature (which writes the normalised phrase).
     *
     * @throws SegEarthException when a mask's size is not the scene's
     */
    public String featureCollection(List<Target> targets) {
        StringWriter text = new StringWriter();
        try (GeoJsonWriter json = new GeoJsonWriter(text, null, DECIMALS)) {
            for (Target t : byPhrase(targets)) {
                for (Polygon p : pixelPolygons(t.mask())) {
                    Geometry px = SceneGrid.simplify(p, simplify);
                    Geometry native_ = SceneGrid.valid(grid.pixelToCrs().transform(px));
                    for (int i = 0; i < native_.getNumGeometries(); i++) {
                        if (!(native_.getGeometryN(i) instanceof Polygon part) || part.isEmpty()) {
                            continue;
                        }
                        Geometry lonLat = SceneGrid.valid(grid.toLonLat(part));
                        for (int j = 0; j < lonLat.getNumGeometries(); j++) {
                            Polygon partLonLat = (Polygon) lonLat.getGeometryN(j);
                            double m2 = grid.geographic() || Double.isNaN(grid.unitToMetre()) ? Areas.geodesic(partLonLat)
                                    : (lonLat.getNumGeometries() == 1 ? part.getArea()
                                            : part.getArea() * partLonLat.getArea() / lonLat.getArea())
                                            * grid.unitToMetre() * grid.unitToMetre();
                            json.polygon(partLonLat, t.phrase(), t.score(), t.index(), m2);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    /** The targets grouped by normalised phrase (see {@link #featureCollection}). */
    static List<Target> byPhrase(List<Target> targets) {
        List<Target> out = new ArrayList<>();
        for (List<Target> g : TileTargets.byPhrase(targets).values()) {
            Mask union = g.get(0).mask();
            for (Target t : g.subList(1, g.size())) {
                union = union.or(t.mask());
            }
            out.add(new Target(out.size(), g.get(0).phrase(), union, TileTargets.score(g), Optional.empty()));
        }
        return out;
    }

    /** The mask's polygons in pixel coordinates, one per connected part, holes kept. */
    private List<Polygon> pixelPolygons(Mask mask) {
        if (mask.width() != width || mask.height() != height) {
            throw new SegEarthException("a mask of " + mask.width() + "x" + mask.height() + " does not cover the scene's "
                    + width + "x" + height + " grid");
        }
        MaskPolygons polygons = new MaskPolygons(new GeometryFactory());
        byte[] bytes = mask.toBytes();
        for (int y = 0; y < height; y++) {
            polygons.addRow(y, bytes, y * width, width);
            if ((y + 1) % CHUNK_ROWS == 0) {
                polygons.endChunk();
            }
        }
        return polygons.polygons();
    }
}
