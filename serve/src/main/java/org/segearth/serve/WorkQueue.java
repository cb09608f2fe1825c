package org.segearth.serve;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded queue in front of a fixed number of workers. At most {@code workers + queueSize} jobs
 * are admitted at once; one more is refused at once ({@code 503}), so the backlog never grows past
 * the queue size ({@code Retry-After}: the queue wait, 1 to 60 s). An admitted job that has not started after {@code queueWait} is dropped
 * ({@code 503}); one that started but runs past the time limit is answered {@code 504} and keeps
 * its slot until it ends (a segmentation cannot be stopped halfway), so the bound holds.
 */
final class WorkQueue implements AutoCloseable {

    private final int workers;
    private final int queueSize;
    private final Semaphore slots;
    private final ExecutorService executor;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    WorkQueue(int workers, int queueSize) {
        this.workers = workers;
        this.queueSize = queueSize;
        this.slots = new Semaphore(workers + queueSize);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "segearth-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** What {@link #run} measured besides the result. */
    record Done<T>(T value, long queuedNanos) {}

    /**
     * Runs {@code work} on a worker and waits for it.
     *
     * @throws HttpProblem 503 when the queue is full or the wait for a worker ran out, 504 past the time limit
     */
    <T> Done<T> run(Callable<T> work, Duration queueWait, Duration timeLimit) throws Exception {
        long retry = Math.max(1, Math.min(60, (queueWait.toMillis() + 999) / 1000));
        if (!slots.tryAcquire()) {
            refused.incrementAndGet();
            throw new HttpProblem(503, "the service is busy: " + workers + " running and " + queueSize
                    + " waiting, the most it admits; retry later", retry, null);
        }
        Job<T> job = new Job<>(work);
        long start = System.nanoTime();
        try {
            executor.execute(job);
        } catch (RuntimeException e) {
            slots.release();
            throw new HttpProblem(503, "the service is shutting down", retry, e);
        }
        if (!job.started.await(queueWait.toNanos(), TimeUnit.NANOSECONDS) && job.abandon()) {
            refused.incrementAndGet();
            throw new HttpProblem(503, "the service is busy: no worker was free within " + queueWait.toSeconds()
                    + " s; retry later", retry, null);
        }
        long queued = System.nanoTime() - start;
        try {
            return new Done<>(job.result.get(timeLimit.toNanos(), TimeUnit.NANOSECONDS), queued);
        } catch (TimeoutException e) {
            throw new HttpProblem(504, "the segmentation took longer than the time limit of " + timeLimit.toSeconds()
                    + " s; use a smaller image or ask the operator to raise --time-limit", 0, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            // an Error (out of memory) ends this request, not the service
            String what = cause instanceof OutOfMemoryError ? "out of memory while segmenting (" + cause.getMessage()
                    + "): send a smaller image, or give the service more heap (SEGEARTH_JAVA_OPTS=-Xmx8g)"
                    : "internal failure while segmenting: " + cause;
            throw new HttpProblem(500, what, 0, cause);
        }
    }

    int running() {
        return running.get();
    }

    /** Jobs admitted and not yet finished or dropped, running ones included. */
    int admitted() {
        return workers + queueSize - slots.availablePermits();
    }

    long refused() {
        return refused.get();
    }

    int workers() {
        return workers;
    }

    int queueSize() {
        return queueSize;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** One admitted piece of work; it releases its slot exactly once, when it ends or is dropped. */
    private final class Job<T> implements Runnable {
        private static final int QUEUED = 0;
        private static final int STARTED = 1;
        private static final int ABANDONED = 2;

        final Callable<T> work;
        final CountDownLatch started = new CountDownLatch(1);
        final CompletableFuture<T> result = new CompletableFuture<>();
        final AtomicInteger state = new AtomicInteger(QUEUED);

        Job(Callable<T> work) {
            this.work = work;
        }

        /** Drops the job if it has not started; true if dropped. */
        boolean abandon() {
            return state.compareAndSet(QUEUED, ABANDONED);
        }

        @Override
        public void run() {
            if (!state.compareAndSet(QUEUED, STARTED)) {
                slots.release();
                return;
            }
            started.countDown();
            running.incrementAndGet();
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                running.decrementAndGet();
                slots.release();
            }
        }
    }
}
