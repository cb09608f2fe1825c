package org.segearth.runtime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.segearth.runtime.image.ImageDecoder;

/** Fuzzed image bytes (PNG, JPEG, TIFF, BMP, GIF headers in the corpus) through the default decoder. */
class ImageDecoderFuzzTest {

    @FuzzTest
    void read(byte[] encoded) {
        Fuzz.expectParsedOrRefused(() -> ImageDecoder.defaults().read(encoded));
    }
}
