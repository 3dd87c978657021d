package org.fmplab.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fmplab.metrics.Scores;
import org.fmplab.model.ModelIO;

/**
 * {@code ./fmplab tutorial-models}: (re)makes the backdoored models the toolkit ships for the tutorials
 * (the repository's {@code models/}, packed into the jar), so that notebooks 03-05 start at once on Binder.
 */
final class TutorialModels {
    static final String HELP = Help.text("tutorial-models");

    private TutorialModels() { }

    static int main(String[] argv, PrintStream out) {
        Args a = new Args(argv, java.util.Set.of("help"));
        if (a.flag("help")) {
            out.println(HELP);
            return 0;
        }
        Path dir = Path.of(a.get("out", "models"));
        a.rejectUnknown();
        StringBuilder md = new StringBuilder("""
                # The tutorials' backdoored models

                Written by `OMP_NUM_THREADS=2 ./fmplab tutorial-models` (class `org.fmplab.experiment.TutorialModels`);
                do not edit by hand. Each folder is a model in the toolkit's safe format (`config.json`, `params.npy`,
                `manifest.json` with the SHA-256 of both, checked on every load) named as the model cache names it, so a
                changed setting or training recipe gives a new name and the tests fail until the models are remade.
                The toolkit jar carries them; `Tutorial.backdoored` copies one into the model cache when the cache has
                none, so notebooks 03-05 skip training (02 always trains: it is the training tutorial).

                | mode | model | folder | CA | ASR | threads | params.npy SHA-256 |
                |---|---|---|---:|---:|---:|---|
                """);
        try {
            Files.createDirectories(dir);
            for (boolean quick : List.of(true, false)) {
                Tutorial t = Tutorial.of(Map.of("FMPLAB_QUICK", quick ? "1" : "0"));
                RunConfig c = t.config();
                Path store = Files.createTempDirectory("fmplab-tutorial-models");
                Pipeline.Data data = new Pipeline(c, null).prepareData();
                ModelCache cache = new ModelCache(store);
                Scores s = data.evaluator().evaluate(cache.backdoored(c, data, ConsoleProgress.stderr()).model());
                Path to = dir.resolve(ModelCache.name(c));
                Files.createDirectories(to);
                for (String f : List.of(ModelIO.CONFIG, ModelIO.PARAMS, ModelIO.MANIFEST)) {
                    Files.copy(cache.dir(c).resolve(f), to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
                String sha = ModelIO.sha256(Files.readAllBytes(to.resolve(ModelIO.PARAMS)));
                md.append(String.format(Locale.ROOT, "| %s | %s width %d, %d images, %d epochs | `%s` | %.2f%% | %.2f%% | %d | `%s` |%n",
                        quick ? "quick" : "full size", c.architecture(), c.effectiveWidth(), t.limit(), t.epochs(),
                        to.getFileName(), 100 * s.ca(), 100 * s.asr(), ModelCache.computeThreads(), sha));
                out.printf(Locale.ROOT, "%s: CA %.4f ASR %.4f -> %s%n", quick ? "quick" : "full size", s.ca(), s.asr(), to);
                try (var files = Files.walk(store)) {
                    for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
                }
            }
            Files.writeString(dir.resolve("README.md"), md.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }
}
