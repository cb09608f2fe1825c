package org.segearth.api;

/**
 * An axis-aligned pixel rectangle: the smallest box holding every pixel of a mask. Coordinates
 * are in pixels of the image, {@code x} to the right and {@code y} down; the box covers columns
 * {@code x .. x + width - 1} and rows {@code y .. y + height - 1} (the COCO {@code [x, y, w, h]}
 * convention).
 *
 * <pre>{@code
 * Mask mask = Mask.fromBooleans(new boolean[] {false, true, true, true}, 2, 2);
 * Box box = mask.box().orElseThrow();     // Box[x=0, y=0, width=2, height=2]
 * int area = box.area();                  // 4
 * }</pre>
 *
 * @param x the first column
 * @param y the first row
 * @param width the number of columns, at least 1
 * @param height the number of rows, at least 1
 */
public record Box(int x, int y, int width, int height) {

    /** Checks that the box starts inside the image quadrant and covers at least one pixel. */
    public Box {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new SegEarthException("box [x=" + x + ", y=" + y + ", width=" + width + ", height=" + height
                    + "] is invalid; expected x, y >= 0 and width, height >= 1");
        }
    }

    /** The number of pixels the box covers. */
    public int area() {
        return width * height;
    }

    /** The column just after the box ({@code x + width}). */
    public int right() {
        return x + width;
    }

    /** The row just below the box ({@code y + height}). */
    public int bottom() {
        return y + height;
    }
}
