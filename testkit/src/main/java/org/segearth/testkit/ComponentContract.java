package org.segearth.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.segearth.api.SegEarthException;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.Provider;

/**
 * What every provider and component must honour, whatever its kind: the base of the kind-specific
 * contracts ({@link SegmentationHeadContract}, {@link MaskEncoderContract},
 * {@link VisionEncoderContract}, {@link LanguageModelContract}); extend one of those.
 *
 * @param <P> the provider interface
 * @param <C> the component it creates
 */
public abstract class ComponentContract<P extends Provider, C extends AutoCloseable> {

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** The provider interface, e.g. {@code SegmentationHeadProvider.class}. */
    protected abstract Class<P> spi();

    /** A new instance of the provider under test. */
    protected abstract P provider();

    /**
     * A context with a small checkpoint (tiny config, seeded or golden weights) to build the
     * component from; its manager owns the weights. Called once per test; close what it opens in
     * {@link #release()}.
     */
    protected abstract ComponentContext context();

    /** Closes what {@link #context()} opened (a checkpoint, a manager); called after every test. */
    protected void release() {}

    /** Builds the component from {@link #context()} through the provider, closed after the test. */
    protected final C create(ComponentContext context) {
        C component = build(provider(), context);
        assertNotNull(component, provider().getClass().getName() + ".create returned null");
        opened.add(component);
        return component;
    }

    /** {@code provider.create(context)}. */
    protected abstract C build(P provider, ComponentContext context);

    /** Runs the component once on inputs made in {@code manager}; the values compared across threads. */
    protected abstract float[] runOnce(C component, NDManager manager);

    /** Absolute tolerance when the same computation is compared (batched vs single, threads). */
    protected double tolerance() {
        return 1e-4;
    }

    /**
     * The parity hook: the name of the reference dump ({@link ParityCheck#component()}) that a
     * {@link ParityCheck} on the class path reproduces for this component, or null when there is
     * none (the parity tests are then skipped).
     */
    protected String parityComponent() {
        return null;
    }

    /**
     * Runs {@code check} on the reference dump (for example with the runtime's {@code ParityRunner})
     * and fails when it does not pass. The default skips: override it where a dump is at hand.
     */
    protected void runParity(ParityCheck check) throws Exception {
        Assumptions.abort("no reference dump is run for " + check.component() + ": override runParity");
    }

    @AfterEach
    final void closeOpened() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        opened.clear();
        release();
    }

    @Test
    void providerHasAValidName() {
        String name = provider().name();
        assertNotNull(name);
        assertTrue(name.matches("[a-z0-9][a-z0-9_.-]*"),
                "a provider name is what users type: lower case letters, digits, '-', '_', '.'; got '" + name + "'");
    }

    @Test
    void providerIsRegisteredForServiceLoader() {
        Class<?> type = provider().getClass();
        assertTrue(Modifier.isPublic(type.getModifiers()), type + " must be public for ServiceLoader");
        assertDoesNotThrow(() -> type.getConstructor(), type + " needs a public no-argument constructor");
        List<String> found = new ArrayList<>();
        for (P p : ServiceLoader.load(spi())) {
            found.add(p.getClass().getName());
        }
        assertTrue(found.contains(type.getName()), type.getName() + " is not listed in META-INF/services/"
                + spi().getName() + " (found " + found + ")");
    }

    @Test
    void providersAreCheap() {
        // no work before create(): making one twice costs nothing and both answer the same
        assertEquals(provider().name(), provider().name());
        assertEquals(provider().priority(), provider().priority());
    }

    @Test
    void closeIsIdempotent() throws Exception {
        C c = build(provider(), context());
        c.close();
        c.close();
    }

    @Test
    void everythingACallMakesBelongsToTheCaller() {
        ComponentContext context = context();
        C component = create(context);
        NDManager owner = context.manager();
        Assumptions.assumeTrue(owner instanceof BaseNDManager, "the engine's manager does not count its arrays");
        int before = ((BaseNDManager) owner).getManagedArrays().size();
        try (NDManager call = owner.newSubManager()) {
            runOnce(component, call);
        }
        assertEquals(before, ((BaseNDManager) owner).getManagedArrays().size(),
                "arrays were left in the weights' manager after the caller's manager closed");
    }

    @Test
    void concurrentCallsGiveTheSameResults() throws Exception {
        ComponentContext context = context();
        C component = create(context);
        float[] reference;
        try (NDManager m = context.manager().newSubManager()) {
            reference = runOnce(component, m);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    try (NDManager m = context.manager().newSubManager()) {
                        return runOnce(component, m);
                    }
                }));
            }
            for (Future<float[]> f : results) {
                assertClose(reference, f.get(), tolerance(), "a call made concurrently with another");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aParityCheckIsRegisteredAndPasses() throws Exception {
        String component = parityComponent();
        Assumptions.assumeTrue(component != null, "no reference dump named for " + provider().name());
        ParityCheck check = null;
        for (ParityCheck c : ServiceLoader.load(ParityCheck.class)) {
            if (c.component().equals(component)) {
                check = c;
            }
        }
        assertNotNull(check, "no ParityCheck for '" + component + "' in META-INF/services/" + ParityCheck.class.getName());
        runParity(check);
    }

    /** Asserts that {@code call} throws a {@link SegEarthException} with a one-line message. */
    protected static SegEarthException assertOneLineError(Executable call, String what) {
        SegEarthException e = assertThrows(SegEarthException.class, call, what + " must be refused with a SegEarthException");
        assertNotNull(e.getMessage(), what);
        assertFalse(e.getMessage().isBlank() || e.getMessage().contains("\n"), what + ": a one-line message, got: " + e.getMessage());
        return e;
    }

    /** Asserts equal lengths and values within {@code atol}. */
    protected static void assertClose(float[] expected, float[] actual, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": number of values");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= atol, what + ": differs by " + worst + " (tolerance " + atol + ")");
    }

    /**
     * Seeded standard-normal values of {@code shape} made in Java (not with the engine's random
     * generator, which is one per process and would make concurrent calls differ).
     */
    protected static NDArray random(NDManager manager, long seed, Shape shape) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return manager.create(v, shape);
    }

    /** Asserts that every value of {@code x} is finite. */
    protected static void assertFinite(NDArray x, String what) {
        for (float v : x.toFloatArray()) {
            assertTrue(Float.isFinite(v), what + " holds " + v);
        }
    }
}
