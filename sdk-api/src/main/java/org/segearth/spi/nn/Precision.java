package org.segearth.spi.nn;

import java.util.Locale;

/**
 * How weights stored in 16 bits (BF16 or F16 checkpoints, e.g. Mipha-3B) are kept and multiplied.
 * Only matrix weights ({@code Linear} weights, embedding tables) are affected; everything else
 * (layer norms, biases, convolutions, activations, the residual stream) stays float32.
 *
 * <pre>{@code
 * Segmenter.builder().model(dir).precision("f16-upcast").build();
 * }</pre>
 *
 * <p>BF16 cannot be created through DJL 0.36 (its native dtype table stops at boolean), so 16-bit
 * weights are kept as float16: every BF16 value of magnitude between 6.1e-5 and 65504 converts
 * exactly (BF16 carries 8 significant bits, float16 11); smaller magnitudes lose bits and below
 * 6e-8 become zero; a tensor with values beyond float16's range stays float32 (with a warning).
 */
public enum Precision {

    /** Every weight float32, every product float32: the parity reference, twice the memory of 16-bit weights. */
    F32("f32"),
    /** Matrices kept in float16; each product converts its weight to float32 first (exact products, slower). */
    F16_UPCAST("f16-upcast"),
    /** Matrices kept in float16, products computed in float16 (inputs rounded to float16; fastest when memory-bound). */
    F16("f16"),
    /**
     * Matrices kept in float16; products with few rows (token-by-token decoding, memory-bound)
     * in float16, larger ones (encoders, prefill) with the weight converted to float32.
     */
    AUTO("auto");

    /** Products with at most this many rows count as memory-bound under {@link #AUTO}. */
    public static final long AUTO_HALF_ROWS = 4;

    private final String label;

    Precision(String label) {
        this.label = label;
    }

    /** The name used on the command line and in builders. */
    public String label() {
        return label;
    }

    /** Whether 16-bit stored matrices stay in 16 bits. */
    public boolean keepsSixteenBit() {
        return this != F32;
    }

    /** Parses {@code f32}, {@code f16}, {@code f16-upcast} or {@code auto}. */
    public static Precision parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (Precision p : values()) {
            if (p.label.equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision '" + name + "' is unknown; use f32, f16-upcast, f16 or auto");
    }

    /** Whether a product with {@code rows} rows runs in float16 (its weight being float16). */
    boolean halfProduct(long rows) {
        return this == F16 || (this == AUTO && rows <= AUTO_HALF_ROWS);
    }
}
