package org.segearth.runtime.data;

import java.util.AbstractList;
import java.util.List;

/**
 * One split of a benchmark: an indexed list of {@link Sample}s whose images and masks are read
 * lazily. Open one with {@link Datasets#open}.
 *
 * <pre>{@code
 * BenchmarkDataset ds = Datasets.open("refsegrs", Path.of("/data/RefSegRS"), "test");
 * for (Sample s : ds.samples()) { ... }
 * }</pre>
 */
public interface BenchmarkDataset {

    /** The benchmark's name ({@code lasers}, {@code refsegrs}, {@code earthreason}, {@code rrsisd}). */
    String name();

    /** The split read. */
    String split();

    /** The number of samples. */
    int size();

    /** Sample {@code index} (0-based). */
    Sample get(int index);

    /** The samples as a list view. */
    default List<Sample> samples() {
        return new AbstractList<>() {
            @Override
            public Sample get(int index) {
                return BenchmarkDataset.this.get(index);
            }

            @Override
            public int size() {
                return BenchmarkDataset.this.size();
            }
        };
    }
}
