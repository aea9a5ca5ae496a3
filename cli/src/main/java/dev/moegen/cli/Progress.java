package dev.moegen.cli;

import java.util.Timer;
import java.util.TimerTask;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for work that takes more than ~2 s, and only on a terminal: piped or redirected output
 * (CI, scripts, tests) stays clean. Results are printed on stdout as they complete either way.
 */
final class Progress implements AutoCloseable {
    private static final long DELAY_MS = 2000;
    private final String task;
    private final long total;
    private final Timer timer;
    private long done;
    private ProgressBar bar;

    private Progress(String task, long total, boolean terminal) {
        this.task = task;
        this.total = total;
        this.timer = terminal ? new Timer("moegen-progress", true) : null;
        if (timer != null) timer.schedule(new TimerTask() {
            @Override
            public void run() {
                show();
            }
        }, DELAY_MS);
    }

    static Progress start(String task, long total) {
        var console = System.console();
        return new Progress(task, total, console != null && console.isTerminal());
    }

    private synchronized void show() {
        if (bar != null || timer == null) return;
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        bar.stepTo(done);
    }

    synchronized void step() {
        done++;
        if (bar != null) bar.stepTo(done);
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.cancel();
        if (bar != null) bar.close();
    }
}
