package org.segearth.runtime.checkpoint;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name the key
 * @param dtype element type
 * @param shape dimensions
 * @param begin absolute file offset of the first byte
 * @param end absolute file offset one past the last byte
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Number of data bytes. */
    public long byteLength() {
        return end - begin;
    }
}
