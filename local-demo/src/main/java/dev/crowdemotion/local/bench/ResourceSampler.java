package dev.crowdemotion.local.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Samples this JVM (job, mini-cluster and stand-in together) over the measured window:
 * <ul>
 *   <li><b>live heap</b>: every {@code gcEverySeconds}, {@code System.gc()} (a full, stop-the-world
 *       collection with G1) and the heap used right after it; the first sample at the window's
 *       start, the last at its end, so {@code last - first} is the growth over the window;</li>
 *   <li><b>heap after any GC</b>: the largest heap use after a collection the JVM made on its own
 *       (GC notifications; with G1 this includes old-generation garbage not yet collected);</li>
 *   <li><b>CPU</b>: this process's CPU time and the whole machine's busy time ({@code /proc/stat}),
 *       in cores, so the load of other processes on the shared machine shows;</li>
 *   <li>the largest value of a gauge (the enrichment's pacer backlog), once a second.</li>
 * </ul>
 */
final class ResourceSampler implements NotificationListener {
    private final long gcEveryMs;
    private final DoubleSupplier gauge;
    private final Set<String> heapPools = new HashSet<>();
    private volatile boolean inWindow;
    private volatile long maxAfterGc = -1;

    final List<Long> liveHeapSamples = new ArrayList<>();
    double processCores = -1;
    double machineCores = -1;
    double gaugeMax = -1;
    String loadAverageBefore = "";
    String loadAverageAfter = "";

    ResourceSampler(double gcEverySeconds, DoubleSupplier gauge) {
        this.gcEveryMs = (long) (gcEverySeconds * 1000);
        this.gauge = gauge;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter) {
                ((NotificationEmitter) gc).addNotificationListener(this, null, null);
            }
        }
    }

    /** Stops listening to GC notifications. */
    void close() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter) {
                try {
                    ((NotificationEmitter) gc).removeNotificationListener(this);
                } catch (javax.management.ListenerNotFoundException e) {
                    // not registered
                }
            }
        }
    }

    /** Largest heap used after a collection the JVM made on its own during the window, bytes; -1 if none. */
    long maxAfterGc() {
        return maxAfterGc;
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!inWindow || !GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        if ("System.gc()".equals(info.getGcCause())) {
            return;
        }
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        if (used > maxAfterGc) {
            maxAfterGc = used;
        }
    }

    /** Samples from {@code fromMs} to {@code toMs} (epoch ms), blocking the calling thread. */
    void sample(long fromMs, long toMs) throws InterruptedException {
        sleepUntil(fromMs);
        loadAverageBefore = loadAverage();
        long[] cpu0 = machineJiffies();
        long proc0 = processCpuNanos();
        long wall0 = System.nanoTime();
        liveHeapSamples.add(liveHeap());
        inWindow = true;
        long nextGc = System.currentTimeMillis() + gcEveryMs;
        while (System.currentTimeMillis() < toMs) {
            Thread.sleep(Math.min(1000, Math.max(1, toMs - System.currentTimeMillis())));
            gaugeMax = Math.max(gaugeMax, gauge.getAsDouble());
            if (gcEveryMs > 0 && System.currentTimeMillis() >= nextGc && toMs - System.currentTimeMillis() > 1000) {
                liveHeapSamples.add(liveHeap());
                nextGc += gcEveryMs;
            }
        }
        inWindow = false;
        double wallSeconds = (System.nanoTime() - wall0) / 1e9;
        long proc1 = processCpuNanos();
        long[] cpu1 = machineJiffies();
        liveHeapSamples.add(liveHeap());
        loadAverageAfter = loadAverage();
        processCores = proc0 < 0 ? -1 : (proc1 - proc0) / 1e9 / wallSeconds;
        if (cpu0 != null && cpu1 != null) {
            machineCores = (cpu1[0] - cpu0[0]) / 100.0 / wallSeconds; // USER_HZ = 100 on Linux
        }
    }

    private static long liveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
    }

    /** {busy, total} jiffies of the whole machine, or null if /proc/stat is unreadable. */
    private static long[] machineJiffies() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void sleepUntil(long epochMs) throws InterruptedException {
        long wait;
        while ((wait = epochMs - System.currentTimeMillis()) > 0) {
            Thread.sleep(Math.min(wait, 1000));
        }
    }
}
