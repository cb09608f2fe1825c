package org.segearth.runtime.data;

import java.util.ArrayList;
import java.util.List;

/** A {@link BenchmarkDataset} whose samples a reader lists once, when it is opened. */
abstract class ListedDataset implements BenchmarkDataset {

    private final String name;
    private final String split;
    /** Filled by the reader's constructor. */
    protected final List<Sample> samples = new ArrayList<>();

    ListedDataset(String name, String split) {
        this.name = name;
        this.split = split;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String split() {
        return split;
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public Sample get(int index) {
        return samples.get(index);
    }
}
