package org.segearth.runtime.checkpoint;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Messages;

/** The safetensors dtypes the SDK reads and writes. */
public enum DType {
    F32(4, DataType.FLOAT32),
    F16(2, DataType.FLOAT16),
    BF16(2, null),
    F64(8, DataType.FLOAT64),
    I64(8, DataType.INT64),
    I32(4, DataType.INT32),
    U8(1, DataType.UINT8),
    BOOL(1, DataType.BOOLEAN);

    private final int bytes;
    private final DataType dataType;

    DType(int bytes, DataType dataType) {
        this.bytes = bytes;
        this.dataType = dataType;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether values are floating point. */
    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** The DJL type an array of this dtype is created with; BF16 has none (it is converted). */
    DataType dataType() {
        return dataType;
    }

    /** Parses a header's dtype string. */
    public static DType parse(String name, String tensor, String file) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SegEarthException(file + ": tensor '" + Messages.abbreviate(tensor, 120) + "' has dtype '"
                    + Messages.abbreviate(name, 40) + "', which is not supported; supported: F32, F16, BF16, F64, I64,"
                    + " I32, U8, BOOL");
        }
    }

    /** The safetensors dtype of a DJL type. */
    public static DType of(DataType type) {
        for (DType d : values()) {
            if (d.dataType == type) {
                return d;
            }
        }
        throw new SegEarthException("cannot store arrays of type " + type + " in safetensors;"
                + " supported: float32, float16, float64, int64, int32, uint8, boolean");
    }
}
