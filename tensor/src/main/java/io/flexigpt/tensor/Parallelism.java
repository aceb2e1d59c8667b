package io.flexigpt.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The library's one thread pool. The thread count comes from the system property
 * {@code flexigpt.threads} (default: available processors) and can be changed at run time with
 * {@link #setThreads(int)}. Work is split into at most {@link #threads()} contiguous chunks; the
 * calling thread runs the first chunk itself and dedicated daemon workers run the others. Workers
 * spin briefly before sleeping, so back-to-back parallel loops do not pay a thread wake-up each.
 * Calls made from inside a running chunk, or while another thread's loop holds the workers, run
 * inline on the calling thread.
 */
public final class Parallelism {
    private Parallelism() {}

    /** Body of a parallel loop over the half-open index range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final ThreadLocal<Boolean> IN_PARALLEL_REGION = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private static volatile int threads = initialThreads();
    private static volatile Workers workers = Workers.start(threads - 1);

    private static int initialThreads() {
        String prop = System.getProperty("flexigpt.threads");
        if (prop == null || prop.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int t = Integer.parseInt(prop.trim());
            if (t < 1) throw new NumberFormatException();
            return t;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "system property flexigpt.threads must be a positive integer, got '" + prop + "'");
        }
    }

    /** Number of threads parallel loops use (the caller included). */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads parallel loops use from now on; the previous workers finish the
     * loop they are running, if any, and exit.
     */
    public static synchronized void setThreads(int count) {
        if (count < 1) throw new IllegalArgumentException("thread count must be positive, got " + count);
        if (count == threads) return;
        Workers old = workers;
        workers = Workers.start(count - 1);
        threads = count;
        old.shutdown();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into contiguous chunks of at least {@code grain}
     * indices, one chunk per thread at most. Runs inline when one thread is configured, when the
     * range holds fewer than two grains, or when called from inside another parallel loop.
     */
    public static void forChunks(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        if (grain < 1) throw new IllegalArgumentException("grain must be positive, got " + grain);
        Workers pool = workers;
        int chunks = Math.min(pool.size() + 1, n / grain);
        if (chunks <= 1 || IN_PARALLEL_REGION.get() || !pool.tryAcquire()) {
            body.run(0, n);
            return;
        }
        try {
            Workers.Region region = pool.dispatch(body, n, chunks);
            runInRegion(body, 0, Workers.bound(n, chunks, 1));
            region.await();
        } finally {
            pool.release();
        }
    }

    /**
     * Runs {@code body} for every index in {@code [0, n)}, in parallel chunks as {@link #forChunks}
     * with a grain of one: meant for loops whose every index is a sizeable piece of work.
     */
    public static void forRange(int n, IntConsumer body) {
        forChunks(n, 1, (start, end) -> {
            for (int i = start; i < end; i++) body.accept(i);
        });
    }

    private static void runInRegion(RangeBody body, int start, int end) {
        IN_PARALLEL_REGION.set(Boolean.TRUE);
        try {
            body.run(start, end);
        } finally {
            IN_PARALLEL_REGION.set(Boolean.FALSE);
        }
    }

    /**
     * The daemon worker threads. Each worker owns a one-task mailbox; an idle worker polls it for a
     * short while before parking, which keeps the hand-off of back-to-back loops in the
     * microseconds. One loop at a time owns the workers.
     */
    private static final class Workers {
        /** How long an idle thread polls before parking. */
        private static final long SPIN_NANOS = 200_000;
        /** Polls after which a waiting thread yields its core between polls, in case the machine is oversubscribed. */
        private static final int BUSY_POLLS = 256;

        /** One poll of a wait loop: busy at first, then yielding, so a descheduled peer can run. */
        private static void pause(int polls) {
            if (polls < BUSY_POLLS) Thread.onSpinWait();
            else Thread.yield();
        }

        private static final AtomicInteger IDS = new AtomicInteger();

        private final Worker[] workers;
        private final AtomicBoolean busy = new AtomicBoolean();

        private Workers(int count) {
            workers = new Worker[count];
            for (int i = 0; i < count; i++) {
                workers[i] = new Worker();
                workers[i].start();
            }
        }

        static Workers start(int count) {
            return new Workers(count);
        }

        int size() {
            return workers.length;
        }

        boolean tryAcquire() {
            return busy.compareAndSet(false, true);
        }

        void release() {
            busy.set(false);
        }

        /** Waits for the running loop, if any, then stops the workers; the set stays acquired for good. */
        void shutdown() {
            while (!tryAcquire()) Thread.onSpinWait();
            for (Worker w : workers) w.post(Region.STOP, 0);
        }

        static int bound(int n, int chunks, int c) {
            return (int) ((long) n * c / chunks);
        }

        /** Hands chunks {@code 1..chunks-1} to workers; the caller runs chunk 0. */
        Region dispatch(RangeBody body, int n, int chunks) {
            Region region = new Region(body, n, chunks);
            for (int c = 1; c < chunks; c++) workers[c - 1].post(region, c);
            return region;
        }

        /** One parallel loop: its body, its split, and how many worker chunks are still running. */
        static final class Region {
            static final Region STOP = new Region(null, 0, 1);

            final RangeBody body;
            final int n, chunks;
            private final AtomicInteger remaining;
            private final AtomicReference<Throwable> failure = new AtomicReference<>();
            private final Thread caller = Thread.currentThread();
            private volatile boolean callerParked;

            Region(RangeBody body, int n, int chunks) {
                this.body = body;
                this.n = n;
                this.chunks = chunks;
                this.remaining = new AtomicInteger(chunks - 1);
            }

            void run(int chunk) {
                try {
                    runInRegion(body, bound(n, chunks, chunk), bound(n, chunks, chunk + 1));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
                if (remaining.decrementAndGet() == 0 && callerParked) LockSupport.unpark(caller);
            }

            /** Waits for every worker chunk, then rethrows the first failure. */
            void await() {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                for (int polls = 0; remaining.get() > 0; polls++) {
                    if (System.nanoTime() < spinUntil) {
                        pause(polls);
                        continue;
                    }
                    callerParked = true;
                    if (remaining.get() > 0) LockSupport.park(this);
                    callerParked = false;
                }
                Throwable t = failure.get();
                if (t instanceof RuntimeException) throw (RuntimeException) t;
                if (t instanceof Error) throw (Error) t;
                if (t != null) throw new IllegalStateException("parallel loop failed", t);
            }
        }

        private static final class Worker extends Thread {
            private volatile Region task;
            private int chunk;
            private volatile boolean parked;

            Worker() {
                super("flexigpt-worker-" + IDS.incrementAndGet());
                setDaemon(true);
            }

            void post(Region region, int c) {
                chunk = c;
                task = region;
                if (parked) LockSupport.unpark(this);
            }

            @Override
            public void run() {
                while (true) {
                    Region r = take();
                    if (r == Region.STOP) return;
                    r.run(chunk);
                }
            }

            private Region take() {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                for (int polls = 0; ; polls++) {
                    Region r = task;
                    if (r != null) {
                        task = null;
                        return r;
                    }
                    if (System.nanoTime() < spinUntil) {
                        pause(polls);
                        continue;
                    }
                    parked = true;
                    if (task == null) LockSupport.park(this);
                    parked = false;
                }
            }
        }
    }
}
