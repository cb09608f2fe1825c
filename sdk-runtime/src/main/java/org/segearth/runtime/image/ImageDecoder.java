package org.segearth.runtime.image;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.awt.color.ColorSpace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Decodes PNG, JPEG and TIFF (the JDK's own ImageIO readers; TIFF is built into the JDK since 9:
 * uncompressed, PackBits, LZW, Deflate and JPEG-compressed baseline TIFF) into an {@link RgbImage},
 * the way Pillow's {@code Image.open(f).convert("RGB")} does, which is how SegEarth-R2 reads images:
 * <ul>
 * <li>gray (1, 2, 4, 8 bits) is replicated; palette images are looked up (their transparency ignored);</li>
 * <li>alpha is dropped, not composited (RGBA and gray + alpha keep their colour samples);</li>
 * <li>16-bit RGB, RGBA and gray + alpha keep the high byte; 16-bit gray alone is refused (Pillow
 *     clips it to 0..255, which turns almost every pixel white);</li>
 * <li>CMYK and YCCK JPEG (Adobe's inverted samples) and CMYK TIFF become
 *     {@code (255 - C)(255 - K) / 255} per channel, Pillow's formula;</li>
 * <li>EXIF orientation is not applied and colour profiles are not used (Pillow does neither).</li>
 * </ul>
 *
 * <p>Memory: the pixels are decoded once, straight into the image's 3 bytes per pixel where the
 * file is 8-bit gray or RGB, or a PNG with alpha (the reader writes into that buffer, alpha is
 * dropped as it is written, gray is widened in place); other kinds (palette, 16 bits, CMYK) are
 * decoded as the reader gives them and converted once. The size is read from the
 * header and checked before any pixel is decoded: against the pixel limit (decompression bombs;
 * by default what this JVM's heap affords, see {@link #defaults()}) and against the heap the decode
 * itself needs. Truncated or corrupt files fail with an {@link InvalidInputException}, including
 * files the JDK would decode partially with a warning.
 *
 * <pre>{@code
 * RgbImage image = ImageDecoder.defaults().read(Path.of("scene.tif"));
 * RgbImage big = ImageDecoder.withMaxPixels(40_000L * 40_000L).read(Path.of("huge.png"));
 * }</pre>
 */
public final class ImageDecoder {

    /** The largest default pixel limit: 20000 x 20000, however large the heap. */
    public static final long DEFAULT_MAX_PIXELS = 20_000L * 20_000L;

    /**
     * The most raw bytes a PNG may declare per byte of its file. Deflate expands at most about
     * 1032 times (a 258-byte match in the fewest bits), and a PNG's pixel rows are all in its zlib
     * stream; a header declaring more describes data the file cannot hold, and the JDK's reader
     * would allocate and scan for it before failing.
     */
    static final long PNG_MAX_EXPANSION = 1100;

    /** The largest Java array of RGB bytes. */
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8L;

    private static final ImageDecoder DEFAULTS = forMemory(MemoryBudget.maxHeap(), MemoryBudget.physicalMemory());

    private final long maxPixels;
    /** Why the limit is what it is, for messages; null for a limit the caller chose. */
    private final String limitReason;
    /** The heap a decode may use, in bytes. */
    private final long heap;

    private ImageDecoder(long maxPixels, String limitReason, long heap) {
        if (maxPixels < 1) {
            throw new SegEarthException("pixel limit " + maxPixels + " must be >= 1");
        }
        this.maxPixels = maxPixels;
        this.limitReason = limitReason;
        this.heap = heap;
    }

    /**
     * A decoder with the default limit: the pixels one segmentation can afford, at least 1024 x 1024
     * and at most {@link #DEFAULT_MAX_PIXELS}. That is the smaller of what the heap affords
     * ({@code (maxHeap - 256 MiB) / 8}: the image at 3 bytes per pixel, a transient copy and the
     * masks) and what the memory beside the heap affords for the engine's full-size mask of a target
     * ({@code (physicalMemory - maxHeap) / 24}).
     */
    public static ImageDecoder defaults() {
        return DEFAULTS;
    }

    /** A decoder that refuses images with more than {@code maxPixels} pixels. */
    public static ImageDecoder withMaxPixels(long maxPixels) {
        return new ImageDecoder(maxPixels, null, MemoryBudget.maxHeap());
    }

    /** The default decoder of a JVM whose heap is {@code maxHeap} bytes on a machine of {@code physical} bytes. */
    static ImageDecoder forMemory(long maxHeap, long physical) {
        long limit = MemoryBudget.maxPixels(maxHeap, physical, DEFAULT_MAX_PIXELS);
        String reason;
        if (limit == DEFAULT_MAX_PIXELS) {
            reason = "20000x20000, the largest default; possible decompression bomb";
        } else if (MemoryBudget.heapPixels(maxHeap) <= MemoryBudget.nativePixels(maxHeap, physical)) {
            reason = "what this JVM's " + MemoryBudget.format(maxHeap) + " heap affords at "
                    + MemoryBudget.HEAP_BYTES_PER_PIXEL + " bytes per pixel";
        } else {
            reason = "what the " + MemoryBudget.format(physical - maxHeap) + " of memory beside the "
                    + MemoryBudget.format(maxHeap) + " heap affords at " + MemoryBudget.NATIVE_BYTES_PER_PIXEL
                    + " bytes per pixel of mask work";
        }
        return new ImageDecoder(limit, reason, maxHeap);
    }

    /** The pixel limit. */
    public long maxPixels() {
        return maxPixels;
    }

    /** Decodes the image file {@code file}. */
    public RgbImage read(Path file) {
        return withFile(file, this::decodeRgb);
    }

    /** Decodes an encoded image held in memory. */
    public RgbImage read(byte[] encoded) {
        try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            return withReader(iis, "image bytes", encoded.length, this::decodeRgb);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read image bytes: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes an encoded image from {@code in} (not closed); {@code source} names it in errors. The
     * stream's length is unknown, so a PNG is not checked against what its bytes can hold (see
     * {@link #read(byte[])} and {@link #read(Path)}); the pixel and heap limits apply.
     */
    public RgbImage read(InputStream in, String source) {
        try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
            return withReader(iis, source, -1, this::decodeRgb);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes {@code file} exactly as {@link #read(Path)} does and returns the pixels as an 8-bit RGB
     * {@link BufferedImage} over the decoded bytes (no second copy). {@link #fromBufferedImage}
     * recognises this layout and copies it with one array copy.
     */
    public BufferedImage readAsBufferedImage(Path file) {
        RgbImage image = read(file);
        return PixelConversion.wrap(image.bytes(), image.width(), image.height());
    }

    /**
     * Decodes {@code file} without any colour conversion (for label images, whose sample values are
     * class ids: a palette image gives its indices), with the same size, heap and integrity checks
     * as {@link #read(Path)}.
     */
    public BufferedImage readSamples(Path file) {
        return withFile(file, (reader, name, encodedBytes) -> {
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkSize(width, height, name);
            checkHeap(width, height, rawBytesPerPixel(firstType(reader)), name);
            checkCompression(reader, width, height, encodedBytes, name);
            Warnings warnings = Warnings.attach(reader);
            BufferedImage image = reader.read(0);
            warnings.check(name);
            return image;
        });
    }

    private interface Decoding<T> {
        /** {@code encodedBytes}: the size of the encoded image, or -1 when unknown. */
        T decode(ImageReader reader, String name, long encodedBytes) throws IOException;
    }

    private <T> T withFile(Path file, Decoding<T> decoding) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("image file " + file + " does not exist or is not a file");
        }
        try (ImageInputStream iis = new FileImageInputStream(file.toFile())) {
            return withReader(iis, file.toString(), iis.length(), decoding);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read image file " + file + ": " + e.getMessage(), e);
        }
    }

    private <T> T withReader(ImageInputStream iis, String source, long encodedBytes, Decoding<T> decoding) {
        String name = source;
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new InvalidInputException(source + " is not a PNG, JPEG, TIFF or other format this JVM can"
                        + " decode (corrupt or unsupported file)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                name = source + " (" + reader.getFormatName() + ")";
                return decoding.decode(reader, name, encodedBytes);
            } finally {
                reader.dispose();
            }
        } catch (OutOfMemoryError e) {
            throw new InvalidInputException("not enough Java heap to decode " + name + " (heap "
                    + MemoryBudget.format(MemoryBudget.maxHeap()) + "); segment large scenes tile by tile (the tiled path)"
                    + " or raise the heap with -Xmx");
        } catch (IOException | RuntimeException e) {
            if (e instanceof SegEarthException se) {
                throw se;
            }
            throw new InvalidInputException("cannot decode " + name + ": " + oneLine(e)
                    + "; the file is corrupt, truncated or in an unsupported variant", e);
        }
    }

    /** {@code e} and its first cause on one line ("IIOException: Error reading PNG image data (EOFException)"). */
    private static String oneLine(Throwable e) {
        String text = e.getClass().getSimpleName() + ": " + e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            text += " (" + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                    + ")";
        }
        return text.replaceAll("\\s+", " ").strip();
    }

    private RgbImage decodeRgb(ImageReader reader, String name, long encodedBytes) throws IOException {
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        checkSize(width, height, name);
        ImageTypeSpecifier type = firstType(reader);
        int bands = directBands(type);
        boolean alpha = bands > 0 && type.getColorModel().hasAlpha();
        if (alpha && !"png".equalsIgnoreCase(reader.getFormatName())) {
            bands = 0; // the alpha-dropping destination is checked against the PNG reader only
        }
        Warnings warnings = Warnings.attach(reader);
        byte[] rgb;
        if (bands > 0) {
            checkHeap(width, height, 3, name);
            checkCompression(reader, width, height, encodedBytes, name);
            rgb = new byte[width * height * 3];
            ImageReadParam param = reader.getDefaultReadParam();
            // the reader writes straight into rgb: all of it for RGB, its first third for gray
            ColorSpace cs = type.getColorModel().getColorSpace();
            param.setDestination(alpha ? AlphaDroppingRaster.image(rgb, width, height, bands, cs)
                    : PixelConversion.destination(rgb, width, height, bands, cs));
            reader.read(0, param);
            warnings.check(name);
            if (bands == 1) {
                PixelConversion.expandGray(rgb, width * height);
            }
        } else {
            checkHeap(width, height, 3 + rawBytesPerPixel(type), name);
            checkCompression(reader, width, height, encodedBytes, name);
            BufferedImage image = reader.read(0);
            warnings.check(name);
            rgb = new byte[width * height * 3];
            PixelConversion.toRgb(image, rgb, name);
        }
        return RgbImage.wrap(width, height, rgb);
    }

    /** The reader's preferred type for image 0 (what a plain {@code read} gives), or null. */
    private static ImageTypeSpecifier firstType(ImageReader reader) {
        try {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            return types != null && types.hasNext() ? types.next() : null;
        } catch (IOException | RuntimeException e) {
            return null; // a plain read reports what is wrong
        }
    }

    /**
     * 3 when {@code type} is 8-bit RGB or RGBA, 1 when 8-bit gray or gray + alpha (samples the reader
     * can write into our buffer unchanged; alpha goes through an {@link AlphaDroppingRaster}, as the
     * JDK's PNG reader fails when asked to skip the alpha band with {@code setSourceBands}), else 0.
     */
    private static int directBands(ImageTypeSpecifier type) {
        if (type == null || !(type.getColorModel() instanceof ComponentColorModel cm)) {
            return 0;
        }
        SampleModel sm = type.getSampleModel();
        if (sm.getDataType() != DataBuffer.TYPE_BYTE || sm.getNumBands() != cm.getNumComponents()) {
            return 0;
        }
        for (int size : sm.getSampleSize()) {
            if (size != 8) {
                return 0;
            }
        }
        int colours = cm.getNumColorComponents();
        int csType = cm.getColorSpace().getType();
        if (colours == 3 && csType == ColorSpace.TYPE_RGB) {
            return 3;
        }
        return colours == 1 && csType == ColorSpace.TYPE_GRAY ? 1 : 0;
    }

    /** Bytes per pixel of {@code type}'s samples, rounded up; 8 (16-bit RGBA) when unknown. */
    private static int rawBytesPerPixel(ImageTypeSpecifier type) {
        if (type == null) {
            return 8;
        }
        int bits = 0;
        for (int size : type.getSampleModel().getSampleSize()) {
            bits += size;
        }
        return Math.max(1, (bits + 7) / 8);
    }

    /** Checks {@code width x height} against the pixel limit and the largest array. */
    void checkSize(long width, long height, String source) {
        if (width < 1 || height < 1) {
            throw new InvalidInputException(source + " has an empty size " + width + "x" + height);
        }
        long pixels = width * height;
        if (pixels > maxPixels) {
            String hint = limitReason == null || limitReason.endsWith("decompression bomb")
                    ? "raise the limit with ImageDecoder.withMaxPixels(..) for a trusted image"
                    : "raise the heap with -Xmx";
            throw new InvalidInputException(source + " is " + width + "x" + height + " = " + pixels
                    + " pixels, more than the limit of " + maxPixels + " pixels ("
                    + (limitReason == null ? "possible decompression bomb" : limitReason)
                    + "); large scenes belong to the tiled path: segment them tile by tile, or " + hint);
        }
        if (pixels * 3 > MAX_ARRAY_BYTES) {
            throw new InvalidInputException(source + " is " + width + "x" + height + ": too large for one in-memory"
                    + " RGB image (at most " + MAX_ARRAY_BYTES / 3 + " pixels); large scenes belong to the tiled"
                    + " path: segment them tile by tile");
        }
    }

    /**
     * Refuses a PNG whose header declares more pixel data than its {@code encodedBytes} can hold
     * compressed: at least {@code width * height * channels * bitDepth / 8} raw bytes (the rows'
     * filter bytes and interlacing only add to that) against at most {@link #PNG_MAX_EXPANSION}
     * per byte of the file. Other formats are left to the pixel and heap limits: JPEG's
     * entropy-coded data has no useful bound (a flat image codes a block in a few bits, and a
     * progressive scan's end-of-band runs cover thousands of blocks in one code), and TIFF strips
     * may be uncompressed, LZW-coded or share one offset, so a ratio refusal there could turn away
     * legitimate, highly compressible images. Nothing is checked when the size is unknown (-1).
     */
    private static void checkCompression(ImageReader reader, long width, long height, long encodedBytes, String name)
            throws IOException {
        if (encodedBytes < 0 || !"png".equalsIgnoreCase(reader.getFormatName())) {
            return;
        }
        int bitsPerPixel = pngBitsPerPixel(reader.getImageMetadata(0));
        if (bitsPerPixel <= 0) {
            return; // the reader reports what is wrong with the header
        }
        long raw = width * height / 8 * bitsPerPixel; // width * height < 2^31 (checkSize), no overflow
        long most = encodedBytes * PNG_MAX_EXPANSION;
        if (raw > most) {
            throw new InvalidInputException(name + " declares " + width + "x" + height + " pixels at " + bitsPerPixel
                    + " bits per pixel, " + raw + " bytes of pixel data, but the file has " + encodedBytes
                    + " bytes, which deflate expands to at most " + most + "; the file is corrupt, truncated or"
                    + " forged");
        }
    }

    /** Bits per pixel of a PNG ({@code channels x bitDepth} of its IHDR), or 0 when the metadata does not say. */
    private static int pngBitsPerPixel(IIOMetadata metadata) {
        if (metadata == null) {
            return 0;
        }
        Node root;
        try {
            root = metadata.getAsTree("javax_imageio_png_1.0");
        } catch (IllegalArgumentException e) {
            return 0;
        }
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if ("IHDR".equals(n.getNodeName())) {
                NamedNodeMap a = n.getAttributes();
                Node depth = a.getNamedItem("bitDepth");
                Node colour = a.getNamedItem("colorType");
                if (depth == null || colour == null) {
                    return 0;
                }
                int channels = switch (colour.getNodeValue()) {
                    case "Grayscale", "Palette" -> 1;
                    case "GrayAlpha" -> 2;
                    case "RGB" -> 3;
                    case "RGBAlpha" -> 4;
                    default -> 0;
                };
                try {
                    return channels * Integer.parseInt(depth.getNodeValue());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** Fails when decoding needs more heap ({@code bytesPerPixel} per pixel) than this JVM has. */
    private void checkHeap(long width, long height, int bytesPerPixel, String source) {
        long need = width * height * bytesPerPixel;
        if (need > heap - MemoryBudget.RESERVE_BYTES) {
            throw new InvalidInputException(source + " is " + width + "x" + height + ": decoding it needs "
                    + MemoryBudget.format(need) + " of Java heap, more than this JVM's " + MemoryBudget.format(heap)
                    + " allows; large scenes belong to the tiled path: segment them tile by tile, or raise -Xmx");
        }
    }

    /**
     * Converts a {@link BufferedImage} to RGB as {@link #read(Path)} converts decoded pixels (see the
     * class comment): checked against the default pixel limit, copied once.
     */
    public static RgbImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        String name = "BufferedImage";
        DEFAULTS.checkSize(w, h, name);
        try {
            byte[] rgb = new byte[w * h * 3];
            PixelConversion.toRgb(image, rgb, name);
            return RgbImage.wrap(w, h, rgb);
        } catch (OutOfMemoryError e) {
            throw new InvalidInputException("not enough Java heap to copy a " + w + "x" + h + " BufferedImage (heap "
                    + MemoryBudget.format(MemoryBudget.maxHeap()) + "); segment large scenes tile by tile");
        }
    }

    /**
     * {@code image}'s pixels for the length of one call that only reads them: a view of its bytes,
     * without a copy, when it is in the compact layout of {@link #readAsBufferedImage} (8-bit R, G, B
     * interleaved), else a converted copy as {@link #fromBufferedImage} makes. Checked against the
     * default pixel limit. The view shares the image's buffer: the caller must not keep it beyond
     * the call, and the image must not change meanwhile (a 20000 x 20000 image is 1.2 GB whose copy
     * this saves).
     */
    public static RgbImage borrow(BufferedImage image) {
        byte[] compact = PixelConversion.compactBytes(image);
        if (compact == null) {
            return fromBufferedImage(image);
        }
        DEFAULTS.checkSize(image.getWidth(), image.getHeight(), "BufferedImage");
        return RgbImage.wrap(image.getWidth(), image.getHeight(), compact);
    }

    /**
     * Wraps interleaved RGB bytes (a copy is taken), checked against this decoder's pixel limit.
     */
    public RgbImage fromRgb(int width, int height, byte[] rgb) {
        checkSize(width, height, "RGB buffer");
        return RgbImage.of(width, height, rgb);
    }

    /** Collects a reader's warnings; any warning means a damaged file (e.g. "Premature end of JPEG file"). */
    private static final class Warnings implements IIOReadWarningListener {
        private final List<String> messages = new ArrayList<>();

        static Warnings attach(ImageReader reader) {
            Warnings w = new Warnings();
            reader.addIIOReadWarningListener(w);
            return w;
        }

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            messages.add(warning);
        }

        void check(String name) {
            if (!messages.isEmpty()) {
                throw new InvalidInputException("cannot decode " + name + ": " + String.join("; ", messages)
                        + "; the file is corrupt or truncated");
            }
        }
    }
}
