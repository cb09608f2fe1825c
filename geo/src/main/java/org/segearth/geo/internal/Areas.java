package org.segearth.geo.internal;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Polygon;

/** Polygon areas and distances on the Earth. */
public final class Areas {

    /** Radius of the sphere of the WGS 84 ellipsoid's area (authalic), metres. */
    static final double AUTHALIC_RADIUS = 6371007.1809;

    private Areas() {}

    /**
     * Geodesic area in square metres of a polygon in longitude/latitude degrees: each ring's
     * spherical excess on the authalic sphere (equal area to WGS 84's ellipsoid; the difference
     * from the ellipsoidal area is below 0.3 % at any latitude), holes subtracted.
     */
    public static double geodesic(Polygon lonLat) {
        double a = Math.abs(ring(lonLat.getExteriorRing().getCoordinates()));
        for (int i = 0; i < lonLat.getNumInteriorRing(); i++) {
            a -= Math.abs(ring(lonLat.getInteriorRingN(i).getCoordinates()));
        }
        return a;
    }

    /** Great-circle distance in metres between two longitude/latitude points (degrees) on the authalic sphere. */
    public static double distance(double lon1, double lat1, double lon2, double lat2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double h = Math.pow(Math.sin((p2 - p1) / 2), 2)
                + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(Math.toRadians(lon2 - lon1) / 2), 2);
        return 2 * AUTHALIC_RADIUS * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    private static double ring(Coordinate[] c) {
        // Chamberlain & Duquette, "Some algorithms for polygons on a sphere" (JPL, 2007)
        double sum = 0;
        int n = c.length - 1;
        for (int i = 0; i < n; i++) {
            Coordinate p1 = c[i];
            Coordinate p2 = c[(i + 1) % n];
            sum += Math.toRadians(p2.x - p1.x) * (2 + Math.sin(Math.toRadians(p1.y)) + Math.sin(Math.toRadians(p2.y)));
        }
        return sum * AUTHALIC_RADIUS * AUTHALIC_RADIUS / 2;
    }
}
