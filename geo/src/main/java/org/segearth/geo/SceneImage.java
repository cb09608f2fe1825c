package org.segearth.geo;

import org.segearth.api.ImageSource;

/**
 * A whole (Geo)TIFF scene as one 8-bit RGB model input, made as {@link SceneSegmenter} makes each
 * tile's input with {@link SceneOptions#defaults()}: bands 1, 2, 3 (a scene of fewer bands: band 1
 * as gray), {@link Stretch#auto} (8-bit scenes unchanged, 16-bit and float scenes from their 2-98 %
 * percentiles), nodata and NaN pixels black. For scenes small enough to segment in one piece; the
 * scene is read a strip of rows at a time, so memory holds the RGB bytes and one strip.
 *
 * <pre>{@code
 * try (GeoScene scene = GeoScene.open(Path.of("scene.tif"))) {
 *     SegmentationResult r = segmenter.segment(SceneImage.read(scene), "segment the buildings");
 * }
 * }</pre>
 */
public final class SceneImage {

    /** Rows read at a time. */
    private static final int STRIP_ROWS = 256;

    private SceneImage() {}

    /**
     * The scene's pixels as RGB.
     *
     * @throws org.segearth.api.InvalidInputException for a scene of nodata only or one that cannot be read
     * @throws IllegalArgumentException for a scene of more than 2^31 - 1 RGB bytes
     */
    public static ImageSource read(GeoScene scene) {
        int width = scene.width();
        int height = scene.height();
        if ((long) width * height * 3 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(scene.file() + ": " + width + "x" + height + " is too large for one"
                    + " image; segment it tile by tile with SceneSegmenter");
        }
        SceneOptions options = SceneOptions.defaults();
        int[] bands = ScenePlan.bands(scene, options);
        Stretch stretch = ScenePlan.stretch(scene, options, bands);
        double nodata = scene.nodata().orElse(Double.NaN);
        byte[] rgb = new byte[width * height * 3];
        for (int y0 = 0; y0 < height; y0 += STRIP_ROWS) {
            int rows = Math.min(STRIP_ROWS, height - y0);
            float[][] strip = scene.read(0, y0, width, rows, bands);
            stretch.toRgb(strip, width * rows, nodata, rgb, y0 * width * 3, null);
        }
        return ImageSource.ofRgb(rgb, width, height);
    }
}
