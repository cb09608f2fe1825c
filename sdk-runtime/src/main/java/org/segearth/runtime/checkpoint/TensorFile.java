package org.segearth.runtime.checkpoint;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * One file of tensors whose header (names, dtypes, shapes, byte ranges) is known up front and whose
 * data is read on demand, by ranges, into the caller's buffer: a safetensors file
 * ({@link SafetensorsFile}) or a PyTorch zip checkpoint ({@link TorchZipFile}).
 */
public interface TensorFile extends AutoCloseable {

    /** The file. */
    Path path();

    /** Tensors by key, sorted by key. */
    Map<String, TensorInfo> tensors();

    /** Free-form metadata of the file (a safetensors header's {@code __metadata__}); may be empty. */
    Map<String, String> metadata();

    /**
     * Reads {@code into.remaining()} bytes of {@code tensor}, from byte {@code offset} within it,
     * into {@code into} (from its position), little-endian as stored.
     */
    void read(TensorInfo tensor, long offset, ByteBuffer into);

    @Override
    void close();
}
