package org.fmplab.study.exec;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs a study's missing tasks, each in its own process (a JVM on this machine, or a Slurm array task),
 * and reports how each ended. A task is one backdoored model with all its defense cells; the task command
 * is idempotent (the store skips finished cells and is written atomically under a lock), so a task that
 * failed, was cancelled or was preempted is simply run again by the next call.
 */
public interface Executor {

    /**
     * Runs {@code tasks} with {@code command} (its {@link TaskCommand#TASK} argument replaced by each index)
     * and returns once every task has ended. A failing task never stops the others.
     */
    default Result run(List<Task> tasks, TaskCommand command) {
        return run(tasks, command, Cells.NONE);
    }

    /** As {@link #run(List, TaskCommand)}, with the study's cells shown on the progress line (done, total, ETA). */
    Result run(List<Task> tasks, TaskCommand command, Cells cells);

    /** The study's cells for the progress line: how many are done now (read from the store), of how many. */
    record Cells(java.util.function.IntSupplier done, int total) {
        /** No cell count: the line shows tasks only. */
        public static final Cells NONE = new Cells(() -> 0, 0);
    }

    /** One task of the study: its index (the {@code --task} argument) and a label for reports. */
    record Task(int index, String label) {
        public Task {
            if (index < 0) throw new IllegalArgumentException("task index = " + index + " must be >= 0");
            label = label == null ? "" : label;
        }
    }

    /**
     * How one task ended.
     *
     * @param exitCode the process's exit code (-1 when it never reported one, e.g. cancelled before it ran)
     * @param state    "COMPLETED", "FAILED", or the scheduler's final state ("CANCELLED", "TIMEOUT", ...)
     * @param log      the task's log file
     */
    record Outcome(Task task, int exitCode, String state, Path log) {
        public boolean ok() {
            return exitCode == 0 && "COMPLETED".equals(state);
        }

        /** One report line: "task 3 (fashion-mnist/badnets/seed 1) FAILED, exit code 1, log runs/x/logs/task-3.log". */
        public String describe() {
            return "task " + task.index() + (task.label().isEmpty() ? "" : " (" + task.label() + ")") + " " + state
                    + ", exit code " + exitCode + ", log " + log;
        }
    }

    /** The outcomes of one {@link #run}, in task order; {@code submitted} is false for a dry run. */
    record Result(List<Outcome> outcomes, boolean submitted) {
        public Result {
            outcomes = List.copyOf(outcomes);
        }

        public List<Outcome> failed() {
            return outcomes.stream().filter(o -> !o.ok()).toList();
        }

        public boolean ok() {
            return submitted && failed().isEmpty();
        }
    }
}
