package org.segearth.runtime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;
import org.segearth.runtime.data.SafePickle;

/** The RRSIS-D pickle reader on arbitrary bytes; a value read must be safe to hash and print. */
class SafePickleFuzzTest {

    @FuzzTest
    void read(byte[] pickle) {
        Fuzz.expectParsedOrRefused(() -> {
            Object value = SafePickle.read(pickle, "fuzz.p");
            // what a consumer does with a value read: print it, hash it, compare it
            String.valueOf(value).length();
            if (value instanceof Map<?, ?> || value instanceof java.util.Collection<?>) {
                value.hashCode();
                value.equals(value);
            }
        });
    }
}
