package org.segearth.geo;

import java.awt.geom.AffineTransform;
import javax.measure.Unit;
import javax.measure.quantity.Length;
import org.apache.sis.measure.Units;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.referencing.IdentifiedObjects;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequenceFilter;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.util.AffineTransformation;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.simplify.DouglasPeuckerSimplifier;
import org.locationtech.jts.simplify.TopologyPreservingSimplifier;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;
import org.opengis.util.FactoryException;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;

/**
 * A georeferenced scene's grid as its polygons need it: pixel to CRS, CRS to WGS 84 longitude and
 * latitude, whether the CRS is geographic, its linear unit in metres, and its URN. The one place
 * where mask polygons leave pixel coordinates, for the scene outputs and for single images.
 *
 * @param crs the scene's CRS
 * @param pixelToCrs pixel corner coordinates to the CRS
 * @param toLonLat the CRS to WGS 84 longitude/latitude
 * @param geographic whether the CRS is geographic (areas then geodesic)
 * @param unitToMetre metres per unit of a projected CRS's axes; NaN for a geographic CRS or an unknown unit
 */
record SceneGrid(CoordinateReferenceSystem crs, AffineTransformation pixelToCrs, MathTransform toLonLat,
        boolean geographic, double unitToMetre) {

    /**
     * The grid of a georeferenced scene.
     *
     * @throws InvalidInputException when its CRS cannot be converted to WGS 84
     */
    static SceneGrid of(GeoScene scene) {
        CoordinateReferenceSystem crs = scene.crs().orElseThrow();
        AffineTransform g = scene.pixelToCrs().orElseThrow();
        MathTransform toLonLat;
        try {
            toLonLat = CRS.findOperation(crs, CommonCRS.WGS84.normalizedGeographic(), null).getMathTransform();
        } catch (FactoryException e) {
            throw new InvalidInputException(scene.file() + ": its CRS " + crs.getName()
                    + " cannot be converted to WGS 84: " + GeoScene.oneLine(e), e);
        }
        boolean geographic = crs instanceof GeographicCRS;
        return new SceneGrid(crs, new AffineTransformation(g.getScaleX(), g.getShearX(), g.getTranslateX(),
                g.getShearY(), g.getScaleY(), g.getTranslateY()), toLonLat, geographic,
                geographic ? Double.NaN : metresPerUnit(crs));
    }

    /** The CRS as a GeoJSON {@code crs} URN: CRS84 for a geographic CRS, else its EPSG code; null without one. */
    String urn() {
        if (geographic) {
            return "urn:ogc:def:crs:OGC:1.3:CRS84"; // longitude first, as written
        }
        try {
            Integer code = IdentifiedObjects.lookupEPSG(crs);
            return code == null ? null : "urn:ogc:def:crs:EPSG::" + code;
        } catch (FactoryException e) {
            return null;
        }
    }

    /** A pixel polygon simplified with a Douglas-Peucker tolerance in pixels, topology kept (0: collinear vertices only). */
    static Geometry simplify(Polygon pixels, double tolerance) {
        return tolerance > 0 ? TopologyPreservingSimplifier.simplify(pixels, tolerance)
                : DouglasPeuckerSimplifier.simplify(pixels, 0);
    }

    /** {@code g} itself when valid, else fixed by JTS. */
    static Geometry valid(Geometry g) {
        return g.isValid() ? g : GeometryFixer.fix(g);
    }

    /** A copy of {@code g} in longitude/latitude. */
    Geometry toLonLat(Geometry g) {
        Geometry copy = g.copy();
        copy.apply(new CoordinateSequenceFilter() {
            @Override
            public void filter(CoordinateSequence seq, int i) {
                double[] p = {seq.getX(i), seq.getY(i)};
                try {
                    toLonLat.transform(p, 0, p, 0, 1);
                } catch (TransformException e) {
                    throw new SegEarthException("a polygon vertex cannot be converted to WGS 84: " + e.getMessage(), e);
                }
                seq.setOrdinate(i, Coordinate.X, p[0]);
                seq.setOrdinate(i, Coordinate.Y, p[1]);
            }

            @Override
            public boolean isDone() {
                return false;
            }

            @Override
            public boolean isGeometryChanged() {
                return true;
            }
        });
        return copy;
    }

    private static double metresPerUnit(CoordinateReferenceSystem crs) {
        Unit<?> unit = crs.getCoordinateSystem().getAxis(0).getUnit();
        try {
            return unit.asType(Length.class).getConverterTo(Units.METRE).convert(1.0);
        } catch (ClassCastException e) {
            return Double.NaN;
        }
    }
}
